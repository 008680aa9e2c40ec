"""What the ranking app does, as plain functions of (store, settings, logged-in user).

The Gradio layer (``annotate/app.py``) only wires these to widgets; every rule lives here
so it can be tested without a browser: who may see what, the blinded and shuffled order,
validation of a ranking, progress, and the login rate limit.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from sqlalchemy import select

from annotate.models import Annotator, Assignment, Prompt
from annotate.redact import redact
from annotate.store import CandidateJudgement, RankingStore

DEFAULT_GUIDELINES = """\
**Rank the replies from best (1) to worst.** Give two replies the same rank when they are
equally good. A good counselor reply reflects what the client feels, invites them to say
more, and never diagnoses, lectures or gives medication advice. When the client may be at
risk, the best reply asks directly about safety and offers crisis resources.

Tick **unsafe / harmful** for any reply that could hurt the client (dismissing risk,
encouraging harm, medical or dosage advice, shaming). Unsafe replies are never used as
examples of good replies. Ratings (1-5) and the rationale are optional.
"""


@dataclass
class LabelSettings:
    annotators_per_item: int = 2
    gold_every: int = 10  # every N-th item is a gold item (known best reply) while any is left
    max_candidates: int = 6  # the app has this many reply slots
    expire_minutes: float = 60  # an item given this long ago and still open goes to someone else
    redact: bool = True
    redact_names: tuple[str, ...] = ()
    guidelines: str = DEFAULT_GUIDELINES
    max_failed_logins: int = 5
    lockout_seconds: int = 300


@dataclass
class ItemView:
    """One item as an annotator sees it: no ids of models, replies in their shown order."""

    assignment_id: int | None
    conversation: list[dict[str, str]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    candidate_ids: list[int] = field(default_factory=list)
    progress: str = ""
    message: str = ""


# The login request being handled, set by the HTTP layer (annotate/http_security.py) around Gradio's
# login route: {"address": the client's IP}. The guard writes "locked_for" (seconds) into it when it
# refuses a locked-out attempt, so the HTTP layer can say so and for how long. Gradio calls the guard
# with only a username and a password, hence this side channel.
LOGIN_ATTEMPT: contextvars.ContextVar[dict] = contextvars.ContextVar("login_attempt")


class LoginGuard:
    """Brute-force limits on logins, counted by (username, source address) and by source address alone.

    - ``max_failures`` wrong passwords for one account from one address lock that pair for
      ``lockout_seconds``. An attacker elsewhere cannot lock a therapist out of their own machine.
    - ``max_failures_per_address`` failures from one address, over any usernames, lock that address
      (one password sprayed across every account).

    A locked attempt is refused without checking its password, and audited. The password hash runs in a
    worker thread, so logins don't stall the server's event loop.
    """

    def __init__(
        self,
        store: RankingStore,
        max_failures: int,
        lockout_seconds: int,
        max_failures_per_address: int | None = None,
    ) -> None:
        self.store, self.max_failures, self.lockout = store, max_failures, lockout_seconds
        self.max_failures_per_address = max_failures_per_address or 4 * max_failures
        self._failures: dict[tuple[str, str] | str, deque[float]] = defaultdict(deque)  # key -> failure times
        self._lock = threading.Lock()

    def locked_for(self, username: str, address: str) -> float:
        """Seconds until ``username`` may try again from ``address`` (0: now)."""
        now = time.monotonic()
        waits = [0.0]
        with self._lock:
            for key, limit in (
                (self._pair(username, address), self.max_failures),
                (address, self.max_failures_per_address),
            ):
                recent = self._failures.get(key)
                while recent and now - recent[0] > self.lockout:
                    recent.popleft()
                if not recent:
                    self._failures.pop(key, None)  # forget sources that went quiet
                elif len(recent) >= limit:
                    waits.append(self.lockout - (now - recent[-limit]))
        return max(waits)

    @staticmethod
    def _pair(username: str, address: str) -> tuple[str, str]:
        """A bounded key: what was typed as a username may be a megabyte long."""
        return hashlib.sha256(username.encode("utf-8", "replace")).hexdigest(), address

    async def check(self, username: str, password: str) -> bool:
        """Gradio's ``auth``: whether to log in (an async function, so Gradio awaits it on its event loop)."""
        attempt = LOGIN_ATTEMPT.get({})
        address = attempt.get("address", "")
        wait = self.locked_for(username, address)
        if wait > 0:
            attempt["locked_for"] = wait
            await asyncio.to_thread(self.store.record_refused_login, username, address)
            return False
        ok = await asyncio.to_thread(self.store.authenticate, username, password, address) is not None
        if not ok:
            now = time.monotonic()
            with self._lock:
                self._failures[self._pair(username, address)].append(now)
                self._failures[address].append(now)
        return ok


def current_annotator(store: RankingStore, username: str | None) -> Annotator:
    """The logged-in, active account; anything else is refused."""
    if not username:
        raise PermissionError("not logged in")
    annotator = store.annotator(username)
    if annotator is None or not annotator.active:
        raise PermissionError("this account is disabled or does not exist")
    return annotator


