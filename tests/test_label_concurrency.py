"""25 annotators submit 1,000 rankings at once through the served app's API, skipping some items, while 3
more open an item each and walk away; the server is killed and started again half-way. Nothing
committed is lost, nothing is duplicated, and every item ends with exactly two rankings: a skip frees
its slot, and an abandoned item expires (``--expire-minutes 1``) and goes to someone else.

The server is `align label` in its own process (a real kill, not a thread stopped politely),
on SQLite and on PostgreSQL. Each simulated annotator is a gradio_client session that logs in,
ranks whatever it is given, and after a failure logs in again and carries on.
"""

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from annotate.models import Ranking
from annotate.store import RankingStore
from tests.test_cli import ROOT, align
from tests.test_label_server import PASSWORD, free_port

ANNOTATORS = 25
WALK_AWAY = 3  # open an item, never finish it
SKIP_RATE = 0.05
ITEMS = 500  # each ranked by two annotators: 1,000 rankings
REPLIES = 3
SLOTS = 6  # reply slots in the app's form


def start_server(db: str, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "align.cli.main", "label", "--db", db, "--port", str(port)]
    command += ["--annotators-per-item", "2", "--gold-every", "0", "--expire-minutes", "1"]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={"PYTHONPATH": str(ROOT)} | env()
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=2).status_code in (200, 401):
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"align label exited: {server.stderr.read().decode()[-2000:]}")
        time.sleep(0.3)
    server.kill()
    raise RuntimeError("align label did not start in 300 s")


def env() -> dict[str, str]:
    import os

    return dict(os.environ)


def ranking_count(store: RankingStore) -> int:
    with store.session() as session:
        return session.scalar(select(func.count(Ranking.id)))


def ranking_form(n_replies: int, rng: random.Random) -> list:
    """The submit API's inputs: rationale, then per slot rank, unsafe and three ratings (ties allowed)."""
    ranks = [rng.randint(1, n_replies) for _ in range(n_replies)]
    form: list = ["simulated"]
    for slot in range(SLOTS):
        if slot < n_replies:
            form += [str(ranks[slot]), rng.random() < 0.1, "", str(rng.randint(1, 5)), ""]
        else:
            form += [None, False, "", "", ""]
    return form


class Annotator(threading.Thread):
    """Ranks until the app says nothing is left; counts the submissions the server acknowledged."""

    def __init__(self, url: str, username: str, seed: int) -> None:
        super().__init__(daemon=True)
        self.url, self.username, self.rng = url, username, random.Random(seed)
        self.acknowledged = 0
        self.skipped = 0
        self.failures = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._rank_until_done()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def _rank_until_done(self) -> None:
        from gradio_client import Client

        client = view = None
        last_success = time.monotonic()
        while True:
            try:
                if client is None:
                    client = Client(self.url, auth=(self.username, PASSWORD), verbose=False)
                    view = client.predict(api_name="/load_item")
                if "Nothing left to rank" in view[1]:
                    return
                if self.rng.random() < SKIP_RATE:
                    view = client.predict(api_name="/skip")
                    self.skipped += 1
                    continue
                replies = [view[3 + 6 * slot] for slot in range(SLOTS)]  # after progress, message, conversation
                n = sum(1 for r in replies if r)
                view = client.predict(*ranking_form(n, self.rng), api_name="/submit")
                self.acknowledged += 1
                last_success = time.monotonic()
            except Exception:  # the server is down or restarted: log in again, reload the open item
                self.failures += 1
                if time.monotonic() - last_success > 600:
                    raise
                client = None
                time.sleep(0.5)


@pytest.mark.slow
def test_25_annotators_1000_rankings_survive_a_server_kill(store_url):
    store = RankingStore(store_url)
    for item in range(ITEMS):
        prompt_id = store.add_prompt(f"item-{item}", [{"role": "user", "content": f"client message {item}"}])
        store.add_candidates(prompt_id, [f"reply {item}.{c}" for c in range(REPLIES)], source="m")
    users = [f"therapist{i:02d}" for i in range(ANNOTATORS)]
    walkers = [f"walker{i}" for i in range(WALK_AWAY)]
    for user in users + walkers:
        assert align("users", "add", user, "--password-stdin", "--db", store_url, stdin=PASSWORD + "\n").returncode == 0

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(store_url, port)
    annotators = [Annotator(url, user, seed) for seed, user in enumerate(users)]
    try:
        from gradio_client import Client

        for walker in walkers:  # each takes one of an item's two slots, then is gone
            opened = Client(url, auth=(walker, PASSWORD), verbose=False).predict(api_name="/load_item")
            assert "client message" in opened[2]
        for annotator in annotators:
            annotator.start()
        deadline = time.monotonic() + 600
        while ranking_count(store) < 400:
            assert any(a.is_alive() for a in annotators), [a.error for a in annotators]
            assert time.monotonic() < deadline, "400 rankings did not arrive in 10 minutes"
            time.sleep(0.2)
        server.send_signal(signal.SIGKILL)  # mid-run, with submissions in flight
        server.wait()
        committed_at_kill = {r["ranking_id"] for r in store.rankings()}
        server = start_server(store_url, port)
        for annotator in annotators:
            annotator.join(timeout=600)
    finally:
        server.kill()
        server.wait()

    assert [a.error for a in annotators if a.error] == []
    assert not any(a.is_alive() for a in annotators)
    rankings = store.rankings()
    assert len(rankings) == 1000  # the counts match exactly
    assert committed_at_kill <= {r["ranking_id"] for r in rankings}  # nothing committed before the kill was lost
    per_item = Counter(r["prompt_id"] for r in rankings)
    assert set(per_item.values()) == {2} and len(per_item) == ITEMS  # every item ranked by exactly two people
    assert len({(r["prompt_id"], r["annotator_id"]) for r in rankings}) == 1000  # nobody ranked an item twice
    assert all(len(r["entries"]) == REPLIES for r in rankings)
    # every acknowledged submission is stored (a submission whose answer was lost, at the kill or to a
    # client time-out on a busy machine, may be stored unacknowledged: the retry then gets the next item)
    names = {a.id: a.username for a in store.annotators()}
    stored = Counter(names[r["annotator_id"]] for r in rankings)
    for annotator in annotators:
        assert stored[annotator.username] >= annotator.acknowledged, annotator.username
    assert sum(a.failures for a in annotators) > 0  # the kill really interrupted them
    assert sum(a.skipped for a in annotators) > 0 and not set(walkers) & set(stored), "skips and walk-aways happened"
    expired = [e for e in store.audit_log() if e.action == "expire_assignments"]
    assert sum(len(e.detail["assignment_ids"]) for e in expired) >= WALK_AWAY, "the abandoned items expired"
