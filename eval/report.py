"""`align compare`'s reports: compare.md, and report.html (self-contained: inline CSS, plots as base64 PNGs).

Absolute before relative: each report opens with the release gate of every checkpoint (a table of
requirement x checkpoint, with denominators), then the regressions against the baseline, then the rest.

Every piece of text that came from a model, a prompt file or a label is HTML-escaped, in the
Markdown too (a Markdown viewer renders raw HTML): a reply saying ``<script>`` shows as text.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING, Any

from align.markdown import markdown_literal as _md  # a reply, a prompt, a label: shown as written
from eval.gate import gate_headline, percent

if TYPE_CHECKING:
    from eval.compare import Comparison

VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#cf222e", "higher": "#0969da", "lower": "#0969da"}
DISTRIBUTION_METRICS = (
    "epitome_total",
    "reward",
    "toxicity",
    "reference_similarity",
    "length_words",
    "kl_to_reference",
)


def number(value: Any, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:+d}" if signed else str(value)
    return f"{value:+.3g}" if signed else f"{value:.3g}"


def p_value(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.0001" if value < 1e-4 else f"{value:.2g}"


def ci_text(ci: list[float] | None, signed: bool = True) -> str:
    return f"[{number(ci[0], signed)}, {number(ci[1], signed)}]" if ci else "n/a"


def client_turn(prompt: list[dict[str, str]]) -> str:
    return [m["content"] for m in prompt if m["role"] == "user"][-1]


def change_sentence(row: dict[str, Any]) -> str:
    return (
        f"{row['metric']} ({row['family']}, {row['meaning']}): A {number(row['mean_a'])} -> B {number(row['mean_b'])}, "
        f"difference {number(row['difference'], True)}, 95% CI {ci_text(row['ci'])}, Holm p {p_value(row['p_holm'])}"
    )


def gate_checkpoints(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, gate) of A and B from compare.json; empty for a comparison made before the gate existed."""
    gate = summary.get("gate")
    if not gate:
        return []
    return [(f"{summary['a']['label']} (A)", gate["a"]), (f"{summary['b']['label']} (B)", gate["b"])]


def gate_grid(checkpoints: list[tuple[str, dict[str, Any]]]) -> tuple[list[list[Any]], list[str]]:
    """Rows of (requirement, threshold, then one ``(passed, observed)`` per checkpoint), and the failure reasons."""
    rows: dict[str, list[Any]] = {}
    for position, (_, gate) in enumerate(checkpoints):
        for row in gate["rows"]:
            cells = rows.setdefault(row["key"], [row["requirement"], row["threshold"], *[None] * len(checkpoints)])
            cells[2 + position] = (row["passed"], row["observed"])
    reasons = [
        f"{name}, {row['requirement']}: {row['reason']}"
        for name, gate in checkpoints
        for row in gate["rows"]
        if row["reason"] and not row["passed"]
    ]
    reasons += [f"{name}: {gate['error']}" for name, gate in checkpoints if gate.get("error")]
    return list(rows.values()), reasons


def no_regression_text(summary: dict[str, Any]) -> tuple[str, bool]:
    """What to say when no safety metric is clearly worse, and whether that is good news (B passes the gate)."""
    gate = summary.get("gate")
    if not gate:
        return "None: no safety or toxicity metric is clearly worse, but the release gate was not checked.", False
    if gate["b"]["passed"]:
        return "None: no safety or toxicity metric is clearly worse.", True
    also = " (and so does A)" if not gate["a"]["passed"] else ""
    return (
        f"None clearly worse than A, which is not good news: B FAILS the release gate above{also}. "
        "No regression against an unsafe baseline, or with a failing candidate, says nothing about safety.",
        False,
    )


SLICE_COLUMNS = (
    ("crisis_referral_when_at_risk", "crisis referral"),
    ("escalates_when_benign", "over-escalation"),
    ("unsafe_reply", "unsafe"),
    ("lethal_reply", "lethal"),
    ("harmful_or_dismissive", "harmful/dismissive"),
)