def progress_text(store: RankingStore, annotator_id: int) -> str:
    counts = store.progress(annotator_id)
    total = store.counts()["prompts"]
    return f"{counts['done']} ranked, {counts['skipped']} skipped, of {total} items"


def load_item(store: RankingStore, settings: LabelSettings, username: str | None) -> ItemView:
    """The annotator's open item, or the next one; candidates blinded and in their stored order."""
    annotator = current_annotator(store, username)
    assignment = store.next_assignment(
        annotator.id,
        settings.annotators_per_item,
        gold_every=settings.gold_every,
        expire_after_s=settings.expire_minutes * 60,
    )
    progress = progress_text(store, annotator.id)
    if assignment is None:
        return ItemView(None, progress=progress, message="Nothing left to rank. Thank you!")
    with store.session() as session:
        prompt = session.get(Prompt, assignment.prompt_id)
    texts = {c.id: c.text for c in store.candidates(prompt.id)}
    shown = assignment.shown_order[: settings.max_candidates]
    conversation = [
        {
            **m,
            "content": redact(m["content"], settings.redact_names)
            if settings.redact and m["role"] == "user"
            else m["content"],
        }
        for m in prompt.conversation
    ]
    return ItemView(assignment.id, conversation, [texts[c] for c in shown], shown, progress)


def submit(
    store: RankingStore,
    settings: LabelSettings,
    username: str | None,
    assignment_id: int,
    ranks: list[int | None],
    unsafe: list[bool],
    ratings: dict[str, list[int | None]],
    rationale: str = "",
) -> ItemView:
    """Store the ranking of the shown replies (in shown order), then return the next item."""
    annotator = current_annotator(store, username)
    with store.session() as session:
        assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.annotator_id != annotator.id:
        raise PermissionError("this item is not assigned to you")
    shown = assignment.shown_order[: settings.max_candidates]
    judgements = form_judgements(shown, ranks, unsafe, ratings)  # the store checks the rationale
    store.submit_ranking(assignment_id, annotator.id, _dense(judgements), rationale)
    return load_item(store, settings, username)


def skip(store: RankingStore, settings: LabelSettings, username: str | None, assignment_id: int) -> ItemView:
    annotator = current_annotator(store, username)
    store.skip(assignment_id, annotator.id)
    return load_item(store, settings, username)


def reply_letter(slot: int) -> str:
    """How the page names a reply: A, B, C..."""
    return chr(ord("A") + slot)


@dataclass
class FormCheck:
    """A ranking form as filled in, checked reply by reply (slots are the replies in shown order)."""

    judgements: dict[int, CandidateJudgement]  # candidate id -> judgement, for each reply filled in correctly
    problems: dict[int, list[str]]  # slot -> what is wrong with that reply's part of the form
    ranks: list[int | None]  # slot -> the rank given, for finding ties

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """Every problem in one line, each naming its reply by letter (for an API caller or a toast)."""
        missing = [reply_letter(s) for s, found in sorted(self.problems.items()) if NO_RANK in found]
        parts = [f"give every reply a rank (missing for reply {', '.join(missing)})"] if missing else []
        parts += [
            f"reply {reply_letter(slot)}: {problem}"
            for slot, found in sorted(self.problems.items())
            for problem in found
            if problem != NO_RANK
        ]
        return "; ".join(parts)

    def ties(self) -> list[str]:
        """Each shared rank in words ("replies B and C share rank 2"), to confirm before storing."""
        by_rank: dict[int, list[str]] = defaultdict(list)
        for slot, rank in enumerate(self.ranks):
            if rank is not None:
                by_rank[rank].append(reply_letter(slot))
        return [
            f"replies {', '.join(letters[:-1])} and {letters[-1]} share rank {rank}"
            for rank, letters in sorted(by_rank.items())
            if len(letters) > 1
        ]


NO_RANK = "needs a rank"


def check_form(
    shown: list[int], ranks: list[object], unsafe: list[object], ratings: dict[str, list[object]]
) -> FormCheck:
    """The form's raw values, strictly typed: a rank is a whole number (or its digits as text) from 1 to the
    number of replies; a flag is true or false, never the text "false"; a rating is empty or 1-5.
    Problems never quote the value (it may be anything a caller typed)."""
    n = len(shown)
    check = FormCheck({}, {}, [])
    for slot, candidate_id in enumerate(shown):
        problems: list[str] = []
        rank = _whole_number(_at(ranks, slot), 1, n, problems, "the rank")
        if rank is None and not problems:
            problems.append(NO_RANK)
        flag = _at(unsafe, slot, default=False)
        if not isinstance(flag, bool):
            problems.append("'unsafe' must be true or false")
        given = {
            name: _whole_number(_at(values, slot), 1, 5, problems, f"the {name} rating")
            for name, values in ratings.items()
        }
        check.ranks.append(rank)
        if problems:
            check.problems[slot] = problems
        else:
            check.judgements[candidate_id] = CandidateJudgement(rank=rank, unsafe=flag, **given)
    return check


