"""Benchmark: how long the ranking app takes to answer an annotator's click on Submit.

`align label` serves a SQLite store in its own process; N simulated annotators (one thread
each, speaking the page's own protocol over HTTP keep-alive) log in and rank, in two phases:
"paced" (about THINK seconds per item, a fast human) and "saturated" (no pause at all).

Each timed call is one click's answer. Submit (the page's `submit_from_page`) stores the
ranking and returns the next item, or, when two replies share a rank, asks "Is that a tie?";
Yes (`submit`) then stores it, after a short pause to read the question. One ranking in five
has a tie (TIE_SHARE). Pages from before issue #12's tie question had only `submit`; the
script then sends just that, so older commits are measured the same way. The first calls of
each annotator are a warm-up and not counted.

    python bench/label_latency.py [--annotators 25] [--rankings-each 20]

Target from the preference-collection issue: p95 under 150 ms with 25 concurrent annotators
on a 2-core machine. Prints a table and writes bench/results/label_latency.json (machine,
commit, date). A benchmark, not a test: the numbers depend on the machine.

With two or more cores the server is pinned to the first core and the simulated annotators to
the rest (--no-pin turns it off). Unpinned, 25 client threads compete with the server for the
same two cores and the paced p95 of one commit ranged 108-304 ms between runs, which hid any
difference between commits; pinned, the server's own time is what varies.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
SLOTS, REPLIES, WARMUP = 6, 4, 3
TIE_SHARE = 0.2  # rankings with two replies tied; random ranks would tie in 9 of 10


def start_server(db: str, port: int, server_cpus: set[int] | None) -> subprocess.Popen:
    import httpx

    command = [sys.executable, "-m", "align.cli.main", "label", "--db", db, "--port", str(port)]
    if server_cpus:
        command = ["taskset", "--cpu-list", ",".join(map(str, sorted(server_cpus))), *command]
    command += ["--annotators-per-item", "2", "--gold-every", "0"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=2).status_code in (200, 401):
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("align label did not start")


def form(rng: random.Random) -> list:
    """rationale, then per slot: rank, unsafe, empathy, safety, helpfulness. The replies in a random order;
    in TIE_SHARE of the rankings two neighbours share a rank (the page asks about it before storing)."""
    ranks = rng.sample(range(1, REPLIES + 1), REPLIES)
    if rng.random() < TIE_SHARE:
        tied = rng.randrange(1, REPLIES)  # ranks tied and tied + 1 become one
        ranks = [r - 1 if r > tied else r for r in ranks]
    values: list = [""]
    for slot in range(SLOTS):
        values += [str(ranks[slot]), False, "", "", ""] if slot < REPLIES else [None, False, "", "", ""]
    return values


class BrowserLikeSession:
    """Talks to the app the way its page does: log in, join the queue, read the result from the event stream.

    (gradio_client adds ~80 ms of its own per call on this machine, more than the server's work,
    so it would measure the client rather than the app.)
    """

    def __init__(self, url: str, username: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=url, timeout=60)
        self.http.post("/login", data={"username": username, "password": PASSWORD}).raise_for_status()
        self.endpoints = {d.get("api_name"): d["id"] for d in self.http.get("/config").json()["dependencies"]}
        self.session = uuid.uuid4().hex

    def submit(self, values: list, latencies: list | None, rng: random.Random, think_s: float) -> None:
        """What the page sends when the annotator clicks Submit (and Yes, when it asks about a tie). Each
        click's answer time goes into ``latencies`` with what the click did: "stored" (the ranking was
        stored and the next item came back) or "tie_question". The item id lives in the server's session."""
        if "submit_from_page" not in self.endpoints:  # a page from before the form check: one endpoint
            record(latencies, "stored", self.timed("submit", [None, *values])[1])
            return
        answer, seconds = self.timed("submit_from_page", [None, None, *values])
        if answer[-1]:  # the page asks "Is that a tie?"; the annotator reads it and answers yes
            record(latencies, "tie_question", seconds)
            time.sleep(rng.uniform(0.1, 0.3) * think_s)
            answer, seconds = self.timed("submit", [None, None, *values])
        record(latencies, "stored", seconds)

    def timed(self, api_name: str, data: list) -> tuple[list, float]:
        began = time.perf_counter()
        answer = self.call(api_name, data)
        return answer, time.perf_counter() - began

    def call(self, api_name: str, data: list) -> list:
        join = {"data": data, "fn_index": self.endpoints[api_name], "session_hash": self.session}
        self.http.post(
            "/gradio_api/queue/join", json=join | {"event_data": None, "trigger_id": None}
        ).raise_for_status()
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session}) as events:
            for line in events.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(f"{api_name} failed: {message.get('output')}")
                    return message["output"]["data"]
        raise RuntimeError(f"{api_name}: the event stream ended without a result")


