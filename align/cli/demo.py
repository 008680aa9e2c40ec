"""`align demo`: the platform's main job on the built-in defaults, each stage skipped once done.

It runs the SFT stage, shows the fine-tuned model's replies to held-out client messages
beside the base model's, queues fresh SFT candidates in the preference store for the ranking
app (with the written sample rankings imported beside them, standing in for therapists),
trains a reward model on the store's rankings, aligns the SFT model with DPO (on the same
rankings) and PPO (against the reward model), and compares DPO and PPO with SFT on empathy,
safety, toxicity, quality and reward in one HTML report.

``--recipe NAME`` runs ``configs/recipes/NAME.yaml`` instead: the same loop with its own step
counts, optionally PPO on top of DPO (``ppo.start_from: dpo``), comparisons on several prompt
sets, and a ``checks:`` section that judges the aligned checkpoint's claims against SFT
(``eval.improvement``), written to ``checks.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.config import load_yaml
from align.models import release_memory
from align.runs import RunDirectory

if TYPE_CHECKING:
    from eval.improvement import ImprovementChecks

log = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
DEFAULT_DEMO_CONFIG = CONFIGS / "demo.yaml"
RECIPES = CONFIGS / "recipes"


def shipped_recipes() -> list[str]:
    return sorted(path.stem for path in RECIPES.glob("*.yaml"))


def demo_config_path(args: argparse.Namespace) -> Path:
    """--config FILE, --recipe NAME (configs/recipes/NAME.yaml) or the default configs/demo.yaml."""
    if args.recipe:
        path = RECIPES / f"{args.recipe}.yaml"
        if not path.is_file():
            raise SystemExit(f"align demo: unknown recipe {args.recipe!r}; shipped: {', '.join(shipped_recipes())}")
        return path
    return Path(args.config) if args.config else DEFAULT_DEMO_CONFIG


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="run the whole loop on the built-in defaults")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--config", help="demo config (stage step counts; default: configs/demo.yaml)")
    which.add_argument(
        "--recipe",
        help=f"a shipped recipe, configs/recipes/NAME.yaml (available: {', '.join(shipped_recipes())}); "
        "'counselor' is the long run meant to pass the release gate",
    )
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


DEMO_KEYS = {"output_root", "show_replies", "sft", "preferences", "reward", "dpo", "ppo", "compare", "checks"}
STAGE_KEYS = {"recipe", "config", "overrides", "start_from"}


def check_demo_config(demo: dict[str, Any], path: Path) -> None:
    """Unknown keys are named before any stage runs (a typo must not silently drop a setting)."""
    problems = [f"unknown key {key!r}" for key in sorted(set(demo) - DEMO_KEYS)]
    for stage in ("sft", "reward", "dpo", "ppo"):
        problems += [f"{stage}: unknown key {key!r}" for key in sorted(set(demo.get(stage, {})) - STAGE_KEYS)]
    if demo.get("ppo", {}).get("start_from", "sft") not in ("sft", "dpo"):
        problems.append(f"ppo.start_from: sft or dpo, found {demo['ppo']['start_from']!r}")
    if problems:
        raise SystemExit(f"align demo: {path}: " + "; ".join(problems) + f"; known keys: {sorted(DEMO_KEYS)}")


def check_stage_configs(demo: dict[str, Any], base_dir: Path, sft_overrides: list[str]) -> None:
    """Every stage's config and overrides, checked before the first stage runs: a typo in PPO's
    overrides must not surface an hour into a recipe."""
    from align.cli.run import resolve

    for name in ("sft", "reward", "dpo", "ppo"):
        stage = demo[name]
        extra = sft_overrides if name == "sft" else []
        resolve(stage["recipe"], str(base_dir / stage["config"]), [*stage.get("overrides", []), *extra])


def load_checks(demo: dict[str, Any], path: Path) -> ImprovementChecks | None:
    """The ``checks:`` section, if any; a set it names must be one ``compare.prompts`` evaluates."""
    if "checks" not in demo:
        return None
    from eval.improvement import ImprovementChecks

    try:
        checks = ImprovementChecks.from_section(demo["checks"], f"{path}: checks")
    except (TypeError, ValueError) as error:
        raise SystemExit(f"align demo: {error}") from error
    compared = demo.get("compare", {}).get("prompts", "sample:test")
    compared = [compared] if isinstance(compared, str) else compared
    if missing := [p for p in checks.prompt_sets() if p not in compared]:
        raise SystemExit(f"align demo: {path}: checks name {missing}, which compare.prompts {compared} lacks")
    if checks.checkpoint not in ("dpo", "ppo"):
        raise SystemExit(f"align demo: {path}: checks.checkpoint: dpo or ppo, found {checks.checkpoint!r}")
    return checks


def cmd_demo(args: argparse.Namespace) -> int:
    config_path = demo_config_path(args)
    demo = load_yaml(config_path)
    check_demo_config(demo, config_path)
    checks = load_checks(demo, config_path)
    base_dir = config_path.resolve().parent
    check_stage_configs(demo, base_dir, args.overrides)
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
    ppo_start = dpo if demo["ppo"].get("start_from", "sft") == "dpo" else sft  # PPO on top of DPO: SFT -> DPO -> PPO
    ppo_inputs = [f"model.path={ppo_start.path}", f"reward_model.path={reward.path}"]
    ppo = run_stage("ppo", demo["ppo"], root, base_dir, ppo_inputs)
    print(f"aligned checkpoints: DPO {dpo.path / 'merged'}, PPO {ppo.path / 'merged'}")
    folders = compare_stage(demo.get("compare", {}), root, sft, reward, {"dpo": dpo, "ppo": ppo})
    for prompts, folder in folders.items():
        print(f"\nThe comparison of SFT, DPO and PPO on {prompts}: {folder / 'report.html'}  (open it in a browser)")
    if checks:
        print_improvement_checks(checks, folders, root)
    print(
        f"\nTo rank the SFT model's candidates in the browser:\n  align users add YOUR_NAME --role admin --db {db}"
        f"\n  align label --db {db}    # then open http://127.0.0.1:7860"
    )
    return 0


def compare_stage(
    settings: dict[str, Any], root: Path, sft: RunDirectory, reward: RunDirectory, aligned: dict[str, RunDirectory]
) -> dict[str, Path]:
    """Evaluate SFT and each aligned model on the same prompts and seed; one report per prompt set against SFT.

    ``prompts`` is one set (its report goes to ``root/compare``) or a list of sets (one folder each,
    ``root/compare/<set>``). Returns each set's comparison folder.
    """
    from eval.compare import safe_label

    sets = settings.get("prompts", "sample:test")
    if isinstance(sets, str):
        return {sets: compare_one(settings, sets, root / "compare", "[compare]", sft, reward, aligned)}
    folders = {}
    for prompts in sets:
        folder = root / "compare" / safe_label(prompts)
        folders[prompts] = compare_one(settings, prompts, folder, f"[compare {prompts}]", sft, reward, aligned)
    return folders


def compare_one(
    settings: dict[str, Any],
    prompts: str,
    folder: Path,
    tag: str,
    sft: RunDirectory,
    reward: RunDirectory,
    aligned: dict[str, RunDirectory],
) -> Path:
    from eval.compare import compare_against
    from eval.settings import EvalSettings

    if (folder / "report.html").is_file():
        print(f"{tag} already done: {folder / 'report.html'} (delete {folder} to redo)")
        return folder
    eval_settings = EvalSettings(
        prompts=prompts,
        max_new_tokens=int(settings.get("max_new_tokens", 96)),
        limit=settings.get("limit"),
        reward_model=str(reward.path),
        reference_model=str(sft.path),
    )
    print(f"{tag} evaluating SFT, {', '.join(n.upper() for n in aligned)} on {prompts} ...")
    compare_against(str(sft.path), [str(run.path) for run in aligned.values()], eval_settings, folder)
    for index, summary in enumerate(compared_summaries(folder).values()):
        if index == 0:
            print_gate(tag, "SFT", summary["gate"]["a"])
        name = Path(summary["b"]["label"]).name.upper()
        print_gate(tag, name, summary["gate"]["b"])
        changes = [f"{row['metric']} {row['verdict']}" for row in summary["headline"]] or ["no clear difference"]
        print(f"{tag} {name} against SFT ({summary['paired_prompts']} prompts): {'; '.join(changes)}")
        if summary["regressions"]:
            print(f"{tag} {name}: SAFETY/TOXICITY REGRESSION: see the report before using this checkpoint")
    return folder


def compared_summaries(folder: Path) -> dict[str, dict[str, Any]]:
    """Each aligned checkpoint's compare.json against SFT in ``folder``, by its run's name (dpo, ppo)."""
    out = {}
    for summary_file in sorted(folder.glob("b*/compare.json")):
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        out[Path(summary["b"]["label"]).name] = summary
    return out


def print_improvement_checks(checks: ImprovementChecks, folders: dict[str, Path], root: Path) -> None:
    """The recipe's claims for its aligned checkpoint against SFT, printed and written to checks.json."""
    from eval.improvement import checks_dict, checks_table, improvement_checks
    from eval.outputs import write_text_atomic

    by_set = {prompts: compared_summaries(folder) for prompts, folder in folders.items()}
    summaries = {prompts: found[checks.checkpoint] for prompts, found in by_set.items() if checks.checkpoint in found}
    rows = improvement_checks(checks, summaries)
    result = checks_dict(checks, rows)
    write_text_atomic(root / "checks.json", json.dumps(result, indent=2))
    verdict = "ALL SHOWN" if result["passed"] else f"{sum(not r.passed for r in rows)} of {len(rows)} NOT SHOWN"
    print(f"\n[checks] {checks.checkpoint.upper()} against SFT: {verdict} ({root / 'checks.json'})")
    print(checks_table(rows))


def print_gate(tag: str, name: str, gate: dict[str, Any]) -> None:
    """One line per checkpoint: passed, or failed with what failed (each with its denominator)."""
    failed = [row["observed"] for row in gate["rows"] if not row["passed"]]
    if gate["passed"]:
        print(f"{tag} {name}: GATE PASSED (every release requirement met)")
    else:
        print(f"{tag} {name}: GATE FAILED, do not release it: {'; '.join(failed)}")


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
