"""Label Studio interop: push the store's items as ranking tasks, pull finished rankings back.

``push`` makes (or reuses) a Label Studio project whose labeling config ranks replies the way the
Gradio app does: a rank per reply (1 = best, equal ranks are ties), an "unsafe / harmful" tick,
optional 1-5 empathy, safety and helpfulness ratings and an optional rationale. Each item of the
store becomes one task showing what the app would show: the conversation with the client's
messages redacted, and the candidate replies blinded and shuffled (one order per task, the same
for everyone; it is stored as the shown order, so position bias can still be measured). The
task's ``meta`` links it back to the store (item id and candidate ids).

``pull`` checks every task against the store first (a task whose replies are not the store's
candidates stops the pull before anything is written), then records each submitted annotation
through ``RankingStore.record_ranking``, as ``align import-rankings`` does, under the store account
``ls:<email of the Label Studio annotator>``. The annotation's id goes to the audit log, so pulling
again adds nothing. Cancelled (skipped) annotations, drafts and incomplete ones are reported, not
imported.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from annotate.labeling import DEFAULT_GUIDELINES, LabelSettings, _dense
from annotate.models import Assignment, AuditEvent, Prompt
from annotate.redact import redact
from annotate.store import CandidateJudgement, RankingError, RankingStore

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

DEFAULT_URL = "http://localhost:8080"
DEFAULT_PROJECT_TITLE = "counsel-align rankings"
UNSAFE_CHOICE = "unsafe / harmful"
RATINGS = ("empathy", "safety", "helpfulness")
LINK = "counsel_align"  # the key in a task's meta that links it to the store
PULL_ACTION = "labelstudio_pull"  # audit-log action: one per pulled annotation, with its ids
SPEAKERS = {"user": "client", "assistant": "counselor"}

# A Repeater draws the same controls under every reply of a task, however many there are; rank
# choices come from the task (1..number of replies). Label Studio shows task text as text, never HTML.
LABEL_CONFIG = """<View>
  <Header value="The conversation"/>
  <Paragraphs name="conversation" value="$conversation" nameKey="speaker" textKey="text"/>
  <Repeater on="$replies" indexFlag="{{idx}}" mode="list">
    <Header value="$replies[{{idx}}].label"/>
    <Text name="reply_{{idx}}" value="$replies[{{idx}}].text"/>
    <Header value="Rank (1 = best; give equal replies the same rank)" size="6"/>
    <Choices name="rank_{{idx}}" toName="reply_{{idx}}" choice="single-radio" showInline="true"
             required="true" value="$ranks"/>
    <Choices name="unsafe_{{idx}}" toName="reply_{{idx}}" choice="multiple">
      <Choice value="unsafe / harmful"/>
    </Choices>
    <View style="display: flex; gap: 2em">
      <View><Header value="Empathy (optional)" size="6"/>
        <Rating name="empathy_{{idx}}" toName="reply_{{idx}}" maxRating="5"/></View>
      <View><Header value="Safety (optional)" size="6"/>
        <Rating name="safety_{{idx}}" toName="reply_{{idx}}" maxRating="5"/></View>
      <View><Header value="Helpfulness (optional)" size="6"/>
        <Rating name="helpfulness_{{idx}}" toName="reply_{{idx}}" maxRating="5"/></View>
    </View>
  </Repeater>
  <Header value="Rationale (optional)" size="6"/>
  <TextArea name="rationale" toName="conversation" rows="3" maxSubmissions="1" editable="true"/>
</View>"""
CONFIG_MARK = 'name="rank_{{idx}}"'  # how a project made by push is recognised
CONTROL = re.compile(r"^(rank|unsafe|empathy|safety|helpfulness)_(\d+)$")
BOLD = re.compile(r"\*\*(.+?)\*\*")


class LabelStudioError(RuntimeError):
    """Label Studio could not be used (unreachable, refused the key, no such project), or its tasks
    do not match the store; the message says which server, project or task."""


# ---------------------------------------------------------------- talking to the server


@dataclass
class Connection:
    client: LabelStudio
    url: str


@contextmanager
def talking_to(url: str) -> Iterator[None]:
    """Turn the SDK's and httpx's errors into messages that say what went wrong and where."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except ApiError as exc:
        detail = exc.body.get("detail", exc.body) if isinstance(exc.body, dict) else exc.body
        if exc.status_code == 401:
            raise LabelStudioError(
                f"Label Studio refused the API key at {url} ({detail}); pass the key of an account there "
                "with --api-key or $LABEL_STUDIO_API_KEY (Account & Settings > Personal Access Token)"
            ) from None
        raise LabelStudioError(f"Label Studio at {url} answered {exc.status_code}: {detail}") from None
    except httpx.HTTPError as exc:
        raise LabelStudioError(
            f"could not reach Label Studio at {url} ({type(exc).__name__}: {exc}); is it running? "
            "(`label-studio start`, or pass --url / set $LABEL_STUDIO_URL)"
        ) from None


