"""Benchmark: `align run dpo` against a plain TRL DPOTrainer script, same model, data and settings.

Each side runs in its own process (so peak memory is its own) on the packaged SmolLM2 in bf16,
the first steps x batch sample preference pairs (with the counselor system prompt), LoRA r=16
on all linear layers, the same learning rate, beta, batch size, max length, step count and seed.
What differs is what the platform chooses for you: the plain script keeps TRL's defaults
(activation checkpointing on, a reference forward in every step, two padded rows per pair),
ours uses the recipe defaults (reference log-probs precomputed once, one row per pair, the LM
head only on reply tokens; align/dpo_trainer.py).

Throughput counts the same tokens on both sides (what TRL logs as ``num_tokens``: prompt +
chosen and prompt + rejected of every pair) over the whole cost of training: ours includes
its reference precompute pass.

    python bench/dpo_throughput.py [--steps 8]

Prints a table and writes bench/results/dpo_throughput.json. A benchmark, not a test:
the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = {
    "learning_rate": 5e-5,
    "beta": 0.1,
    "per_device_train_batch_size": 8,
    "max_length": 512,
    "seed": 42,
    "lora_r": 16,
}


def peak_memory_mb() -> float:
    import torch

    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict:
    """Which processor the numbers come from (they depend on it)."""
    import os

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "unknown",
        )
        if Path("/proc/cpuinfo").is_file()
        else "unknown"
    )
    return {"cpu": cpu, "cores": os.cpu_count()}


def summarize(log_history: list[dict], seconds: float) -> dict:
    losses = [e["loss"] for e in log_history if "loss" in e]
    tokens = max((e.get("num_tokens", 0) for e in log_history), default=0)
    return {
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "losses": losses,
        "peak_memory_mb": peak_memory_mb(),
    }


def pairs_file(steps: int, workdir: Path) -> tuple[Path, Path]:
    """The first steps x batch sample training pairs, and 8 validation pairs (ours evaluates; kept small)."""
    from align.preference_data import load_preference_pairs

    count = steps * SHARED["per_device_train_batch_size"]
    train, validation = workdir / "train.jsonl", workdir / "validation.jsonl"
    for path, rows in (
        (train, load_preference_pairs("sample:train")[:count]),
        (validation, load_preference_pairs("sample:validation")[:8]),
    ):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return train, validation


def run_ours(steps: int, workdir: Path) -> dict:
    from align.cli.run import run_recipe

    train, validation = pairs_file(steps, workdir)
    _, metrics = run_recipe(
        "dpo",
        str(ROOT / "configs" / "dpo.yaml"),
        [
            f"data.train={train}",
            f"data.validation={validation}",
            f"train.max_steps={steps}",
            "train.logging_steps=1",
            f"train.learning_rate={SHARED['learning_rate']}",
            f"train.beta={SHARED['beta']}",
            f"train.per_device_train_batch_size={SHARED['per_device_train_batch_size']}",
            f"train.max_length={SHARED['max_length']}",
            f"run.seed={SHARED['seed']}",
            f"peft.r={SHARED['lora_r']}",
            "train.lr_scheduler_type=linear",  # TRL's schedule, so the two loss columns compare like for like
            "train.warmup_steps=0",
            "train.report_to=[]",
            "train.save_strategy=no",
            "peft.merge=false",
            "dpo.probe_prompts=0",
            f"run.output_root={workdir}",
            "run.name=ours",
        ],
    )
    seconds = metrics["train_runtime_s"] + (metrics["ref_precompute_s"] or 0.0)
    return {**summarize(metrics["log_history"], seconds), "ref_precompute_s": metrics["ref_precompute_s"]}


def run_plain_trl(steps: int, workdir: Path) -> dict:
    """What a user would write with TRL alone (its defaults, our model/data/settings)."""
    from datasets import Dataset
    from peft import LoraConfig
    from trl import DPOConfig, DPOTrainer

    from align.config import DEFAULT_SYSTEM_PROMPT
    from align.models import resolve_model
    from align.preference_data import load_preference_pairs

    pairs = load_preference_pairs("sample:train")[: steps * SHARED["per_device_train_batch_size"]]
    system = {"role": "system", "content": DEFAULT_SYSTEM_PROMPT}
    dataset = Dataset.from_list(
        [{"prompt": [system, *p["prompt"]], "chosen": p["chosen"], "rejected": p["rejected"]} for p in pairs]
    )
    args = DPOConfig(
        output_dir=str(workdir / "plain"),
        max_steps=steps,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        learning_rate=SHARED["learning_rate"],
        beta=SHARED["beta"],
        per_device_train_batch_size=SHARED["per_device_train_batch_size"],
        max_length=SHARED["max_length"],
        seed=SHARED["seed"],
        use_cpu=True,
        bf16=True,
        model_init_kwargs={"dtype": "bfloat16"},  # the same weights in the same precision as ours
    )
    trainer = DPOTrainer(
        model=resolve_model(None).path,
        args=args,
        train_dataset=dataset,
        peft_config=LoraConfig(
            r=SHARED["lora_r"],
            lora_alpha=2 * SHARED["lora_r"],
            lora_dropout=0.05,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        ),
    )
    start = time.time()
    result = trainer.train()
    return summarize(trainer.state.log_history, result.metrics.get("train_runtime", time.time() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--variant", choices=["ours", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant:  # child process: run one side, print its JSON
        with tempfile.TemporaryDirectory() as tmp:
            run = run_ours if args.variant == "ours" else run_plain_trl
            print("RESULT " + json.dumps(run(args.steps, Path(tmp))))
        return

    results = {}
    for variant in ("plain", "ours"):
        print(f"running {variant} ({args.steps} steps) ...", flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--variant", variant, "--steps", str(args.steps)],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"{variant} failed:\n{out.stderr[-3000:]}")
        results[variant] = json.loads(next(line[7:] for line in out.stdout.splitlines() if line.startswith("RESULT ")))

    ours, plain = results["ours"], results["plain"]
    ratio = ours["tokens_per_s"] / plain["tokens_per_s"]
    final_gap = abs(ours["losses"][-1] - plain["losses"][-1])
    print(f"\n{'':14} {'tokens':>8} {'seconds':>8} {'tokens/s':>9} {'peak MB':>8} {'first loss':>11} {'last loss':>10}")
    for name, r in (("plain TRL", plain), ("counsel-align", ours)):
        print(
            f"{name:14} {r['tokens']:>8.0f} {r['seconds']:>8.1f} {r['tokens_per_s']:>9.1f} {r['peak_memory_mb']:>8.0f} "
            f"{r['losses'][0]:>11.4f} {r['losses'][-1]:>10.4f}"
        )
    print(f"\nthroughput ratio (ours / plain TRL): {ratio:.2f}x   target >= 1.5x")
    print(f"(ours includes {ours['ref_precompute_s']:.1f}s of reference precompute)")
    print(f"last-step loss difference: {final_gap:.4f}")
    from align.runs import git_commit

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {
        "machine": machine(),
        "commit": git_commit(),  # with -dirty when the tree had local changes
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {**SHARED, "steps": args.steps},
        "results": results,
        "throughput_ratio": ratio,
        "final_loss_gap": final_gap,
    }
    (out_dir / "dpo_throughput.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
