"""`align compare A B`: is B better or worse than A, metric by metric, and how sure are we?

A and B are eval folders, or models/run directories that are evaluated first with the same
prompts, settings and seed (an existing eval with the same weights, prompts, settings and scorer
versions is reused; beside one eval folder, a model is evaluated with that eval's settings).
Replies are paired by prompt: each metric is averaged over a prompt's samples, then for every
metric in ``eval.metrics.METRICS`` (and the gate's lethal and unsafe judgements) we report both
means, the mean paired difference B - A with a 95% bootstrap CI, a Wilcoxon signed-rank p-value,
its Holm adjustment across all metrics, and a verdict. A metric is "better"/"worse" (by its
direction) only when the Holm-adjusted p is below alpha *and* the CI excludes zero; otherwise
"no clear difference". Safety and toxicity regressions are listed first.

Before all that, absolute before relative: each checkpoint's release gate (``eval.gate``).
"No regression" between two checkpoints that both fail it is not good news, and the headline
says so. The safety and toxicity verdicts are also given per slice: at-risk clients, each risk
level, each kind of message. Writes compare.json, compare.md and a self-contained report.html.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.models import ModelNotFoundError, resolve_model
from eval.aggregates import is_number
from eval.eval_dirs import eval_identity, find_matching_eval
from eval.gate import GatePolicy, client_risk, gate_eval, gate_headline, is_lethal, is_unsafe, load_policy
from eval.leaderboard import reward_leaderboard
from eval.metrics import METRICS, REGRESSION_FAMILIES, Metric
from eval.outputs import EvalResult, flat_scores, is_eval_dir, read_eval_dir, to_json, write_text_atomic
from eval.settings import EvalSettings
from eval.stats import holm, paired_bootstrap_ci, wilcoxon_p, win_rates

log = logging.getLogger(__name__)

ALPHA = 0.05
MAX_EXAMPLES = 6
COMPARISONS_ROOT = Path("comparisons")

# The gate's per-reply judgements, compared like any other metric (where the eval has the reply-safety classifier).
GATE_METRICS: dict[str, Metric] = {
    "lethal_reply": Metric("safety", "lower", "reply in a lethal category (endorses, facilitates, mishandles...)"),
    "unsafe_reply": Metric("safety", "lower", "reply in any unsafe category or with a rule flag (as the gate counts)"),
}
COMPARED_METRICS: dict[str, Metric] = {**GATE_METRICS, **{k: v for k, v in METRICS.items() if k not in GATE_METRICS}}
# Slices test only what matters most per group of clients: safety and toxicity.
SLICE_METRICS = {k: v for k, v in COMPARED_METRICS.items() if v.family in REGRESSION_FAMILIES}
RISK_ORDER = ("high", "moderate", "low", "none")


@dataclass
class Comparison:
    """What compare.json holds (``summary``), plus the paired per-prompt values the plots are drawn from."""

    summary: dict[str, Any]
    paired: dict[str, tuple[list[float], list[float]]]


def load_or_evaluate(spec: str, settings: EvalSettings) -> EvalResult:
    """An eval folder as it is; a model or run: its matching eval if one exists, else a new eval."""
    from eval.harness import run_eval

    if is_eval_dir(spec):
        return read_eval_dir(spec)
    try:
        resolve_model(spec)
    except ModelNotFoundError as exc:
        message = f"{spec} is not an eval folder (no summary.json and replies.jsonl) nor a model: {exc}"
        raise ModelNotFoundError(message) from None
    found = find_matching_eval(spec, settings)
    if found is not None:
        log.info("%s: reusing the matching eval %s", spec, found)
        return read_eval_dir(found)
    log.info("%s: no matching eval yet; evaluating", spec)
    return read_eval_dir(run_eval(spec, settings))


def per_prompt_values(result: EvalResult) -> dict[str, dict[str, float]]:
    """Per prompt (by content key), each metric's mean over the prompt's samples where it applies."""
    collected: dict[str, dict[str, list[float]]] = {}
    for row in result.rows:
        scores = flat_scores(row["scores"])
        values = collected.setdefault(row["prompt_key"], {})
        for name in METRICS:
            if is_number(scores.get(name)):
                values.setdefault(name, []).append(float(scores[name]))
        safety = row["scores"].get("safety") or {}
        for name, judge in (("lethal_reply", is_lethal), ("unsafe_reply", is_unsafe)):
            if (verdict := judge(safety)) is not None:
                values.setdefault(name, []).append(float(verdict))
        if is_number(scores.get("toxicity")):
            values.setdefault("max_toxicity_over_samples", []).append(float(scores["toxicity"]))
            values.setdefault("any_toxic_sample", []).append(float(bool(scores.get("toxic"))))
    out = {}
    for key, values in collected.items():
        out[key] = {name: sum(v) / len(v) for name, v in values.items()}
        if "max_toxicity_over_samples" in values:
            out[key]["max_toxicity_over_samples"] = max(values["max_toxicity_over_samples"])
            out[key]["any_toxic_sample"] = max(values["any_toxic_sample"])
    return out


def verdict(direction: str, difference: float, ci: tuple[float, float] | None, p_holm: float | None) -> str:
    """better/worse (or higher/lower for a neutral metric) only when Holm p < alpha and the CI excludes 0."""
    clear = p_holm is not None and p_holm < ALPHA and ci is not None and (ci[0] > 0 or ci[1] < 0)
    if not clear:
        return "no clear difference"
    if direction == "neutral":
        return "higher" if difference > 0 else "lower"
    return "better" if (difference > 0) == (direction == "higher") else "worse"


def compare_metrics(
    a: dict[str, dict[str, float]],
    b: dict[str, dict[str, float]],
    seed: int = 0,
    n_resamples: int = 9999,
    metrics: dict[str, Metric] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, tuple[list[float], list[float]]]]:
    """One row per metric both evals have on some shared prompt, in ``metrics`` order, with Holm across rows."""
    shared = [key for key in a if key in b]
    rows, paired = [], {}
    for name, metric in (metrics or COMPARED_METRICS).items():
        keys = [k for k in shared if name in a[k] and name in b[k]]
        if not keys:
            continue
        values_a, values_b = [a[k][name] for k in keys], [b[k][name] for k in keys]
        paired[name] = (values_a, values_b)
        mean_a, mean_b = sum(values_a) / len(keys), sum(values_b) / len(keys)
        ci = paired_bootstrap_ci(values_a, values_b, n_resamples=n_resamples, seed=seed)
        rows.append(
            {
                "metric": name, "family": metric.family, "direction": metric.direction, "meaning": metric.meaning,
                "prompts": len(keys), "mean_a": mean_a, "mean_b": mean_b, "difference": mean_b - mean_a,
                "ci": list(ci) if ci else None, "p_value": wilcoxon_p(values_a, values_b),
            }
        )  # fmt: skip
    for row, adjusted in zip(rows, holm([r["p_value"] for r in rows]), strict=True):
        row["p_holm"] = adjusted
        row["verdict"] = verdict(row["direction"], row["difference"], row["ci"], adjusted)
    return rows, paired


def headline(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clear changes, most urgent first: safety and toxicity regressions, other regressions, improvements."""

    def urgency(row: dict[str, Any]) -> int:
        if row["verdict"] == "worse":
            return 0 if row["family"] in REGRESSION_FAMILIES else 1
        return 2 if row["verdict"] == "better" else 3

    return sorted((r for r in rows if r["verdict"] != "no clear difference"), key=urgency)


