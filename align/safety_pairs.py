"""Safety preference pairs for DPO and KTO: the policy's own unsafe replies to at-risk clients, rejected.

Therapists rank what they are shown; few rankings contain the reply that agrees with a suicide
plan, so preference training alone never learns to avoid it. These pairs teach it on-policy:

1. **prompts**: the at-risk conversations (gold risk moderate or high) of a *training* source,
   answered at their last client turn. Eval sets are refused: by name in the config, and by
   content (``eval.contamination``) when a file copies an eval prompt;
2. **rejected**: the policy's own sampled replies that the safety scorer flags unsafe (or, with
   ``reject: unsafe_or_no_referral``, that also fail to give crisis resources and invite help);
3. **chosen**: the conversation's own counselor reply when the scorer finds it safe with a crisis
   referral; else that reply with the resources it lacks appended, as the chat guard does; else
   (an unsafe reference) the guard's project-written safe reply;
4. **mixed** with the therapists' data: a prompt the therapists ranked keeps only their pairs,
   and at most ``ratio`` x the therapists' pair count (KTO: example count) are added, spread
   evenly over prompts; KTO takes each pair as a desirable and an undesirable example.

Every pair carries ``synthetic: true`` and ``origin: "safety_pairs"``; the run writes them to
``safety_pairs.jsonl`` and records their counts and source in ``run.json``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any, Literal

from align.schema import EVAL_SETS, DataError

log = logging.getLogger(__name__)

ORIGIN = "safety_pairs"
BATCH_SIZE = 8  # sampled replies per generation batch


@dataclass
class SafetyPairsSection:
    """Build safety preference pairs from the policy's own unsafe replies (off unless enabled)."""

    enabled: bool = False
    prompts: str = "sample:train"  # counseling conversations (a training source); their at-risk ones are used
    ratio: float = 0.5  # at most ratio x the therapists' training pairs are added
    samples_per_prompt: int = 4  # replies sampled from the policy for each at-risk prompt
    max_prompts: int | None = None  # the first N at-risk prompts only (quick runs)
    reject: Literal["unsafe", "unsafe_or_no_referral"] = "unsafe"
    max_new_tokens: int = 96
    temperature: float = 1.0
    locales: list[str] = field(default_factory=lambda: ["US", "UK"])  # whose crisis resources chosen replies give

    def validate(self) -> list[str]:
        problems = []
        if self.prompts in EVAL_SETS:
            problems.append(
                f"prompts: {self.prompts} is an eval set; safety pairs are built from training conversations "
                f"only (e.g. sample:train or your own file)"
            )
        else:
            from sft.data import conversation_source_problems

            problems += conversation_source_problems("prompts", self.prompts)
        if self.ratio <= 0:
            problems.append(f"ratio: must be > 0 (set enabled: false to add none), found {self.ratio}")
        for name in ("samples_per_prompt", "max_new_tokens"):
            if getattr(self, name) < 1:
                problems.append(f"{name}: must be >= 1, found {getattr(self, name)}")
        if self.max_prompts is not None and self.max_prompts < 1:
            problems.append(f"max_prompts: must be >= 1 (or null for all), found {self.max_prompts}")
        if self.temperature <= 0:
            problems.append(f"temperature: must be > 0 (replies are sampled), found {self.temperature}")
        from eval.scorers.safety import CRISIS_RESOURCES

        if unknown := [loc for loc in self.locales if loc not in CRISIS_RESOURCES]:
            problems.append(f"locales: unknown {unknown}; known: {sorted(CRISIS_RESOURCES)}")
        return problems


@dataclass
class SafetyPairs:
    """The pairs built, and what happened on the way (for the log, metrics and provenance)."""

    pairs: list[dict[str, Any]]
    counts: dict[str, Any]


def at_risk_prompts(section: SafetyPairsSection) -> list[dict[str, Any]]:
    """``{"id", "prompt", "reference", "risk"}`` for each at-risk conversation of the source, eval prompts refused."""
    from eval.contamination import EvalPromptIndex
    from eval.scorers.safety import AT_RISK
    from sft.data import reply_prompts

    if section.prompts in EVAL_SETS:  # also checked by validate(); here for callers that skip it
        raise DataError(section.prompts, ["an eval set: safety pairs are built from training conversations only"])
    prompts = [p for p in reply_prompts(section.prompts) if p["risk"] in AT_RISK]
    if not prompts:
        raise DataError(section.prompts, ["no at-risk conversations (risk: moderate or high) to build pairs from"])
    index = EvalPromptIndex.of(EVAL_SETS)
    copies = index.matches((f"conversation {p['id']}", p["prompt"]) for p in prompts)
    if copies:
        hint = "eval prompts are never trained on; remove these conversations from the prompts source"
        raise DataError(section.prompts, [*copies, hint])
    return prompts[: section.max_prompts]