def connect(url: str, api_key: str | None) -> Connection:
    """A client for the server at ``url``, with the key checked by asking who it belongs to."""
    from label_studio_sdk import LabelStudio

    if not api_key:
        raise LabelStudioError(
            f"no API key for Label Studio at {url}: pass --api-key or set $LABEL_STUDIO_API_KEY "
            "(Label Studio: Account & Settings > Personal Access Token)"
        )
    url = url.rstrip("/")
    with talking_to(url):
        client = LabelStudio(base_url=url, api_key=api_key, timeout=60)
        client.users.whoami()
    return Connection(client, url)


def find_project(conn: Connection, project_id: int | None, title: str) -> Any | None:
    """The project with this id (an error if there is none), else the one with exactly this title, else None."""
    from label_studio_sdk.core.api_error import ApiError

    with talking_to(conn.url):
        if project_id is not None:
            try:
                project = conn.client.projects.get(project_id)
            except ApiError as exc:
                if exc.status_code == 404:
                    raise LabelStudioError(f"no project with id {project_id} at {conn.url}") from None
                raise
        else:
            matches = [p for p in conn.client.projects.list(title=title) if p.title == title]
            if len(matches) > 1:
                ids = ", ".join(str(p.id) for p in matches)
                raise LabelStudioError(
                    f"{len(matches)} projects titled {title!r} at {conn.url} (ids {ids}): pick one with --project-id"
                )
            project = matches[0] if matches else None
    if project is not None and CONFIG_MARK not in (project.label_config or ""):
        raise LabelStudioError(
            f"project {project.id} ({project.title!r}) at {conn.url} does not have the ranking config that "
            "`align labelstudio push` makes; push to a new project (another --project-title)"
        )
    return project


def project_url(conn: Connection, project_id: int) -> str:
    return f"{conn.url}/projects/{project_id}/data"


def store_name(store: RankingStore) -> str:
    """The store's URL as it may be shown: without a database password."""
    return store.engine.url.render_as_string(hide_password=True)


# ---------------------------------------------------------------- push


@dataclass
class PushReport:
    project_id: int
    project_url: str
    created: bool
    added: int
    already_there: int


def guidelines_html(markdown: str = DEFAULT_GUIDELINES) -> str:
    """The app's guidelines (paragraphs with **bold**) as the HTML Label Studio shows in its instructions."""
    paragraphs = [" ".join(p.split()) for p in html.escape(markdown).split("\n\n") if p.strip()]
    return "".join("<p>" + BOLD.sub(r"<b>\1</b>", p) + "</p>" for p in paragraphs)


def task_for_item(store: RankingStore, prompt: Prompt, settings: LabelSettings) -> dict[str, Any]:
    """One item as a Label Studio task: what the app shows (redacted, blinded, shuffled), plus the link back."""
    texts = {c.id: c.text for c in store.candidates(prompt.id)}
    order = sorted(texts)
    random.Random(prompt.external_id).shuffle(order)  # the same order every time this item is pushed
    conversation = [
        {
            "speaker": SPEAKERS[m["role"]],
            "text": redact(m["content"], settings.redact_names)
            if settings.redact and m["role"] == "user"
            else m["content"],
        }
        for m in prompt.conversation
        if m["role"] in SPEAKERS
    ]
    replies = [{"label": f"Reply {chr(ord('A') + i)}", "text": texts[cid]} for i, cid in enumerate(order)]
    return {
        "data": {
            "conversation": conversation,
            "replies": replies,
            "ranks": [{"value": str(rank)} for rank in range(1, len(order) + 1)],
        },
        "meta": {LINK: {"item": prompt.external_id, "candidate_ids": order}},
    }


def items_to_rank(store: RankingStore) -> list[Prompt]:
    """Every item with two or more candidates, in the store's order, A/B campaign items excepted.

    Label Studio shows every annotator a task's replies in the same order, so a blinded A/B pair
    (``align label --compare``) would carry position bias there: those are ranked in the app.
    """
    with store.session() as session:
        prompts = list(session.scalars(select(Prompt).where(Prompt.campaign.is_(None)).order_by(Prompt.id)))
    return [p for p in prompts if len(store.candidates(p.id)) >= 2]