def prompt_groups(result: EvalResult) -> dict[str, tuple[str | None, str | None]]:
    """Each prompt's client risk (gold, else predicted) and kind (the row's ``kind``, else its ``topic``)."""
    groups: dict[str, tuple[str | None, str | None]] = {}
    for row in result.rows:
        groups.setdefault(row["prompt_key"], (client_risk(row), row.get("kind") or row.get("topic")))
    return groups


def slice_keys(a: EvalResult, b: EvalResult, shared: list[str]) -> list[tuple[str, str, list[str]]]:
    """(slice, grouping, prompt keys): at-risk clients first, then each risk level, then each kind of message."""
    from eval.taxonomy import MESSAGE_KINDS

    groups = {**prompt_groups(b), **prompt_groups(a)}
    risks = {key: groups.get(key, (None, None))[0] for key in shared}
    kinds = {key: groups.get(key, (None, None))[1] for key in shared}
    out = [("at-risk (moderate or high)", "risk", [k for k in shared if risks[k] in ("moderate", "high")])]
    out += [(f"risk {level}", "risk", [k for k in shared if risks[k] == level]) for level in RISK_ORDER]
    known = [kind for kind in MESSAGE_KINDS if kind in kinds.values()]
    others = sorted({kind for kind in kinds.values() if kind and kind not in MESSAGE_KINDS})
    out += [(kind, "kind", [k for k in shared if kinds[k] == kind]) for kind in [*known, *others]]
    return [(name, by, keys) for name, by, keys in out if keys]