def form_judgements(
    shown: list[int], ranks: list[object], unsafe: list[object], ratings: dict[str, list[object]]
) -> dict[int, CandidateJudgement]:
    """The judgements of the shown replies (see `check_form`); any problem raises ValueError naming the
    reply by the letter the page shows."""
    check = check_form(shown, ranks, unsafe, ratings)
    if not check.ok:
        raise ValueError(check.summary())
    return check.judgements


def _at(values: list[object], slot: int, default: object = None) -> object:
    return values[slot] if slot < len(values) else default


def _whole_number(value: object, lowest: int, highest: int, problems: list[str], what: str) -> int | None:
    """``value`` as an int from ``lowest`` to ``highest``, or None when empty; anything else (a bool, a
    fraction, text) adds a problem naming ``what`` and gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        problems.append(f"{what} must be a whole number from {lowest} to {highest}")
        return None
    return value


# Always on the page, above the item; HOTKEY_HELP (in the guidelines) says it in full.
HOTKEY_HINT = (
    "Keys: letters best to worst (`a` `c` `b`) · `Shift`+letter: tie · `u`+letter: unsafe · `Esc`: clear · "
    "`Enter`: submit"
)
HOTKEY_HELP = (
    "**Keyboard:** press the replies' letters from best to worst (`a`, `c`, `b`...); "
    "`Shift`+letter ties a reply with the one before; `u` then a letter flags it unsafe; "
    "`Esc` starts again; `Enter` submits (`Ctrl+Enter` inside the rationale box). Shortcuts replace "
    "ranks picked with the mouse."
)


def apply_hotkey(key: str, ranks: list[int | None], unsafe: list[bool], n: int) -> tuple[list[int | None], list[bool]]:
    """The form after one keyboard shortcut (sent by the page as ``rank:a``, ``tie:b`` or ``unsafe:c``).

    ``rank:x`` gives reply x the next rank, ``tie:x`` the same rank as the last one given; a reply
    ranked again moves. Ranks stay 1, 2, 3... so the dropdowns always show a valid ranking.
    """
    ranks, unsafe = list(ranks), list(unsafe)
    action, _, letter = key.partition(":")
    slot = ord(letter) - ord("a") if len(letter) == 1 else -1
    if not 0 <= slot < n:
        return ranks, unsafe  # a letter with no reply behind it
    if action == "unsafe":
        unsafe[slot] = not unsafe[slot]
        return ranks, unsafe
    ranks[slot] = None
    order = {r: i + 1 for i, r in enumerate(sorted({r for r in ranks if r is not None}))}
    ranks = [order[r] if r is not None else None for r in ranks]
    last = max(order.values(), default=0)
    if action == "rank":
        ranks[slot] = last + 1
    elif action == "tie":
        ranks[slot] = max(last, 1)
    return ranks, unsafe


def apply_hotkeys(commands: str, n: int, slots: int) -> tuple[list[int | None], list[bool]]:
    """The form after replaying every shortcut pressed on an item (space-separated commands) onto a blank one."""
    ranks: list[int | None] = [None] * slots
    unsafe = [False] * slots
    for command in commands.split():
        ranks, unsafe = apply_hotkey(command, ranks, unsafe, n)
    return ranks, unsafe


def _dense(judgements: dict[int, CandidateJudgement]) -> dict[int, CandidateJudgement]:
    """Ranks as given in the form (e.g. 1, 3, 3) made dense (1, 2, 2): only their order matters."""
    order = {rank: i + 1 for i, rank in enumerate(sorted({j.rank for j in judgements.values()}))}
    for j in judgements.values():
        j.rank = order[j.rank]
    return judgements


def admin_summary(store: RankingStore, username: str | None) -> dict:
    """What the admin page shows, as table rows: progress and gold accuracy per annotator,
    overall agreement, and the items annotators disagree on most. Admins only."""
    from annotate.agreement import agreement_report

    if current_annotator(store, username).role != "admin":
        raise PermissionError("the admin page is for admins only")
    report = agreement_report(store)
    with store.session() as session:
        item_names = dict(session.execute(select(Prompt.id, Prompt.external_id)).all())
    gold = report["gold_accuracy"]
    people = [
        {
            "annotator": a.username,
            "role": a.role,
            "active": a.active,
            **store.progress(a.id),
            "gold_accuracy": None if a.id not in gold else round(gold[a.id], 3),
        }
        for a in store.annotators()
    ]
    per_item = report["per_item_alpha"]
    return {
        "overall_alpha": report["overall_alpha"],
        "rankings": report["rankings"],
        "annotators": people,
        "most_disagreement": [
            {"item": item_names[p], "alpha": round(per_item[p], 3)} for p in report["most_disagreement"]
        ],
        "per_item_alpha": {item_names[p]: a for p, a in per_item.items()},
    }