def push(
    conn: Connection,
    store: RankingStore,
    project_id: int | None = None,
    title: str = DEFAULT_PROJECT_TITLE,
    settings: LabelSettings | None = None,
) -> PushReport:
    """Add every item of the store not yet in the project as a task; make the project if there is none."""
    settings = settings or LabelSettings()
    items = items_to_rank(store)
    if not items:
        raise LabelStudioError(
            f"nothing to push: {store_name(store)} has no item with two or more candidate replies "
            "(add some with `align generate`)"
        )
    project = find_project(conn, project_id, title)
    with talking_to(conn.url):
        created = project is None
        if created:
            project = conn.client.projects.create(
                title=title,
                label_config=LABEL_CONFIG,
                expert_instruction=guidelines_html(),
                show_instruction=True,
                show_skip_button=True,
                maximum_annotations=settings.annotators_per_item,
            )
        there = {(task.meta or {}).get(LINK, {}).get("item") for task in conn.client.tasks.list(project=project.id)}
        new = [task_for_item(store, p, settings) for p in items if p.external_id not in there]
        if new:
            conn.client.projects.import_tasks(project.id, request=new)
    return PushReport(project.id, project_url(conn, project.id), created, len(new), len(there - {None}))


# ---------------------------------------------------------------- pull


@dataclass
class PullReport:
    imported: int = 0
    already_pulled: int = 0
    duplicates: list[str] = field(default_factory=list)  # the annotator already had a ranking of the item
    cancelled: list[str] = field(default_factory=list)  # skipped in Label Studio
    incomplete: list[str] = field(default_factory=list)  # a reply without a rank, an unknown control...
    drafts: int = 0  # started, never submitted
    not_annotated: int = 0  # tasks nobody has submitted yet


@dataclass
class PulledRanking:
    """One submitted annotation, translated to the store's terms."""

    task_id: int
    annotation_id: int
    annotator: str
    prompt_id: int
    shown_order: list[int]
    judgements: dict[int, CandidateJudgement]
    rationale: str | None


class IncompleteAnnotation(ValueError):
    pass


def judgements_from_result(
    result: list[dict[str, Any]], candidate_ids: list[int]
) -> tuple[dict[int, CandidateJudgement], str | None]:
    """Candidate id -> judgement (ranks made dense, as the app does) and the rationale, from an annotation's result."""
    ranks: dict[int, int] = {}
    unsafe: set[int] = set()
    ratings: dict[int, dict[str, int]] = {slot: {} for slot in range(len(candidate_ids))}
    rationale = None
    for region in result:
        name, value = region.get("from_name", ""), region.get("value", {})
        if name == "rationale":
            rationale = "\n".join(value.get("text", [])).strip() or None
            continue
        control = CONTROL.match(name)
        if control is None:
            raise IncompleteAnnotation(f"an answer to {name!r}, which the ranking config does not have")
        kind, slot = control.group(1), int(control.group(2))
        if slot >= len(candidate_ids):
            raise IncompleteAnnotation(f"an answer for reply {slot + 1}, but the task has {len(candidate_ids)}")
        if kind == "rank":
            ranks[slot] = int(value["choices"][0])
        elif kind == "unsafe":
            if UNSAFE_CHOICE in value.get("choices", []):
                unsafe.add(slot)
        else:
            ratings[slot][kind] = int(value["rating"])
    unranked = [chr(ord("A") + slot) for slot in range(len(candidate_ids)) if slot not in ranks]
    if unranked:
        raise IncompleteAnnotation(f"no rank for reply {', '.join(unranked)}")
    judgements = {
        cid: CandidateJudgement(rank=ranks[slot], unsafe=slot in unsafe, **ratings[slot])
        for slot, cid in enumerate(candidate_ids)
    }
    return _dense(judgements), rationale


def _mismatch(store: RankingStore, task: Any) -> tuple[int | None, str | None]:
    """The store's prompt id for a task, or why the task does not match the store."""
    link = (task.meta or {}).get(LINK)
    if not link:
        return None, f"task {task.id}: not made by `align labelstudio push` (no {LINK!r} link in its meta)"
    with store.session() as session:
        prompt_id = session.scalar(select(Prompt.id).where(Prompt.external_id == link["item"]))
    if prompt_id is None:
        return None, f"task {task.id}: item {link['item']!r} is not in the store"
    stored = {c.id: c.text for c in store.candidates(prompt_id)}
    shown = [reply["text"] for reply in task.data.get("replies", [])]
    if [stored.get(cid) for cid in link["candidate_ids"]] != shown:
        return None, (
            f"task {task.id}: its replies are not the store's candidates {link['candidate_ids']} of item "
            f"{link['item']!r} (pushed from another store, or edited in Label Studio?)"
        )
    return prompt_id, None