def compare_slices(
    a: EvalResult,
    b: EvalResult,
    values_a: dict[str, dict[str, float]],
    values_b: dict[str, dict[str, float]],
    seed: int,
    n_resamples: int,
) -> list[dict[str, Any]]:
    """The safety and toxicity verdicts within each slice (Holm across the slice's metrics; slices are exploratory)."""
    shared = [k for k in values_a if k in values_b]
    out = []
    for name, by, keys in slice_keys(a, b, shared):
        sub_a, sub_b = {k: values_a[k] for k in keys}, {k: values_b[k] for k in keys}
        rows, _ = compare_metrics(sub_a, sub_b, seed, n_resamples, SLICE_METRICS)
        out.append(
            {
                "slice": name, "by": by, "prompts": len(keys), "metrics": rows,
                "worse": [r["metric"] for r in rows if r["verdict"] == "worse"],
                "better": [r["metric"] for r in rows if r["verdict"] == "better"],
            }
        )  # fmt: skip
    return out


def setting_differences(a: EvalResult, b: EvalResult) -> list[str]:
    """Everything but the model that differs between the two evals (the comparison is unfair if any does)."""
    ia, ib = eval_identity(a.summary), eval_identity(b.summary)
    out = []
    if ia["prompts"] != ib["prompts"]:
        out.append(f"prompt sets differ ({ia['prompts']} vs {ib['prompts']}); only shared prompts are paired")
    for key in sorted(set(ia["settings"]) | set(ib["settings"])):
        if ia["settings"].get(key) != ib["settings"].get(key):
            out.append(f"{key}: {ia['settings'].get(key)!r} vs {ib['settings'].get(key)!r}")
    for name in sorted(set(ia["scorers"]) | set(ib["scorers"])):
        if ia["scorers"].get(name) != ib["scorers"].get(name):
            out.append(f"scorer {name} version: {ia['scorers'].get(name)} vs {ib['scorers'].get(name)}")
    return out


def reward_win_rates(a: dict[str, dict[str, float]], b: dict[str, dict[str, float]], seed: int) -> dict | None:
    keys = [k for k in a if k in b and "reward" in a[k] and "reward" in b[k]]
    if not keys:
        return None
    return win_rates(
        [a[k]["reward"] for k in keys], [b[k]["reward"] for k in keys],
        [a[k].get("length_words", 0.0) for k in keys], [b[k].get("length_words", 0.0) for k in keys], seed=seed,
    )  # fmt: skip


def pick_examples(
    rows: list[dict[str, Any]], a: dict[str, dict[str, float]], b: dict[str, dict[str, float]]
) -> list[dict[str, Any]]:
    """Prompts that show each clear change best (most urgent change first), then the first prompts."""
    chosen: list[dict[str, Any]] = []
    for row in headline(rows):
        name, sign = row["metric"], 1 if row["difference"] > 0 else -1
        candidates = [k for k in a if k in b and name in a[k] and name in b[k] and k not in [c["key"] for c in chosen]]
        if candidates and len(chosen) < MAX_EXAMPLES:
            key = max(candidates, key=lambda k: sign * (b[k][name] - a[k][name]))
            if sign * (b[key][name] - a[key][name]) > 0:
                chosen.append({"key": key, "why": f"{name} {row['verdict']}: {a[key][name]:.3g} -> {b[key][name]:.3g}"})
    for key in a:
        if len(chosen) >= MAX_EXAMPLES:
            break
        if key in b and key not in [c["key"] for c in chosen]:
            chosen.append({"key": key, "why": "first prompts of the set"})
    return chosen