def sample_replies(model, tokenizer, prompts, section: SafetyPairsSection, system_prompt: str) -> list[list[str]]:
    """``samples_per_prompt`` sampled replies of the policy to each prompt, as it will see them in training."""
    from tqdm.auto import tqdm

    from align.generation import SamplingSettings, generate_replies
    from sft.data import with_system_prompt

    settings = SamplingSettings(max_new_tokens=section.max_new_tokens, do_sample=True, temperature=section.temperature)
    k = section.samples_per_prompt
    per_batch = max(1, BATCH_SIZE // k)  # whole prompts per generation batch
    replies: list[list[str]] = []
    with tqdm(total=len(prompts), desc="Sampling replies to at-risk prompts", unit="prompt") as progress:
        for start in range(0, len(prompts), per_batch):
            chunk = prompts[start : start + per_batch]
            conversations = [
                with_system_prompt({"messages": p["prompt"]}, system_prompt) for p in chunk for _ in range(k)
            ]
            flat = generate_replies(model, tokenizer, conversations, settings, batch_size=len(conversations))
            replies.extend(flat[i * k : (i + 1) * k] for i in range(len(chunk)))
            progress.update(len(chunk))
    return replies


def chosen_reply(prompt: dict[str, Any], locales: list[str], verdict: dict[str, Any]) -> tuple[str, str]:
    """The safe reply to prefer and where it came from: ``reference``, ``reference+resources`` or ``project``."""
    from eval.guard import NOTES, safe_reply, situation

    needed = situation(prompt["prompt"], prompt["risk"], verdict["risk_floor"])
    if verdict["unsafe"]:  # a training reply the scorer finds unsafe is never preferred
        return safe_reply(locales, needed), "project"
    if verdict["crisis_referral"]:
        return prompt["reference"], "reference"
    return f"{prompt['reference'].rstrip()}\n\n{NOTES[needed](locales)}", "reference+resources"


def build_safety_pairs(model, tokenizer, section: SafetyPairsSection, system_prompt: str) -> SafetyPairs:
    """Sample the policy on the at-risk training prompts and pair each flagged reply with a safe one."""
    from eval.items import EvalItem
    from eval.scorers.safety import SafetyScorer

    prompts = at_risk_prompts(section)
    scorer = SafetyScorer(locales=section.locales)
    sampled = sample_replies(model, tokenizer, prompts, section, system_prompt)

    def judge(replies: list[tuple[dict[str, Any], str]]) -> list[dict[str, Any]]:
        items = [EvalItem(prompt=p["prompt"], reply=r, risk=p["risk"]) for p, r in replies]
        return scorer.score(items)

    references = judge([(p, p["reference"]) for p in prompts])
    verdicts = judge([(p, r) for p, replies in zip(prompts, sampled, strict=True) for r in replies])
    pairs, categories, chosen_from = [], {}, {}
    for i, (prompt, reference_verdict) in enumerate(zip(prompts, references, strict=True)):
        chosen, source = chosen_reply(prompt, section.locales, reference_verdict)
        k = section.samples_per_prompt
        for reply, verdict in zip(sampled[i], verdicts[i * k : (i + 1) * k], strict=True):
            if not is_rejected(verdict, section.reject) or not reply.strip() or reply.strip() == chosen.strip():
                continue
            category = verdict["reply_category"] if verdict["unsafe"] else "no_crisis_referral"
            categories[category] = categories.get(category, 0) + 1
            chosen_from[source] = chosen_from.get(source, 0) + 1
            pairs.append(
                {
                    "prompt": prompt["prompt"],
                    "chosen": [{"role": "assistant", "content": chosen}],
                    "rejected": [{"role": "assistant", "content": reply}],
                    "weight": 1.0,
                    "margin": 0.0,
                    "prompt_id": prompt["id"],
                    "synthetic": True,
                    "origin": ORIGIN,
                    "rejected_category": category,
                    "chosen_from": source,
                }
            )
    counts = {
        "at_risk_prompts": len(prompts),
        "sampled_replies": sum(len(r) for r in sampled),
        "rejected_replies": len(pairs),
        "rejected_by_category": dict(sorted(categories.items())),
        "chosen_from": dict(sorted(chosen_from.items())),
    }
    return SafetyPairs(pairs, counts)


def is_rejected(verdict: dict[str, Any], rule: str) -> bool:
    if verdict["unsafe"]:
        return True
    return rule == "unsafe_or_no_referral" and not verdict["crisis_referral"]


def prompt_key(prompt: list[dict[str, str]]) -> str:
    """Pairs on the same client conversation share this key, whatever system prompt they were stored with."""
    return json.dumps([m for m in prompt if m["role"] != "system"], sort_keys=True)


def select_for_mixing(
    therapist_rows: list[dict[str, Any]], built: SafetyPairs, ratio: float
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """At most ``ratio`` x ``len(therapist_rows)`` safety pairs, none on a prompt the therapists ranked.

    They are taken round-robin over prompts (first reply of each prompt, then the second...), so a
    cap spreads them over as many clients as it can.
    """
    ranked = {prompt_key(p["prompt"]) for p in therapist_rows}
    unranked = [p for p in built.pairs if prompt_key(p["prompt"]) not in ranked]
    by_prompt: dict[str, list[dict[str, Any]]] = {}
    for pair in unranked:
        by_prompt.setdefault(prompt_key(pair["prompt"]), []).append(pair)
    spread = [p for turn in zip_longest(*by_prompt.values()) for p in turn if p is not None]
    cap = max(1, round(ratio * len(therapist_rows)))
    added = spread[:cap]
    counts = {
        **built.counts,
        "on_ranked_prompts_dropped": len(built.pairs) - len(unranked),
        "cap": cap,
        "added": len(added),
        "therapist_rows": len(therapist_rows),
        "prompts_with_pairs": len({prompt_key(p["prompt"]) for p in added}),
    }
    return added, counts


def add_safety_pairs(
    section: SafetyPairsSection, model, tokenizer, system_prompt: str, therapist_rows, generator: str, run_path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Build, select and save the safety pairs of a run: ``(pairs to add, the run's provenance entry)``.

    Every process of a multi-process run builds the same pairs (same seed, same model); the caller
    writes provenance from the main process only.
    """
    built = build_safety_pairs(model, tokenizer, section, system_prompt)
    added, counts = select_for_mixing(therapist_rows, built, section.ratio)
    if not added:
        log.warning(
            "safety pairs: none added: %d of %d sampled replies were rejected (reject: %s)%s",
            counts["rejected_replies"],
            counts["sampled_replies"],
            section.reject,
            "" if counts["rejected_replies"] else "; the policy wrote no reply the safety scorer flags",
        )
    log.info("%s", summary_line(counts))
    write_pairs(run_path / "safety_pairs.jsonl", added)
    return added, provenance(section, counts, generator)


def as_kto_rows(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Safety pairs as KTO examples: each chosen reply desirable (once per prompt), each rejected one not."""
    rows, seen = [], set()
    for pair in pairs:
        for reply, label in ((pair["chosen"], True), (pair["rejected"], False)):
            key = (prompt_key(pair["prompt"]), reply[0]["content"])
            if key not in seen:
                seen.add(key)
                extra = {k: pair[k] for k in ("synthetic", "origin", "rejected_category", "chosen_from")}
                rows.append(
                    {"prompt": pair["prompt"], "completion": reply, "label": label, "prompt_id": pair["prompt_id"]}
                    | extra
                )
    return rows


def provenance(section: SafetyPairsSection, counts: dict[str, Any], generator: str) -> dict[str, Any]:
    """What ``run.json`` records under ``data.safety_pairs``: the source file's hash, the rules and the counts."""
    from align.runs import file_fingerprint

    return {
        "synthetic": True,
        "prompts": file_fingerprint(section.prompts),
        "generator": generator,
        "reject": section.reject,
        "ratio": section.ratio,
        "samples_per_prompt": section.samples_per_prompt,
        "file": "safety_pairs.jsonl",
        **counts,
    }


def write_pairs(path, pairs: list[dict[str, Any]]) -> None:
    """The added pairs, one JSON object a line, written whole or not at all."""
    tmp = path.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
    tmp.replace(path)


def summary_line(counts: dict[str, Any]) -> str:
    """One line for the log, the highlights and the model card (counts only: no client text)."""
    flagged = ", ".join(f"{n} {c}" for c, n in counts["rejected_by_category"].items()) or "none"
    return (
        f"safety pairs (synthetic): {counts['added']} added to {counts['therapist_rows']} from therapists "
        f"(cap {counts['cap']}), from {counts['rejected_replies']} of {counts['sampled_replies']} sampled replies "
        f"rejected on {counts['at_risk_prompts']} at-risk prompts ({flagged}); "
        f"{counts['on_ranked_prompts_dropped']} left out where therapists ranked the prompt"
    )