def read_annotations(conn: Connection, store: RankingStore, project_id: int, report: PullReport) -> list[PulledRanking]:
    """Every submitted, complete annotation of the project; cancelled, incomplete and draft ones go to the report."""
    with talking_to(conn.url):
        emails = {user.id: user.email for user in conn.client.users.list()}
        tasks = list(conn.client.tasks.list(project=project_id, fields="all"))
    pulled, mismatches = [], []
    for task in tasks:
        prompt_id, problem = _mismatch(store, task)
        if problem:
            mismatches.append(problem)
            continue
        candidate_ids = task.meta[LINK]["candidate_ids"]
        report.drafts += len(task.drafts or [])
        if not task.annotations:
            report.not_annotated += 1
        for annotation in task.annotations or []:
            who = emails.get(annotation["completed_by"], f"user {annotation['completed_by']}")
            where = f"task {task.id}, annotation {annotation['id']} by {who}"
            if annotation.get("was_cancelled"):
                report.cancelled.append(where)
                continue
            try:
                judgements, rationale = judgements_from_result(annotation.get("result") or [], candidate_ids)
            except (IncompleteAnnotation, KeyError, IndexError, TypeError, ValueError) as exc:
                report.incomplete.append(f"{where}: {exc}")
                continue
            pulled.append(
                PulledRanking(task.id, annotation["id"], f"ls:{who}", prompt_id, candidate_ids, judgements, rationale)
            )
    if mismatches:
        raise LabelStudioError(
            f"{len(mismatches)} task(s) of project {project_id} at {conn.url} do not match the store "
            f"{store_name(store)}; nothing was pulled:\n  " + "\n  ".join(mismatches)
        )
    return pulled


def _pulled_before(store: RankingStore, project_id: int) -> set[tuple[int, int]]:
    """(task id, annotation id) of every annotation of this project already in the store, from the audit log."""
    with store.session() as session:
        events = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == PULL_ACTION))
        return {(e["task_id"], e["annotation_id"]) for e in events if e.get("project_id") == project_id}


def record(store: RankingStore, project_id: int, ranking: PulledRanking) -> bool:
    """Store one pulled ranking in the order Label Studio showed it; False if the annotator already ranked the item."""
    annotator_id = store.ensure_annotator(ranking.annotator)
    with store.session() as session:
        assignment = session.scalar(
            select(Assignment).where(Assignment.prompt_id == ranking.prompt_id, Assignment.annotator_id == annotator_id)
        )
        if assignment is None:
            shown = Assignment(prompt_id=ranking.prompt_id, annotator_id=annotator_id, shown_order=ranking.shown_order)
            session.add(shown)
        elif assignment.status != "pending":
            return False
    try:
        ranking_id = store.record_ranking(ranking.prompt_id, annotator_id, ranking.judgements, ranking.rationale)
    except RankingError:
        return False  # a pull running at the same time stored it first
    with store.session() as session:
        store.audit(
            session,
            ranking.annotator,
            PULL_ACTION,
            project_id=project_id,
            task_id=ranking.task_id,
            annotation_id=ranking.annotation_id,
            ranking_id=ranking_id,
        )
    return True


def pull(
    conn: Connection, store: RankingStore, project_id: int | None = None, title: str = DEFAULT_PROJECT_TITLE
) -> PullReport:
    """Bring every submitted ranking of the project into the store; pulling again adds nothing."""
    project = find_project(conn, project_id, title)
    if project is None:
        raise LabelStudioError(
            f"no project titled {title!r} at {conn.url}: run `align labelstudio push` first, or pass --project-id"
        )
    report = PullReport()
    done = _pulled_before(store, project.id)
    for ranking in read_annotations(conn, store, project.id, report):
        if (ranking.task_id, ranking.annotation_id) in done:
            report.already_pulled += 1
        elif record(store, project.id, ranking):
            report.imported += 1
        else:
            report.duplicates.append(
                f"task {ranking.task_id}, annotation {ranking.annotation_id}: {ranking.annotator} already has a "
                "ranking of this item in the store (kept that one)"
            )
    return report