def first_replies(result: EvalResult) -> dict[str, dict[str, Any]]:
    """Each prompt's first reply row (sample 0), by prompt key."""
    out: dict[str, dict[str, Any]] = {}
    for row in result.rows:
        out.setdefault(row["prompt_key"], row)
    return out


def gate_section(a: EvalResult, b: EvalResult, policy: GatePolicy) -> dict[str, Any]:
    """Both sides' release gate (absolute), and the headline sentence compare.json and the reports open with."""
    gate_a, gate_b = gate_eval(a, policy).to_dict(), gate_eval(b, policy).to_dict()
    checkpoints = [(f"{a.label} (A)", gate_a), (f"{b.label} (B)", gate_b)]
    return {
        "passed": gate_a["passed"] and gate_b["passed"],
        "headline": gate_headline(checkpoints),
        "policy": policy.source,
        "a": gate_a,
        "b": gate_b,
    }


def compare_evals(
    a: EvalResult,
    b: EvalResult,
    human: dict | None = None,
    seed: int = 0,
    n_resamples: int = 9999,
    policy: GatePolicy | None = None,
) -> Comparison:
    """Everything compare.json says about B against A, opening with both sides' release gate."""
    values_a, values_b = per_prompt_values(a), per_prompt_values(b)
    shared = [k for k in values_a if k in values_b]
    if not shared:
        raise ValueError(f"{a.path} and {b.path} share no prompts: evaluate both on the same prompt set")
    rows, paired = compare_metrics(values_a, values_b, seed, n_resamples)
    replies_a, replies_b = first_replies(a), first_replies(b)
    examples = []
    for pick in pick_examples(rows, values_a, values_b):
        row_a, row_b = replies_a[pick["key"]], replies_b[pick["key"]]
        examples.append(
            {
                "prompt_id": row_a["prompt_id"], "why": pick["why"], "prompt": row_a["prompt"],
                "reply_a": row_a["reply"], "reply_b": row_b["reply"], "reference": row_a.get("reference"),
            }
        )  # fmt: skip
    aggregates = {
        name: {"a": a.summary["aggregates"].get(name), "b": b.summary["aggregates"].get(name)}
        for name in dict.fromkeys([*a.summary["aggregates"], *b.summary["aggregates"]])
    }
    summary = {
        "format": "counsel-align compare 1",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "gate": gate_section(a, b, policy or load_policy()),
        "a": {"label": a.label, "eval": str(a.path), "model": a.summary["model"]},
        "b": {"label": b.label, "eval": str(b.path), "model": b.summary["model"]},
        "paired_prompts": len(shared),
        "unpaired_prompts": {"a": len(values_a) - len(shared), "b": len(values_b) - len(shared)},
        "setting_differences": setting_differences(a, b),
        "method": {
            "alpha": ALPHA,
            "ci": "95% paired BCa bootstrap",
            "resamples": n_resamples,
            "seed": seed,
            "test": "Wilcoxon signed-rank, Holm-adjusted across metrics",
        },  # fmt: skip
        "regressions": [r for r in headline(rows) if r["verdict"] == "worse" and r["family"] in REGRESSION_FAMILIES],
        "headline": headline(rows),
        "metrics": rows,
        "slices": compare_slices(a, b, values_a, values_b, seed, n_resamples),
        "reward_win_rate": reward_win_rates(values_a, values_b, seed),
        "aggregates": aggregates,
        "human": human,
        "examples": examples,
    }
    return Comparison(summary, paired)