def record(latencies: list | None, did: str, seconds: float) -> None:
    if latencies is not None:  # None: a warm-up click
        latencies.append((did, seconds))


def annotate(url: str, username: str, rankings: int, think_s: float, latencies: list, start: threading.Barrier) -> None:
    rng = random.Random(username)
    session = BrowserLikeSession(url, username)
    session.call("load_item", [])
    start.wait()
    for i in range(rankings + WARMUP):
        time.sleep(rng.uniform(0.5, 1.5) * think_s)  # reading and ranking the replies
        session.submit(form(rng), latencies if i >= WARMUP else None, rng, think_s)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(url: str, users: list[str], rankings_each: int, think_s: float) -> dict:
    """Latency percentiles of every annotator's timed clicks, all annotators at once: of every click, and
    of the clicks that stored a ranking (the same work before and after the page's tie question, which
    answers without touching the store)."""
    latencies: list[tuple[str, float]] = []
    start = threading.Barrier(len(users) + 1)
    threads = [
        threading.Thread(target=annotate, args=(url, u, rankings_each, think_s, latencies, start)) for u in users
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    storing = [s for did, s in latencies if did == "stored"]
    return {
        "think_time_s": think_s,
        "timed_calls": len(latencies),
        **percentiles([s for _, s in latencies]),
        "storing_clicks": len(storing),
        "storing": percentiles(storing),
        "rankings_per_s": round(len(users) * (rankings_each + WARMUP) / wall, 1),
    }


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(1000 * s for s in seconds)
    return {
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(ms[-1], 1),
    }


def main() -> None:
    from annotate.store import RankingStore

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annotators", type=int, default=25)
    parser.add_argument("--rankings-each", type=int, default=20)
    parser.add_argument("--think-time", type=float, default=2.0, help="mean seconds an annotator spends per item")
    parser.add_argument("--no-pin", action="store_true", help="let the server and the annotators share every core")
    args = parser.parse_args()

    cpus = sorted(os.sched_getaffinity(0))
    pinned = not args.no_pin and len(cpus) >= 2
    server_cpus = {cpus[0]} if pinned else None
    if pinned:  # this process (the annotators) keeps off the server's core
        os.sched_setaffinity(0, set(cpus[1:]))

    phases = {"paced": args.think_time, "saturated": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "prefs.db")
        store = RankingStore(db)
        items = len(phases) * args.annotators * (args.rankings_each + WARMUP + 1)  # two annotators an item: spare
        for item in range(items):
            prompt_id = store.add_prompt(f"item-{item}", [{"role": "user", "content": f"client message {item}"}])
            store.add_candidates(prompt_id, [f"reply {item}.{c} " * 8 for c in range(REPLIES)], source="bench")
        users = [f"therapist{i:02d}" for i in range(args.annotators)]
        for user in users:
            store.add_annotator(user, PASSWORD)
        port = free_port()
        server = start_server(db, port, server_cpus)
        try:
            results = {
                name: measure(f"http://127.0.0.1:{port}", users, args.rankings_each, t) for name, t in phases.items()
            }
        finally:
            server.kill()
        stored = len(store.rankings())

    from align.runs import git_commit
    from bench.dpo_throughput import machine

    summary = {
        "machine": machine(),
        "commit": git_commit(),  # with -dirty when the tree had local changes
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "tie_share": TIE_SHARE,
        "annotators": args.annotators,
        "store": "sqlite",
        "pinned": {"server_cpus": sorted(server_cpus), "annotator_cpus": cpus[1:]} if pinned else None,
        "rankings_stored": stored,
        "target_p95_ms": 150,
        **results,
    }
    print(f"submit + next item, {args.annotators} concurrent annotators, SQLite")
    for name, r in results.items():
        pace = f"think time ~{r['think_time_s']} s" if r["think_time_s"] else "no think time (saturation)"
        timings = "   ".join(f"{k[:-3]} {r[k]} ms" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
        print(f"  {name:9} {pace:28} {timings}   {r['rankings_per_s']} rankings/s")
        storing = "   ".join(f"{k[:-3]} {r['storing'][k]} ms" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
        print(f"  {'':9} {'clicks that stored a ranking':28} {storing}")
    verdict = "met" if results["paced"]["p95_ms"] < 150 else "NOT met"
    print(f"target p95 < 150 ms with annotators working at a (fast) human pace: {verdict}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "label_latency.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
