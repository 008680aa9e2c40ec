"""Benchmark: what a login to `align label` reveals and costs, measured on a served app.

1. **Does the time tell which usernames exist?** The median time of a failed login for an account
   that exists and for a name that does not (the issue measured 44.7 against 3.8 ms). Both now
   run the same password hash.
2. **Does a burst of logins stall everyone else?** The time of an unrelated request (the login
   page) alone, and while 30 logins run at once (the issue measured 444 ms of delay, with the hash
   on the server's event loop). The hash now runs in worker threads.

    python bench/label_login.py [--tries 40]

Writes bench/results/label_login.json (machine, commit, date). A measurement, not a test: the
numbers depend on the machine and on what else it is running.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results" / "label_login.json"
PASSWORD = "long enough pw"


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    import httpx

    from align.runs import git_commit
    from annotate.app import launch
    from annotate.labeling import LabelSettings
    from annotate.store import RankingStore
    from bench.dpo_throughput import machine
    from tests.test_label_server import free_port

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=40)
    args = parser.parse_args()

    store = RankingStore(str(Path(tempfile.mkdtemp()) / "bench.db"))
    store.add_annotator("dana", PASSWORD)
    port = free_port()
    # Limits high enough that the benchmark's own failures never lock it out.
    app = launch(store, LabelSettings(max_failed_logins=10**6), "127.0.0.1", port, block=False)
    url = f"http://127.0.0.1:{port}/"
    try:
        with httpx.Client(base_url=url) as client:
            client.post("login", data={"username": "dana", "password": "warm up"})
            known, unknown = [], []

            def fail(username: str) -> float:
                return timed(lambda: client.post("login", data={"username": username, "password": "wrong"}))

            for i in range(args.tries):  # interleaved, so drift in the machine's load hits both alike
                known.append(fail("dana"))
                unknown.append(fail(f"nobody{i}"))
            alone = [timed(lambda: client.get("")) for _ in range(10)]

        def burst_login(i: int) -> None:
            with httpx.Client(base_url=url) as c:
                c.post("login", data={"username": "dana", "password": f"wrong {i}"})

        with ThreadPoolExecutor(30) as pool, httpx.Client(base_url=url) as client:
            futures = [pool.submit(burst_login, i) for i in range(30)]
            time.sleep(0.05)  # the burst is under way
            during = timed(lambda: client.get(""))
            for f in futures:
                f.result()
    finally:
        app.close()

    result = {
        "failed_login_ms_median": {
            "existing_account": round(statistics.median(known), 1),
            "unknown_name": round(statistics.median(unknown), 1),
            "tries_each": args.tries,
        },
        "login_page_ms": {
            "alone_median": round(statistics.median(alone), 1),
            "during_30_concurrent_logins": round(during, 1),
        },
        "machine": machine(),
        "commit": git_commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("failed_login_ms_median", "login_page_ms")}))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
