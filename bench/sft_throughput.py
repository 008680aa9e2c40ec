"""Benchmark: `align run sft` against a plain TRL SFT script, same model, data and settings.

Each side runs in its own process (so peak memory is its own) on the packaged SmolLM2,
the first N sample conversations, LoRA r=16 on all linear layers, the same learning rate,
batch size, max length, step count and seed, with the loss on the counselor's turns.
What differs is what the platform chooses for you: the plain script keeps TRL's
defaults (activation checkpointing on, no length grouping), ours uses the recipe defaults.

    python bench/sft_throughput.py [--steps 6] [--examples 64]

Prints a table and writes bench/results/sft_throughput.json. A benchmark, not a test:
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
    "learning_rate": 2e-4,
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


def summarize(log_history: list[dict], runtime: float) -> dict:
    losses = [e["loss"] for e in log_history if "loss" in e]
    tokens = max((e.get("num_tokens", 0) for e in log_history), default=0)
    return {
        "tokens": tokens,
        "runtime_s": runtime,
        "tokens_per_s": tokens / runtime,
        "losses": losses,
        "peak_memory_mb": peak_memory_mb(),
    }


def run_ours(steps: int, examples: int, workdir: Path) -> dict:
    from align.cli.run import run_recipe

    _, metrics = run_recipe(
        "sft",
        str(ROOT / "configs" / "sft.yaml"),
        [
            f"train.max_steps={steps}",
            f"data.max_examples={examples}",
            "train.logging_steps=1",
            f"train.learning_rate={SHARED['learning_rate']}",
            f"train.per_device_train_batch_size={SHARED['per_device_train_batch_size']}",
            f"train.max_length={SHARED['max_length']}",
            f"run.seed={SHARED['seed']}",
            f"peft.r={SHARED['lora_r']}",
            "train.report_to=[]",
            "train.save_strategy=no",
            "peft.merge=false",
            f"run.output_root={workdir}",
            "run.name=ours",
        ],
    )
    return summarize(metrics["log_history"], metrics["train_runtime_s"])


def run_plain_trl(steps: int, examples: int, workdir: Path) -> dict:
    """What a user would write with TRL alone (its defaults, our model/data/settings)."""
    from datasets import Dataset
    from peft import LoraConfig
    from trl import SFTConfig, SFTTrainer

    from align.config import DEFAULT_SYSTEM_PROMPT
    from align.models import resolve_model
    from sft.data import load_conversations, with_system_prompt

    rows = load_conversations("sample:train")[:examples]
    dataset = Dataset.from_list([{"messages": with_system_prompt(r, DEFAULT_SYSTEM_PROMPT)} for r in rows])
    args = SFTConfig(
        output_dir=str(workdir / "plain"),
        max_steps=steps,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        learning_rate=SHARED["learning_rate"],
        per_device_train_batch_size=SHARED["per_device_train_batch_size"],
        max_length=SHARED["max_length"],
        seed=SHARED["seed"],
        use_cpu=True,
        bf16=True,
        assistant_only_loss=True,
        chat_template_path=str(ROOT / "align" / "templates" / "chatml_training.jinja"),
    )
    trainer = SFTTrainer(
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
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--examples", type=int, default=64)
    parser.add_argument("--variant", choices=["ours", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant:  # child process: run one side, print its JSON
        with tempfile.TemporaryDirectory() as tmp:
            run = run_ours if args.variant == "ours" else run_plain_trl
            print("RESULT " + json.dumps(run(args.steps, args.examples, Path(tmp))))
        return

    results = {}
    for variant in ("plain", "ours"):
        print(f"running {variant} ({args.steps} steps) ...", flush=True)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--variant",
                variant,
                "--steps",
                str(args.steps),
                "--examples",
                str(args.examples),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results[variant] = json.loads(next(line[7:] for line in out.stdout.splitlines() if line.startswith("RESULT ")))

    from align.runs import git_commit
    from bench.dpo_throughput import machine

    ours, plain = results["ours"], results["plain"]
    ratio = ours["tokens_per_s"] / plain["tokens_per_s"]
    final_gap = abs(ours["losses"][-1] - plain["losses"][-1])
    print(f"\n{'':12} {'tokens/s':>10} {'peak MB':>10} {'first loss':>11} {'last loss':>10}")
    for name, r in (("plain TRL", plain), ("counsel-align", ours)):
        print(
            f"{name:12} {r['tokens_per_s']:>10.1f} {r['peak_memory_mb']:>10.0f} {r['losses'][0]:>11.4f} "
            f"{r['losses'][-1]:>10.4f}"
        )
    print(f"\nthroughput ratio (ours / plain TRL): {ratio:.2f}x   target >= 1.3x")
    print(f"last-step loss difference: {final_gap:.4f}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {
        "machine": machine(),
        "commit": git_commit(),  # with -dirty when the tree had local changes
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {**SHARED, "steps": args.steps, "examples": args.examples},
        "results": results,
        "throughput_ratio": ratio,
        "final_loss_gap": final_gap,
    }
    (out_dir / "sft_throughput.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