def compare(
    spec_a: str,
    spec_b: str,
    settings: EvalSettings | None = None,
    out_dir: str | Path | None = None,
    human: dict | None = None,
    seed: int = 0,
    policy: GatePolicy | None = None,
) -> Path:
    """Evaluate (or reuse) both sides, compare them, and write compare.json, compare.md and report.html."""
    from eval.report import render_html, render_markdown

    policy = policy or load_policy()  # a broken policy file stops here, before any model is evaluated
    settings = settings or EvalSettings()
    given = [spec for spec in (spec_a, spec_b) if is_eval_dir(spec)]
    if len(given) == 1:  # the model on the other side is evaluated the way the given eval was
        settings = EvalSettings.from_recorded(read_eval_dir(given[0]).summary["settings"])
        log.info("evaluating with the settings of %s", given[0])
    a, b = load_or_evaluate(spec_a, settings), load_or_evaluate(spec_b, settings)
    comparison = compare_evals(a, b, human=human, seed=seed, policy=policy)
    folder = Path(out_dir) if out_dir else new_comparison_dir(a.label, b.label)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / "compare.json", to_json(comparison.summary))
    write_text_atomic(folder / "compare.md", render_markdown(comparison.summary))
    write_text_atomic(folder / "report.html", render_html(comparison))
    return folder


def compare_against(
    baseline: str,
    candidates: list[str],
    settings: EvalSettings | None = None,
    out_dir: str | Path | None = None,
    human: dict | None = None,
    seed: int = 0,
    policy: GatePolicy | None = None,
) -> Path:
    """Each candidate against one baseline (e.g. DPO and PPO against SFT): one folder per pair, one overview report.

    With one candidate this is ``compare``. With several, ``out_dir`` gets a subfolder per candidate
    (``b1-<label>/``, ...) holding its compare.json, compare.md and report.html, ``leaderboard.json``
    (every checkpoint ranked by the reward model's pairwise preferences, ``eval.leaderboard``; null
    when the evals have no reward) and a ``report.html`` showing the gate, the leaderboard and every
    metric of every candidate side by side, then each full comparison.
    """
    from eval.report import render_html, render_markdown, render_overview_html

    policy = policy or load_policy()
    if len(candidates) == 1:
        return compare(baseline, candidates[0], settings, out_dir, human=human, seed=seed, policy=policy)
    settings = settings or EvalSettings()
    if is_eval_dir(baseline):
        settings = EvalSettings.from_recorded(read_eval_dir(baseline).summary["settings"])
    a = load_or_evaluate(baseline, settings)
    others = [load_or_evaluate(spec, settings) for spec in candidates]
    comparisons = [compare_evals(a, b, human=human, seed=seed, policy=policy) for b in others]
    board = reward_leaderboard(
        [r.label for r in (a, *others)],
        [{key: v["reward"] for key, v in per_prompt_values(r).items() if "reward" in v} for r in (a, *others)],
        seed=seed,
    )
    folder = Path(out_dir) if out_dir else new_comparison_dir(a.label, "+".join(Path(c).name for c in candidates))
    for i, comparison in enumerate(comparisons, start=1):
        sub = folder / f"b{i}-{safe_label(comparison.summary['b']['label'])}"
        sub.mkdir(parents=True, exist_ok=True)
        write_text_atomic(sub / "compare.json", to_json(comparison.summary))
        write_text_atomic(sub / "compare.md", render_markdown(comparison.summary))
        write_text_atomic(sub / "report.html", render_html(comparison))
    write_text_atomic(folder / "leaderboard.json", to_json(board))  # folder exists: its subfolders were made
    write_text_atomic(folder / "report.html", render_overview_html(comparisons, board))
    return folder


def safe_label(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", Path(label).name).strip("-.")[:40] or "model"


def new_comparison_dir(label_a: str, label_b: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = COMPARISONS_ROOT / f"{safe_label(label_a)}-vs-{safe_label(label_b)}-{stamp}", 2
    while folder.exists():
        folder, n = COMPARISONS_ROOT / f"{safe_label(label_a)}-vs-{safe_label(label_b)}-{stamp}-{n}", n + 1
    return folder
