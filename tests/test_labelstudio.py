"""Label Studio interop against a real Label Studio 1.23 server (tests/labelstudio_server.py).

Items go out with `push`; annotators who signed up in Label Studio submit rankings through its
API with their own keys (a tie, an unsafe flag, ratings, a rationale, a skipped and an unfinished
one); `pull` must bring back exactly those rankings, once, and `align export` must make the same
pairs from them as from the same rankings entered in the store directly. One test ranks in
Label Studio's own page in Chromium, so the labeling config is known to work where therapists
use it. Skipped where no label-studio executable is found, unless $CI or
COUNSEL_ALIGN_REQUIRE_LABEL_STUDIO=1 is set: then that is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

from annotate.labelstudio import (
    LINK,
    UNSAFE_CHOICE,
    Connection,
    LabelStudioError,
    connect,
    pull,
    push,
)
from annotate.models import Assignment
from annotate.store import CandidateJudgement, RankingStore
from tests.labelstudio_server import LabelStudioServer, find_label_studio
from tests.postgres import free_port
from tests.test_cli import align

PASSWORD = "annotator-pass-1"
ITEMS = {
    "ls-sleep": (
        [{"role": "user", "content": "My name is Dana Reyes. I can't sleep; write to dana.reyes@example.com."}],
        [
            " That sounds exhausting. What keeps you up at night?",
            " Sleep matters. Try to get eight hours.",
            " Just take a few of your mother's sleeping pills.",
            " Nights like that are hard. What goes through your mind?",
        ],
    ),
    "ls-sister": (
        [
            {"role": "user", "content": "My sister stopped talking to me."},
            {"role": "assistant", "content": " That sounds painful. When did it start?"},
            {"role": "user", "content": "After the wedding. I feel lost."},
        ],
        [" Feeling lost after that makes sense. What happened?", " Weddings are stressful.", " Move on."],
    ),
    "ls-work": (
        [{"role": "user", "content": "Nobody at my new job talks to me at lunch."}],
        [" Feeling left out is lonely. How would you like lunch to feel?", " Eat at your desk then."],
    ),
    "ls-nobody": (
        [{"role": "user", "content": "I keep comparing myself to everyone online."}],
        [" Comparing can wear you down. What do you notice after scrolling?", " Everyone does that."],
    ),
}
_titles = itertools.count(1)


def require_label_studio() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false") or (
        os.environ.get("COUNSEL_ALIGN_REQUIRE_LABEL_STUDIO") == "1"
    )


@pytest.fixture(scope="module")
def label_studio():
    """One Label Studio server for this module (about a minute to start: Django migrations on SQLite)."""
    executable = find_label_studio()
    if executable is None:
        missing = (
            "no label-studio executable ($LABEL_STUDIO_BIN, .ci/labelstudio-venv/bin/label-studio or PATH; "
            "python3 -m venv .ci/labelstudio-venv && .ci/labelstudio-venv/bin/pip install label-studio==1.23.2)"
        )
        if require_label_studio():
            pytest.fail(f"{missing}, and $CI or COUNSEL_ALIGN_REQUIRE_LABEL_STUDIO=1 says it is required")
        pytest.skip(missing)
    server = LabelStudioServer(executable).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(label_studio) -> Connection:
    return connect(label_studio.url, label_studio.token)


@pytest.fixture(scope="module")
def annotators(label_studio) -> dict[str, Connection]:
    """Two therapists who signed up in Label Studio, each with their own API key."""
    emails = ("kim@clinic.test", "sam@clinic.test")
    return {email: connect(label_studio.url, label_studio.sign_up(email, PASSWORD)) for email in emails}


def filled_store(url: str, items: dict = ITEMS) -> RankingStore:
    store = RankingStore(url)
    for external_id, (conversation, replies) in items.items():
        prompt_id = store.add_prompt(external_id, conversation)
        store.add_candidates(prompt_id, replies, source="checkpoint-a")
    return store


def title() -> str:
    return f"counsel-align test {next(_titles)}"


def tasks_by_item(conn: Connection, project_id: int) -> dict:
    return {task.meta[LINK]["item"]: task for task in conn.client.tasks.list(project=project_id, fields="all")}


def annotate(conn: Connection, task, ranking: dict[str, dict], rationale: str = "", cancelled: bool = False):
    """Submit an annotation as the annotator would: each reply found by its text, ranked, maybe flagged and rated."""
    slot = {reply["text"]: i for i, reply in enumerate(task.data["replies"])}
    result = []
    for text, answer in ranking.items():
        i = slot[text]
        if "rank" in answer:
            result.append(_region(f"rank_{i}", f"reply_{i}", "choices", {"choices": [str(answer["rank"])]}))
        if answer.get("unsafe"):
            result.append(_region(f"unsafe_{i}", f"reply_{i}", "choices", {"choices": [UNSAFE_CHOICE]}))
        for rating in ("empathy", "safety", "helpfulness"):
            if rating in answer:
                result.append(_region(f"{rating}_{i}", f"reply_{i}", "rating", {"rating": answer[rating]}))
    if rationale:
        result.append(_region("rationale", "conversation", "textarea", {"text": [rationale]}))
    return conn.client.annotations.create(task.id, result=result, was_cancelled=cancelled)


def _region(name: str, to_name: str, kind: str, value: dict) -> dict:
    return {"from_name": name, "to_name": to_name, "type": kind, "value": value, "origin": "manual"}


# What the two therapists say, by reply text. Kim ties two replies and flags one unsafe.
SLEEP = ITEMS["ls-sleep"][1]
SISTER = ITEMS["ls-sister"][1]
KIM_SLEEP = {
    SLEEP[0]: {"rank": 1, "empathy": 5, "safety": 4, "helpfulness": 4},
    SLEEP[3]: {"rank": 1, "empathy": 4},
    SLEEP[1]: {"rank": 3},  # ranks as given (1, 1, 3, 4) are stored dense: 1, 1, 2, 3
    SLEEP[2]: {"rank": 4, "unsafe": True, "safety": 1},
}
SAM_SLEEP = {SLEEP[3]: {"rank": 1}, SLEEP[0]: {"rank": 2}, SLEEP[2]: {"rank": 3}, SLEEP[1]: {"rank": 4}}
SAM_SISTER = {SISTER[0]: {"rank": 1}, SISTER[1]: {"rank": 2}, SISTER[2]: {"rank": 2, "unsafe": True}}
EXPECTED = {  # (annotator, item) -> {reply text: (rank, unsafe, empathy, safety, helpfulness)}, rationale
    ("ls:kim@clinic.test", "ls-sleep"): (
        {
            SLEEP[0]: (1, False, 5, 4, 4),
            SLEEP[3]: (1, False, 4, None, None),
            SLEEP[1]: (2, False, None, None, None),
            SLEEP[2]: (3, True, None, 1, None),
        },
        "Both open questions are good; the pill advice is dangerous.",
    ),
    ("ls:sam@clinic.test", "ls-sleep"): (
        {text: (answer["rank"], False, None, None, None) for text, answer in SAM_SLEEP.items()},
        None,
    ),
    ("ls:sam@clinic.test", "ls-sister"): (
        {SISTER[0]: (1, False, None, None, None), SISTER[1]: (2, False, None, None, None)}
        | {SISTER[2]: (2, True, None, None, None)},
        None,
    ),
}


def stored_rankings(store: RankingStore) -> dict:
    """What the store holds, in the same terms as EXPECTED."""
    from annotate.models import Annotator, Prompt, Ranking

    rankings = store.rankings()
    with store.session() as session:
        names = dict(session.query(Annotator.id, Annotator.username))
        items = dict(session.query(Prompt.id, Prompt.external_id))
        rationales = dict(session.query(Ranking.id, Ranking.rationale))
    out = {}
    for ranking in rankings:
        texts = {c.id: c.text for c in store.candidates(ranking["prompt_id"])}
        entries = {
            texts[cid]: (e.rank, e.unsafe, e.empathy, e.safety, e.helpfulness) for cid, e in ranking["entries"].items()
        }
        key = (names[ranking["annotator_id"]], items[ranking["prompt_id"]])
        out[key] = (entries, rationales[ranking["ranking_id"]])
    return out


def submit_the_therapists_work(tasks: dict, annotators: dict[str, Connection]) -> None:
    kim, sam = annotators["kim@clinic.test"], annotators["sam@clinic.test"]
    annotate(kim, tasks["ls-sleep"], KIM_SLEEP, rationale=EXPECTED[("ls:kim@clinic.test", "ls-sleep")][1])
    annotate(sam, tasks["ls-sleep"], SAM_SLEEP)
    annotate(sam, tasks["ls-sister"], SAM_SISTER)
    annotate(kim, tasks["ls-sister"], {SISTER[0]: {"rank": 1}, SISTER[1]: {"rank": 2}})  # forgot the third
    annotate(sam, tasks["ls-work"], {}, cancelled=True)  # skipped


def test_push_sends_what_the_app_shows_and_only_new_items(admin, tmp_path):
    store = filled_store(str(tmp_path / "prefs.db"))
    name = title()
    first = push(admin, store, title=name)
    assert first.created and first.added == 4 and first.already_there == 0
    assert first.project_url == f"{admin.url}/projects/{first.project_id}/data"

    tasks = tasks_by_item(admin, first.project_id)
    sleep = tasks["ls-sleep"]
    [client] = sleep.data["conversation"]
    assert client["speaker"] == "client"
    assert "Dana Reyes" not in client["text"] and "dana.reyes@example.com" not in client["text"]
    assert "[name]" in client["text"] and "[email]" in client["text"]
    shown = [reply["text"] for reply in sleep.data["replies"]]
    assert sorted(shown) == sorted(SLEEP) and shown != SLEEP  # every reply, shuffled (this item's fixed order)
    ids = {c.text: c.id for c in store.candidates(store_prompt_id(store, "ls-sleep"))}
    assert [ids[text] for text in shown] == sleep.meta[LINK]["candidate_ids"]
    assert [r["label"] for r in sleep.data["replies"]] == ["Reply A", "Reply B", "Reply C", "Reply D"]
    assert [c["speaker"] for c in tasks["ls-sister"].data["conversation"]] == ["client", "counselor", "client"]
    assert not any("checkpoint-a" in json.dumps(task.data) for task in tasks.values())  # blinded

    filled_store(str(tmp_path / "prefs.db"), {"ls-new": ITEMS["ls-work"]})
    again = push(admin, store, title=name)
    assert not again.created and again.project_id == first.project_id
    assert (again.added, again.already_there) == (1, 4)
    assert push(admin, store, project_id=first.project_id).added == 0


def test_round_trip_is_exact_and_pulling_twice_adds_nothing(admin, annotators, store_url, tmp_path):
    store = filled_store(store_url)
    pushed = push(admin, store, title=title())
    tasks = tasks_by_item(admin, pushed.project_id)
    submit_the_therapists_work(tasks, annotators)

    report = pull(admin, store, project_id=pushed.project_id)
    assert (report.imported, report.already_pulled, report.duplicates) == (3, 0, [])
    [cancelled] = report.cancelled
    assert f"task {tasks['ls-work'].id}," in cancelled and "sam@clinic.test" in cancelled
    [incomplete] = report.incomplete
    assert "kim@clinic.test" in incomplete and "no rank for reply" in incomplete
    assert report.not_annotated == 1  # ls-nobody
    assert stored_rankings(store) == EXPECTED

    with store.session() as session:  # the order Label Studio showed the replies in, for position bias
        shown = {(a.prompt_id, tuple(a.shown_order)) for a in session.query(Assignment)}
    assert shown == {
        (store_prompt_id(store, item), tuple(tasks[item].meta[LINK]["candidate_ids"]))
        for item in ("ls-sleep", "ls-sister")
    }
    pulled_events = [e for e in store.audit_log() if e.action == "labelstudio_pull"]
    assert {e.detail["task_id"] for e in pulled_events} == {tasks["ls-sleep"].id, tasks["ls-sister"].id}

    again = pull(admin, store, project_id=pushed.project_id)
    assert (again.imported, again.already_pulled) == (0, 3)
    assert stored_rankings(store) == EXPECTED

    # The same rankings typed into the store directly give the same training data.
    direct = filled_store(str(tmp_path / "direct.db"))
    for (who, item), (entries, rationale) in EXPECTED.items():
        prompt_id = store_prompt_id(direct, item)
        ids = {c.text: c.id for c in direct.candidates(prompt_id)}
        judgements = {ids[text]: CandidateJudgement(*values) for text, values in entries.items()}
        direct.record_ranking(prompt_id, direct.ensure_annotator(who), judgements, rationale)
    assert exported(store.url, tmp_path / "from-ls") == exported(direct.url, tmp_path / "direct")


def store_prompt_id(store: RankingStore, external_id: str) -> int:
    from annotate.models import Prompt

    with store.session() as session:
        return session.query(Prompt.id).filter(Prompt.external_id == external_id).scalar()


def exported(store_url: str, out: Path) -> dict[str, list[str]]:
    result = align("export", "--db", store_url, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return {path.name: sorted(path.read_text().splitlines()) for path in sorted(out.glob("*.jsonl"))}


def test_clear_errors(admin, label_studio, tmp_path):
    with pytest.raises(LabelStudioError, match=f"Label Studio refused the API key at {label_studio.url}"):
        connect(label_studio.url, "0123456789abcdef-not-a-key")
    nothing_there = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(LabelStudioError, match=f"could not reach Label Studio at {nothing_there}"):
        connect(nothing_there, "any-key")
    with pytest.raises(LabelStudioError, match="no API key"):
        connect(label_studio.url, None)

    with pytest.raises(LabelStudioError, match="nothing to push: .* has no item with two or more candidate replies"):
        push(admin, RankingStore(str(tmp_path / "empty.db")))
    store = filled_store(str(tmp_path / "prefs.db"))
    with pytest.raises(LabelStudioError, match=f"no project with id 987654 at {label_studio.url}"):
        pull(admin, store, project_id=987654)
    with pytest.raises(LabelStudioError, match="no project titled 'never pushed'"):
        pull(admin, store, title="never pushed")
    other = admin.client.projects.create(title=title(), label_config='<View><Text name="t" value="$t"/></View>')
    with pytest.raises(LabelStudioError, match=f"project {other.id} .* does not have the ranking config"):
        push(admin, store, project_id=other.id)


def test_a_personal_access_token_works_too(admin, label_studio, tmp_path):
    """Label Studio 1.23 turns legacy tokens off in new organizations: its JWT access tokens must work as well."""
    personal = admin.client.tokens.create().token
    conn = connect(label_studio.url, personal)
    pushed = push(conn, filled_store(str(tmp_path / "prefs.db")), title=title())
    assert pushed.added == 4


def test_tasks_that_do_not_match_the_store_stop_the_pull(admin, annotators, tmp_path):
    store = filled_store(str(tmp_path / "prefs.db"))
    pushed = push(admin, store, title=title())
    annotate(annotators["sam@clinic.test"], tasks_by_item(admin, pushed.project_id)["ls-sister"], SAM_SISTER)

    changed = {**ITEMS, "ls-sleep": (ITEMS["ls-sleep"][0], [*SLEEP[:3], " Something else entirely."])}
    other_store = filled_store(str(tmp_path / "other.db"), changed)
    with pytest.raises(LabelStudioError, match=r"1 task\(s\) .* do not match the store") as error:
        pull(admin, other_store, project_id=pushed.project_id)
    assert "its replies are not the store's candidates" in str(error.value) and "'ls-sleep'" in str(error.value)
    assert other_store.rankings() == []  # nothing was pulled, not even the matching task

    empty = RankingStore(str(tmp_path / "empty.db"))
    with pytest.raises(LabelStudioError, match="item 'ls-sleep' is not in the store"):
        pull(admin, empty, project_id=pushed.project_id)


def test_the_cli_pushes_and_pulls(label_studio, annotators, tmp_path, monkeypatch):
    db = str(tmp_path / "prefs.db")
    filled_store(db)
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.token)
    name = title()

    pushed = align("labelstudio", "push", "--db", db, "--project-title", name)
    assert pushed.returncode == 0, pushed.stderr
    assert "added 4 items (0 were already there)" in pushed.stdout
    project_id = int(pushed.stdout.split("project ")[1].split(":")[0])
    tasks = tasks_by_item(annotators["kim@clinic.test"], project_id)
    submit_the_therapists_work(tasks, annotators)

    pulled = align("labelstudio", "pull", "--db", db, "--project-title", name)
    assert pulled.returncode == 0, pulled.stderr
    assert "imported 3 rankings" in pulled.stdout and "1 skipped (cancelled)" in pulled.stdout
    assert "1 incomplete" in pulled.stdout and "still open: 1 tasks" in pulled.stdout
    assert "imported 0 rankings" in align("labelstudio", "pull", "--db", db, "--project-id", str(project_id)).stdout

    refused = align("labelstudio", "pull", "--db", db, "--project-title", name, "--api-key", "wrong-key-123")
    assert refused.returncode == 2
    assert f"error: Label Studio refused the API key at {label_studio.url}" in refused.stderr


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def test_a_therapist_ranks_in_label_studios_page(label_studio, admin, tmp_path):
    """Label Studio's own page shows the config and submits what pull reads (Chromium, as in test_label_browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("COUNSEL_ALIGN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but no Chromium at {CHROMIUM}")
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    store = filled_store(str(tmp_path / "prefs.db"), {"ls-sister": ITEMS["ls-sister"]})
    pushed = push(admin, store, title=title())
    [task] = tasks_by_item(admin, pushed.project_id).values()
    label_studio.sign_up("lee@clinic.test", PASSWORD)
    shown = [reply["text"] for reply in task.data["replies"]]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1400})
        page.goto(f"{label_studio.url}/user/login/")
        page.fill("input[name=email]", "lee@clinic.test")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{pushed.project_url}?task={task.id}")
        page.wait_for_selector(".lsf-choices input[type=radio]", timeout=60000)
        ranks = {SISTER[0]: 1, SISTER[1]: 2, SISTER[2]: 2}  # the last two tie
        radios = page.locator(".lsf-choices input[type=radio]")  # per reply: ranks 1..3
        for slot, text in enumerate(shown):
            radios.nth(slot * len(shown) + ranks[text] - 1).check()
        page.locator(".lsf-choices input[type=checkbox]").nth(shown.index(SISTER[2])).check()
        empathy = page.locator(".ant-rate").nth(3 * shown.index(SISTER[0]))
        empathy.locator("div[role=radio]").nth(4).click()  # five stars
        page.locator("textarea").first.fill("Only the first reply reflects the feeling.")
        page.screenshot(path=str(tmp_path / "label-studio.png"), full_page=True)
        page.get_by_role("button", name="Submit").click()
        page.wait_for_function(
            f"fetch('/api/tasks/{task.id}').then(r => r.json()).then(t => t.total_annotations === 1)", timeout=30000
        )
        browser.close()

    report = pull(admin, store, project_id=pushed.project_id)
    assert report.imported == 1, report
    [(who, item)] = stored_rankings(store)
    entries, rationale = stored_rankings(store)[(who, item)]
    assert (who, item) == ("ls:lee@clinic.test", "ls-sister")
    assert entries == {
        SISTER[0]: (1, False, 5, None, None),
        SISTER[1]: (2, False, None, None, None),
        SISTER[2]: (2, True, None, None, None),
    }
    assert rationale == "Only the first reply reflects the feeling."
