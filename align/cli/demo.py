"""`align demo`: the platform's main job on the built-in defaults, each stage skipped once done.

It runs the SFT stage, shows the fine-tuned model's replies to held-out client messages
beside the base model's, queues fresh SFT candidates in the preference store for the ranking
app (with the written sample rankings imported beside them, standing in for therapists),
trains a reward model on the store's rankings, aligns the SFT model with DPO (on the same
rankings) and PPO (against the reward model), and compares DPO and PPO with SFT on empathy,
safety, toxicity, quality and reward in one HTML report.
"""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

from align.config import load_yaml
from align.models import release_memory
from align.runs import RunDirectory

log = logging.getLogger(__name__)
DEFAULT_DEMO_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "demo.yaml"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="run the whole loop on the built-in defaults")
    parser.add_argument("--config", default=str(DEFAULT_DEMO_CONFIG), help="demo config (stage step counts)")
    parser.add_argument("--root", help="where the demo's runs go (default: the config's output_root)")
    parser.add_argument(
        "--simulate-annotators",
        action="store_true",
        help="also rank the fresh SFT candidates with the eval scorers, under the account simulated:eval-scorers "
        "(a stand-in for therapists, for demos only)",
    )
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="applied to the SFT stage config")
    parser.set_defaults(handler=cmd_demo)


def run_stage(name: str, stage: dict[str, Any], root: Path, base_dir: Path, extra: list[str]) -> RunDirectory:
    """Run one stage into ``root/name`` unless a completed run is already there."""
    from align.cli.run import run_recipe

    run = RunDirectory(root / name)
    if run.is_complete():
        print(f"[{name}] already done: {run.path} (delete it to redo)")
        return run
    print(f"[{name}] running {stage['recipe']} ...")
    overrides = [*stage.get("overrides", []), *extra, f"run.output_root={root}", f"run.name={name}"]
    config = base_dir / stage["config"]
    resume = str(run.path) if (run.path / "config.yaml").is_file() else None
    run, metrics = run_recipe(stage["recipe"], None if resume else str(config), [] if resume else overrides, resume)
    release_memory()  # one stage's models must not stay resident through the next
    loss = ""
    if metrics.get("eval_loss_before") is not None and metrics.get("eval_loss_after") is not None:
        loss = f"  validation loss {metrics['eval_loss_before']:.3f} -> {metrics['eval_loss_after']:.3f}"
    print(f"[{name}] done: {run.path}{loss}")
    for line in metrics.get("highlights", []):
        print(f"[{name}]   {line}")
    return run


