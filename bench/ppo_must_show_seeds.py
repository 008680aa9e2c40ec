"""Per-seed numbers of the PPO must-show test, read back from the test's own run directories.

    .venv/bin/python -m pytest -m slow tests/test_ppo_trainer.py -k must_show_ppo   # or a CI run
    .venv/bin/python bench/ppo_must_show_seeds.py /tmp/pytest-of-$USER/pytest-current/test_must_show_ppo_raises_refl0

pytest keeps each test's tmp_path, where the test's PPO runs (``ppo-42``, ``ppo-43``, ``ppo-44``) wrote their
held-out replies and metrics. This prints, per seed, what the test asserts on, computed the way the test
computes it (``tests/synthetic_preferences.reflects_and_asks``), so a passing CI run also yields its numbers.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.synthetic_preferences import reflects_and_asks, synthetic_preferences  # noqa: E402
from tests.test_ppo_trainer import PPO_SEEDS  # noqa: E402


def property_count(rows: list[dict], feelings: dict[str, str]) -> int:
    return sum(reflects_and_asks(feelings[r["prompt"][-1]["content"]], r["reply"]) for r in rows)


def main(test_dir: Path) -> None:
    _, test = synthetic_preferences()
    feelings = {p["prompt"][0]["content"]: p["feeling"] for p in test}
    for seed in PPO_SEEDS:
        run = test_dir / f"ppo-{seed}"
        metrics = json.loads((run / "metrics.json").read_text())
        before, after = (
            [json.loads(line) for line in (run / name).read_text().splitlines()]
            for name in ("heldout_before.jsonl", "heldout_after.jsonl")
        )
        b, a, n = property_count(before, feelings), property_count(after, feelings), len(after)
        print(
            f"s{seed} rate {b / n:.3f} -> {a / n:.3f} ({b}/{n} -> {a}/{n}) "
            f"reward {metrics['reward_before']:.2f} -> {metrics['reward_after']:.2f} kl {metrics['kl_after']:.2f} "
            f"len {metrics['reply_length_before']:.1f} -> {metrics['reply_length_after']:.1f} "
            f"warnings: {metrics['warnings']}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