def slice_table(slices: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """One row per slice: its prompts, A -> B on the key safety metrics, and which metrics are clearly worse/better."""
    shown = [(name, label) for name, label in SLICE_COLUMNS if any(name in _by_metric(s) for s in slices)]
    header = ["slice", "prompts", *[f"{label} A -> B" for _, label in shown], "clearly worse", "clearly better"]
    rows = []
    for s in slices:
        metrics = _by_metric(s)
        cells = [s["slice"], str(s["prompts"])]
        for name, _ in shown:
            row = metrics.get(name)
            cells.append(f"{number(row['mean_a'])} -> {number(row['mean_b'])}" if row else "")
        cells += [", ".join(s["worse"]) or "none", ", ".join(s["better"]) or "none"]
        rows.append(cells)
    return header, rows


def _by_metric(slice_: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["metric"]: row for row in slice_["metrics"]}


SLICE_NOTE = (
    "Safety and toxicity metrics within each group of prompts (at-risk clients first, then each client risk "
    "level, then each kind of message), paired and Holm-adjusted within the slice. Slices are small: read them "
    "as where to look, not as verdicts on their own."
)


# ---------------------------------------------------------------- Markdown


def _gate_markdown(checkpoints: list[tuple[str, dict[str, Any]]], policy: str) -> list[str]:
    out = [f"## Release gate (absolute; policy {_md(policy)})", ""]
    if not checkpoints:
        return out + ["Not checked: this comparison predates the release gate; run `align compare` again.", ""]
    out += [
        "Each checkpoint on its own, whatever the other did; every requirement with its denominator.",
        "",
        "| requirement | threshold | " + " | ".join(_md(name) for name, _ in checkpoints) + " |",
        "|---" * (2 + len(checkpoints)) + "|",
    ]
    rows, reasons = gate_grid(checkpoints)
    for requirement, threshold, *cells in rows:
        shown = [("n/a" if c is None else f"{'PASS' if c[0] else '**FAIL**'} {_md(c[1])}") for c in cells]
        out.append(f"| {_md(requirement)} | {_md(threshold)} | " + " | ".join(shown) + " |")
    verdicts = ["PASSED" if gate["passed"] else "**FAILED**" for _, gate in checkpoints]
    out += ["| **release gate** | every requirement | " + " | ".join(verdicts) + " |", ""]
    if reasons:
        out += ["Why:", ""] + [f"- {_md(r)}" for r in reasons] + [""]
    return out


def _quote(text: str) -> str:
    return "\n".join(f"> {_md(line)}" if line.strip() else ">" for line in (text or "(empty)").splitlines())


def render_markdown(summary: dict[str, Any]) -> str:
    a, b = summary["a"], summary["b"]
    gate = summary.get("gate") or {}
    headline = gate.get("headline", "The release gate was not checked: this comparison predates it.")
    out = [f"# {_md(b['label'])} (B) against {_md(a['label'])} (A)", "", f"**{_md(headline)}**", ""]
    out += _gate_markdown(gate_checkpoints(summary), gate.get("policy", "none"))
    out += [
        "## Against the baseline (relative)",
        "",
        f"{summary['paired_prompts']} prompts paired. Differences are B - A; 95% paired bootstrap CIs; Wilcoxon "
        f"signed-rank p-values, Holm-adjusted across {len(summary['metrics'])} metrics; a verdict needs Holm p < "
        f"{summary['method']['alpha']} and a CI that excludes 0.",
        "",
    ]
    if summary["setting_differences"]:
        out += ["**Warning: the two evals differ in more than the model:**", ""]
        out += [f"- {_md(d)}" for d in summary["setting_differences"]] + [""]
    out += ["## Safety and toxicity regressions", ""]
    if summary["regressions"]:
        out += [f"- **worse**: {change_sentence(r)}" for r in summary["regressions"]]
    else:
        out.append(no_regression_text(summary)[0])
    others = [r for r in summary["headline"] if r not in summary["regressions"]]
    out += ["", "## Other clear changes", ""]
    out += [f"- **{r['verdict']}**: {change_sentence(r)}" for r in others] or ["None."]
    if summary.get("slices"):
        header, rows = slice_table(summary["slices"])
        out += ["", "## Slices", "", SLICE_NOTE, "", "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    out += [
        "",
        "## All metrics",
        "",
        "| family | metric | better if | A | B | B - A | 95% CI | p | Holm p | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in summary["metrics"]:
        out.append(
            f"| {r['family']} | {r['metric']} | {r['direction']} | {number(r['mean_a'])} | {number(r['mean_b'])} | "
            f"{number(r['difference'], True)} | {ci_text(r['ci'])} | {p_value(r['p_value'])} | "
            f"{p_value(r['p_holm'])} | {r['verdict']} |"
        )
    win = summary["reward_win_rate"]
    if win:
        out += [
            "",
            "## Reward win rate of B over A",
            "",
            f"B's reward is higher on {win['wins']}, equal on {win['ties']} and lower on {win['losses']} of "
            f"{win['prompts']} prompts: win rate {win['win_rate']:.3f} {ci_text(win['win_rate_ci'], False)}; "
            f"length-controlled (at equal length) {win['length_controlled_win_rate']:.3f} "
            f"{ci_text(win['length_controlled_ci'], False)}; B's replies are "
            f"{win['mean_length_difference']:+.1f} words longer on average.",
        ]
    out += ["", "## Set-level aggregates (no test)", "", "| aggregate | A | B |", "|---|---|---|"]
    out += [f"| {_md(k)} | {number(v['a'])} | {number(v['b'])} |" for k, v in summary["aggregates"].items()]
    if summary.get("human"):
        out += ["", "## Human A/B", ""] + _human_markdown(summary["human"])
    out += ["", "## Examples", ""]
    for e in summary["examples"]:
        out += [
            f"### {_md(e['prompt_id'])}: {_md(e['why'])}",
            "",
            "Client:",
            "",
            _quote(client_turn(e["prompt"])),
            "",
            "A:",
            "",
            _quote(e["reply_a"]),
            "",
            "B:",
            "",
            _quote(e["reply_b"]),
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def human_tables(human: dict[str, Any]) -> tuple[list[list[str]], list[list[str]], str]:
    """The Human A/B section (``eval.human_ab``'s summary): strength rows, outcome rows, a sentence on agreement."""
    strengths = [
        [str(label), number(s.get("strength")), ci_text(s.get("ci"), False)]
        for label, s in (human.get("strengths") or {}).items()
    ]
    outcomes = [[f"wins: {k}", number(v)] for k, v in (human.get("wins") or {}).items()]
    outcomes += [
        [k.replace("_", " "), number(human[k])] for k in ("win_rate_b", "annotators", "rankings") if k in human
    ]
    agreement = human.get("agreement") or {}
    note = ""
    if agreement:
        note = (
            f"Annotator agreement (Krippendorff's alpha): {number(agreement.get('alpha'))}, "
            f"over {agreement.get('pairs')} items ranked more than once."
        )
    return strengths, outcomes, note


def _human_markdown(human: dict[str, Any]) -> list[str]:
    strengths, outcomes, note = human_tables(human)
    out = ["| model | Bradley-Terry strength | 95% CI |", "|---|---|---|"]
    out += [f"| {_md(a)} | {b} | {c} |" for a, b, c in strengths]
    if outcomes:
        out += ["", "| outcome | value |", "|---|---|"] + [f"| {_md(k)} | {_md(v)} |" for k, v in outcomes]
    return out + (["", _md(note)] if note else [])


# ---------------------------------------------------------------- plots


def _png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def forest_plot(comparison: Comparison) -> str:
    """Each metric's difference and CI, in units of the metric's spread (so metrics share one axis)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows = comparison.summary["metrics"]
    figure, axis = plt.subplots(figsize=(7, 0.3 * len(rows) + 1.2))
    for y, row in enumerate(reversed(rows)):
        a, b = comparison.paired[row["metric"]]
        spread = float(np.std(np.concatenate([a, b]))) or 1.0
        colour = VERDICT_COLOURS.get(row["verdict"], "#6e7781")
        low, high = row["ci"] or (row["difference"], row["difference"])
        axis.plot([low / spread, high / spread], [y, y], color=colour, linewidth=2)
        axis.plot(row["difference"] / spread, y, "o", color=colour)
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_yticks(range(len(rows)), [f"{r['metric']} ({r['direction']})" for r in reversed(rows)], fontsize=8)
    axis.set_xlabel("B - A, in standard deviations of the metric (95% CI)")
    axis.set_title("Per-metric difference: green better, red worse, blue changed, grey no clear difference")
    return _png(figure)


def distribution_plot(comparison: Comparison) -> str | None:
    """Per-prompt values of a few key metrics, A beside B."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in DISTRIBUTION_METRICS if n in comparison.paired]
    if not names:
        return None
    figure, axes = plt.subplots(1, len(names), figsize=(2.4 * len(names), 3), squeeze=False, layout="constrained")
    for axis, name in zip(axes[0], names, strict=True):
        a, b = comparison.paired[name]
        axis.boxplot([a, b], showmeans=True)
        axis.set_xticks([1, 2], ["A", "B"])
        axis.set_title(name, fontsize=9)
    figure.suptitle("Per-prompt values (box: quartiles; triangle: mean)")
    return _png(figure)


def length_plot(comparison: Comparison) -> str | None:
    """Reward difference against length difference per prompt: is B's reward just length?"""
    if "reward" not in comparison.paired or "length_words" not in comparison.paired:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (ra, rb), (la, lb) = comparison.paired["reward"], comparison.paired["length_words"]
    if len(ra) != len(la):
        return None
    figure, axis = plt.subplots(figsize=(5, 3.5))
    axis.scatter([y - x for x, y in zip(la, lb, strict=True)], [y - x for x, y in zip(ra, rb, strict=True)], s=14)
    axis.axhline(0, color="black", linewidth=0.8)
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_xlabel("length difference B - A (words)")
    axis.set_ylabel("reward difference B - A")
    axis.set_title("Reward against length, per prompt")
    return _png(figure)


# ---------------------------------------------------------------- HTML

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.better { color: #1a7f37; font-weight: 600; } .worse { color: #cf222e; font-weight: 600; }
.higher, .lower { color: #0969da; }
.fail { color: #cf222e; font-weight: 600; } .pass { color: #1a7f37; }
.headline { font-size: 1.15em; font-weight: 600; }
.alarm { border: 2px solid #cf222e; padding: 0.5em 1em; background: #fff5f5; }
.calm { border: 1px solid #1a7f37; padding: 0.5em 1em; background: #f5fff7; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.reply { white-space: pre-wrap; background: #f6f8fa; padding: 0.5em; border-radius: 4px; }
img { max-width: 100%; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _image(data: str | None, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">' if data else ""


def _gate_html(checkpoints: list[tuple[str, dict[str, Any]]], headline: str, policy: str, heading: str) -> str:
    """The release gate: the headline in a box (red unless every checkpoint passes), a table, the reasons."""
    passed = bool(checkpoints) and all(gate["passed"] for _, gate in checkpoints)
    box = f"<div class='{'calm' if passed else 'alarm'} headline'>{_e(headline)}</div>"
    title = f"<{heading}>Release gate (absolute; policy {_e(policy)})</{heading}>"
    if not checkpoints:
        return box + title + "<p>Not checked: this comparison predates the release gate; run align compare again.</p>"
    rows, reasons = gate_grid(checkpoints)
    body = []
    for requirement, threshold, *cells in rows:
        shown = [
            "n/a"
            if c is None
            else f"<span class='{'pass' if c[0] else 'fail'}'>{'PASS' if c[0] else 'FAIL'}</span> {_e(c[1])}"
            for c in cells
        ]
        body.append([_e(requirement), _e(threshold), *shown])
    body.append(
        ["<b>release gate</b>", "every requirement"]
        + [f"<span class='{'pass' if g['passed'] else 'fail'}'>{'PASSED' if g['passed'] else 'FAILED'}</span>"
           for _, g in checkpoints]
    )  # fmt: skip
    why = "".join(f"<li>{_e(r)}</li>" for r in reasons)
    return (
        box
        + title
        + "<p>Each checkpoint on its own, whatever the other did; every requirement with its denominator.</p>"
        + _table(["requirement", "threshold", *[_e(name) for name, _ in checkpoints]], body)
        + (f"<p>Why:</p><ul>{why}</ul>" if why else "")
    )


def render_html(comparison: Comparison) -> str:
    a, b = comparison.summary["a"], comparison.summary["b"]
    return _page(f"{b['label']} against {a['label']}", comparison_sections(comparison))


def _page(title: str, parts: list[str]) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def leaderboard_plot(board: dict[str, Any]) -> str:
    """Each checkpoint's Bradley-Terry strength with its 95% interval, strongest on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(reversed(board["rows"]))
    figure, axis = plt.subplots(figsize=(6, 0.45 * len(rows) + 1.2))
    for y, row in enumerate(rows):
        axis.plot(row["ci"], [y, y], color="#0969da", linewidth=2)
        axis.plot(row["strength"], y, "o", color="#0969da")
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_yticks(range(len(rows)), [row["label"] for row in rows], fontsize=9)
    axis.set_xlabel("Bradley-Terry log-strength (95% bootstrap CI); +1 = preferred about 73% of the time")
    axis.set_title(f"Reward model's preferences over {board['prompts']} prompts")
    return _png(figure)


def _leaderboard_html(board: dict[str, Any] | None) -> str:
    if board is None:
        return "<p>No leaderboard: the evals have no reward scores (evaluate with a reward model).</p>"
    header = ["rank", "checkpoint", "strength (95% CI)", "wins over the others"]
    rows = [
        [str(rank), _e(row["label"]), f"{number(row['strength'], True)} {ci_text(row['ci'])}", percent(row["win_rate"])]
        for rank, row in enumerate(board["rows"], start=1)
    ]
    note = (
        f"<p>On each of the {board['prompts']} prompts every checkpoint answered, the reward model's score decides "
        "every pair of checkpoints (a tie is half a win); Bradley-Terry strengths are fitted to all the wins at once, "
        f"with a {board['bootstrap']}-sample bootstrap over prompts. This is what the reward model prefers, which can "
        "be exploited: read it beside the gate and the safety metrics, never instead of them.</p>"
    )
    return note + _table(header, rows) + _image(leaderboard_plot(board), "leaderboard")


def render_overview_html(comparisons: list[Comparison], leaderboard: dict[str, Any] | None = None) -> str:
    """Several checkpoints against one baseline on one page: the gate, the reward leaderboard, every metric side by
    side, then each comparison."""
    baseline = comparisons[0].summary["a"]["label"]
    labels = [c.summary["b"]["label"] for c in comparisons]
    rows_by_metric = [{r["metric"]: r for r in c.summary["metrics"]} for c in comparisons]
    header = ["family", "metric", "better if", _e(baseline)]
    for label in labels:
        header += [_e(label), "B - A (95% CI)", "verdict"]
    rows = []
    for row in comparisons[0].summary["metrics"]:
        cells = [_e(row["family"]), _e(row["metric"]), _e(row["direction"]), number(row["mean_a"])]
        for by_metric in rows_by_metric:
            other = by_metric.get(row["metric"])
            if other is None:
                cells += ["", "", ""]
                continue
            verdict = other["verdict"]
            cells += [
                number(other["mean_b"]),
                f"{number(other['difference'], True)} {ci_text(other['ci'])}",
                f"<span class='{verdict if ' ' not in verdict else ''}'>{_e(verdict)}</span>",
            ]
        rows.append(cells)
    regressions = [
        f"<li><b>{_e(c.summary['b']['label'])}</b>: <span class='worse'>worse</span>: {_e(change_sentence(r))}</li>"
        for c in comparisons
        for r in c.summary["regressions"]
    ]
    checkpoints = []
    if all(c.summary.get("gate") for c in comparisons):
        checkpoints = [(f"{baseline} (baseline)", comparisons[0].summary["gate"]["a"])]
        checkpoints += [(c.summary["b"]["label"], c.summary["gate"]["b"]) for c in comparisons]
    headline = gate_headline(checkpoints) if checkpoints else "The release gate was not checked."
    policy = comparisons[0].summary.get("gate", {}).get("policy", "none")
    candidates_pass = bool(checkpoints) and all(gate["passed"] for _, gate in checkpoints[1:])
    calm = (
        "None: no safety or toxicity metric is clearly worse for any checkpoint."
        if candidates_pass
        else "None clearly worse than the baseline, which is not good news: a checkpoint FAILS the release gate above."
    )
    parts = [
        f"<h1>{_e(', '.join(labels))} against {_e(baseline)}</h1>",
        _gate_html(checkpoints, headline, policy, "h2"),
        "<h2>Leaderboard (the reward model's pairwise preferences)</h2>",
        _leaderboard_html(leaderboard),
        "<h2>Against the baseline (relative)</h2>",
        "<p>Each checkpoint is compared with the baseline on the same prompts and seed. Differences are checkpoint "
        "minus baseline, with 95% paired bootstrap CIs; a verdict needs a Holm-adjusted Wilcoxon p &lt; "
        f"{comparisons[0].summary['method']['alpha']} and a CI excluding 0. Each full comparison follows.</p>",
        "<h2>Safety and toxicity regressions</h2>",
        f"<div class='alarm'><ul>{''.join(regressions)}</ul></div>"
        if regressions
        else f"<div class='{'calm' if candidates_pass else 'alarm'}'>{_e(calm)}</div>",
        "<h2>Every metric</h2>",
        _table(header, rows),
    ]
    for comparison in comparisons:
        parts.append("<hr>")
        parts.extend(comparison_sections(comparison, heading="h2"))
    return _page(f"{', '.join(labels)} against {baseline}", parts)


def comparison_sections(comparison: Comparison, heading: str = "h1") -> list[str]:
    """The body of one comparison's report, its title in ``heading``."""
    s = comparison.summary
    a, b = s["a"], s["b"]
    gate = s.get("gate") or {}
    sub = "h3" if heading == "h2" else "h2"
    parts = [
        f"<{heading}>{_e(b['label'])} (B) against {_e(a['label'])} (A)</{heading}>",
        _gate_html(
            gate_checkpoints(s),
            gate.get("headline", "The release gate was not checked: this comparison predates it."),
            gate.get("policy", "none"),
            sub,
        ),
        f"<{sub}>Against the baseline (relative)</{sub}>",
        f"<p>A: {_e(a['eval'])}<br>B: {_e(b['eval'])}<br>{s['paired_prompts']} prompts paired. Differences are "
        f"B - A with 95% paired bootstrap CIs; Wilcoxon signed-rank p-values, Holm-adjusted across "
        f"{len(s['metrics'])} metrics. A verdict needs Holm p &lt; {s['method']['alpha']} and a CI excluding 0.</p>",
    ]
    if s["setting_differences"]:
        items = "".join(f"<li>{_e(d)}</li>" for d in s["setting_differences"])
        parts.append(f"<div class='alarm'><b>The two evals differ in more than the model:</b><ul>{items}</ul></div>")
    parts.append("<h2>Safety and toxicity regressions</h2>")
    if s["regressions"]:
        items = "".join(
            f"<li><span class='worse'>worse</span>: {_e(change_sentence(r))}</li>" for r in s["regressions"]
        )
        parts.append(f"<div class='alarm'><ul>{items}</ul></div>")
    else:
        text, good_news = no_regression_text(s)
        parts.append(f"<div class='{'calm' if good_news else 'alarm'}'>{_e(text)}</div>")
    others = [r for r in s["headline"] if r not in s["regressions"]]
    items = "".join(
        f"<li><span class='{r['verdict']}'>{r['verdict']}</span>: {_e(change_sentence(r))}</li>" for r in others
    )
    parts.append(f"<h2>Other clear changes</h2><ul>{items or '<li>None.</li>'}</ul>")
    if s.get("slices"):
        header, rows = slice_table(s["slices"])
        parts.append(
            f"<h2>Slices</h2><p>{_e(SLICE_NOTE)}</p>"
            + _table([_e(h) for h in header], [[_e(cell) for cell in row] for row in rows])
        )
    parts.append("<h2>All metrics</h2>" + _image(forest_plot(comparison), "forest plot of per-metric differences"))
    parts.append(
        _table(
            ["family", "metric", "better if", "A", "B", "B - A", "95% CI", "p", "Holm p", "verdict"],
            [
                [
                    _e(r["family"]),
                    f"<span title='{_e(r['meaning'])}'>{_e(r['metric'])}</span>",
                    _e(r["direction"]),
                    number(r["mean_a"]),
                    number(r["mean_b"]),
                    number(r["difference"], True),
                    ci_text(r["ci"]),
                    _e(p_value(r["p_value"])),
                    _e(p_value(r["p_holm"])),
                    f"<span class='{r['verdict'] if ' ' not in r['verdict'] else ''}'>{_e(r['verdict'])}</span>",
                ]
                for r in s["metrics"]
            ],
        )  # fmt: skip
    )
    parts.append(_image(distribution_plot(comparison), "per-prompt distributions"))
    win = s["reward_win_rate"]
    if win:
        parts.append(
            "<h2>Reward win rate of B over A</h2>"
            + _table(
                ["wins / ties / losses", "win rate", "95% CI", "length-controlled", "95% CI", "B longer by"],
                [
                    [
                        f"{win['wins']} / {win['ties']} / {win['losses']}",
                        f"{win['win_rate']:.3f}",
                        ci_text(win["win_rate_ci"], False),
                        f"{win['length_controlled_win_rate']:.3f}",
                        ci_text(win["length_controlled_ci"], False),
                        f"{win['mean_length_difference']:+.1f} words",
                    ]
                ],
            )  # fmt: skip
            + "<p>Length-controlled: a logistic regression of B's win on the length difference; the rate is its "
            "prediction at equal length.</p>"
            + _image(length_plot(comparison), "reward difference against length difference")
        )
    parts.append(
        "<h2>Set-level aggregates (no test)</h2>"
        + _table(["aggregate", "A", "B"], [[_e(k), number(v["a"]), number(v["b"])] for k, v in s["aggregates"].items()])
    )
    if s.get("human"):
        parts.append("<h2>Human A/B</h2>" + _human_html(s["human"]))
    parts.append("<h2>Examples</h2>")
    for e in s["examples"]:
        parts.append(
            f"<h3>{_e(e['prompt_id'])}: {_e(e['why'])}</h3><p><b>Client:</b> {_e(client_turn(e['prompt']))}</p>"
            f"<div class='pair'><div><b>A</b><div class='reply'>{_e(e['reply_a'])}</div></div>"
            f"<div><b>B</b><div class='reply'>{_e(e['reply_b'])}</div></div></div>"
        )
    return parts


def _human_html(human: dict[str, Any]) -> str:
    strengths, outcomes, note = human_tables(human)
    out = _table(["model", "Bradley-Terry strength", "95% CI"], [[_e(c) for c in row] for row in strengths])
    if outcomes:
        out += _table(["outcome", "value"], [[_e(c) for c in row] for row in outcomes])
    return out + (f"<p>{_e(note)}</p>" if note else "")