def held_out_messages(count: int) -> list[dict[str, Any]]:
    """Single-turn client messages from the sample test split, risk messages included."""
    from sft.data import load_conversations

    rows = [r for r in load_conversations("sample:test") if len(r["messages"]) == 2]
    risky = [r for r in rows if r.get("risk") in ("moderate", "high")][:1]
    ordinary = [r for r in rows if r not in risky]
    step = max(1, len(ordinary) // max(1, count - len(risky)))
    return (ordinary[::step][: count - len(risky)] + risky)[:count]


def show_replies(models: dict[str, str], count: int, system_prompt: str) -> list[dict[str, Any]]:
    """Print each model's reply to held-out client messages, side by side."""
    from align.generation import generate_replies
    from align.models import load_causal_lm, load_tokenizer, resolve_model

    rows = held_out_messages(count)
    prompts = [[{"role": "system", "content": system_prompt}, r["messages"][0]] for r in rows]
    replies: dict[str, list[str]] = {}
    for label, spec in models.items():
        resolved = resolve_model(spec)
        replies[label] = generate_replies(load_causal_lm(resolved).eval(), load_tokenizer(resolved), prompts)
    shown = []
    for i, row in enumerate(rows):
        print(f"\n--- held-out client message ({row.get('topic')}, risk: {row.get('risk')}) ---")
        print(textwrap.fill(row["messages"][0]["content"], 100))
        for label in models:
            print(f"\n  [{label}]")
            print(textwrap.indent(textwrap.fill(replies[label][i], 96), "    "))
        shown.append(
            {
                "id": row["id"],
                "client": row["messages"][0]["content"],
                **{k: v[i] for k, v in replies.items()},
            }
        )
    return shown


def cmd_demo(args: argparse.Namespace) -> int:
    demo = load_yaml(args.config)
    base_dir = Path(args.config).resolve().parent
    root = Path(args.root or demo.get("output_root", "runs/demo"))
    root.mkdir(parents=True, exist_ok=True)

    sft = run_stage("sft", demo["sft"], root, base_dir, args.overrides)

    config = sft.stored_config() or {}
    shown = show_replies(
        {"base model": config["model"]["path"], "SFT": str(sft.path)},
        int(demo.get("show_replies", 4)),
        config["model"]["system_prompt"],
    )
    (root / "sample_replies.json").write_text(json.dumps(shown, indent=2, ensure_ascii=False))
    print(f"\nSFT checkpoint: {sft.path}")
    print(f"replies saved to {root / 'sample_replies.json'}; chat with it: align chat --model {sft.path}")

    db = queue_for_ranking(sft, demo.get("preferences", {}), root, config["model"]["system_prompt"])
    if args.simulate_annotators:
        from annotate.simulated import SIMULATED_ANNOTATOR, simulate_rankings
        from annotate.store import RankingStore

        counts = simulate_rankings(RankingStore(str(db)))
        print(
            f"[preferences] SIMULATED annotator '{SIMULATED_ANNOTATOR}' (the eval scorers, not therapists) ranked "
            f"{counts['ranked']} waiting items, {counts['unsafe_flags']} replies flagged unsafe"
        )
    reward = run_stage("reward", demo["reward"], root, base_dir, [f"model.path={sft.path}", f"data.train=store:{db}"])
    print(f"reward model: {reward.path}; score replies with it: align score --model {reward.path} --input FILE")
    dpo = run_stage("dpo", demo["dpo"], root, base_dir, [f"model.path={sft.path}", f"data.train=store:{db}"])
    ppo = run_stage("ppo", demo["ppo"], root, base_dir, [f"model.path={sft.path}", f"reward_model.path={reward.path}"])
    print(f"aligned checkpoints: DPO {dpo.path / 'merged'}, PPO {ppo.path / 'merged'}")
    report = compare_stage(demo.get("compare", {}), root, sft, reward, {"dpo": dpo, "ppo": ppo})
    print(f"\nThe comparison of SFT, DPO and PPO: {report}  (open it in a browser)")
    print(
        f"\nTo rank the SFT model's candidates in the browser:\n  align users add YOUR_NAME --role admin --db {db}"
        f"\n  align label --db {db}    # then open http://127.0.0.1:7860"
    )
    return 0


def compare_stage(
    settings: dict[str, Any], root: Path, sft: RunDirectory, reward: RunDirectory, aligned: dict[str, RunDirectory]
) -> Path:
    """Evaluate SFT and each aligned model on the same prompts and seed; one report comparing them with SFT."""
    from eval.compare import compare_against
    from eval.settings import EvalSettings

    folder = root / "compare"
    report = folder / "report.html"
    if report.is_file():
        print(f"[compare] already done: {report} (delete {folder} to redo)")
        return report
    eval_settings = EvalSettings(
        prompts=settings.get("prompts", "sample:test"),
        max_new_tokens=int(settings.get("max_new_tokens", 96)),
        limit=settings.get("limit"),
        reward_model=str(reward.path),
        reference_model=str(sft.path),
    )
    print(f"[compare] evaluating SFT, {', '.join(n.upper() for n in aligned)} on {eval_settings.prompts} ...")
    compare_against(str(sft.path), [str(run.path) for run in aligned.values()], eval_settings, folder)
    for index, summary_file in enumerate(sorted(folder.glob("b*/compare.json"))):
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        if index == 0:
            print_gate("SFT", summary["gate"]["a"])
        name = Path(summary["b"]["label"]).name.upper()
        print_gate(name, summary["gate"]["b"])
        changes = [f"{row['metric']} {row['verdict']}" for row in summary["headline"]] or ["no clear difference"]
        print(f"[compare] {name} against SFT ({summary['paired_prompts']} prompts): {'; '.join(changes)}")
        if summary["regressions"]:
            print(f"[compare] {name}: SAFETY/TOXICITY REGRESSION: see the report before using this checkpoint")
    return report


def print_gate(name: str, gate: dict[str, Any]) -> None:
    """One line per checkpoint: passed, or failed with what failed (each with its denominator)."""
    failed = [row["observed"] for row in gate["rows"] if not row["passed"]]
    if gate["passed"]:
        print(f"[compare] {name}: GATE PASSED (every release requirement met)")
    else:
        print(f"[compare] {name}: GATE FAILED, do not release it: {'; '.join(failed)}")


def queue_for_ranking(sft: RunDirectory, settings: dict[str, Any], root: Path, system_prompt: str) -> Path:
    """Put fresh SFT candidates in the preference store for therapists, beside the written rankings.

    The project's written preference set stands in for live therapists in the later stages;
    it is imported under the account 'sample-author' so it flows through the same export.
    """
    from align.generation import SamplingSettings
    from align.schema import SAMPLE_DATA_DIR
    from annotate.export import import_written_rankings
    from annotate.generate import generate_candidates, ranking_prompts
    from annotate.store import RankingStore

    db = root / "preferences.db"
    store = RankingStore(str(db))
    prompts = ranking_prompts(settings.get("prompts", "sample:validation"))[: int(settings.get("max_prompts", 8))]
    counts = generate_candidates(
        store,
        str(sft.path),
        prompts,
        int(settings.get("n", 4)),
        SamplingSettings(int(settings.get("max_new_tokens", 120)), do_sample=True),
        seed=0,
        system_prompt=system_prompt,
    )
    print(f"[preferences] {counts['generated']} new SFT candidates for {counts['prompts']} prompts queued in {db}")
    imported = import_written_rankings(store, SAMPLE_DATA_DIR / "preferences" / "train.jsonl")
    print(
        f"[preferences] written sample rankings (standing in for therapists): {imported['imported']} imported, "
        f"{imported['already_present']} already there"
    )
    return db
