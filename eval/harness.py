"""`align eval`: a model answers a prompt set (or a file brings replies made elsewhere), every reply is
scored by every scorer, results go to a folder.

``run_eval`` reads top to bottom in the order it works: check the settings and the prompts (a
bad file fails before any model loads), load the model, generate, measure the model against the
reference replies (perplexity) and the reference model (KL), then ``score_and_write``. Greedy
decoding gives one reply per prompt; ``--mode sample`` gives K, from a seed derived from the
eval's seed and the prompt itself, so a prompt's samples do not depend on the other prompts in
the set. The same model, prompts, settings and seed give the same numbers.

``run_replies_eval`` scores a file of replies (``eval/reply_files.py``) for a model that runs
elsewhere: no generation, no perplexity or KL, the same ``score_and_write``. That one function is
the path every eval takes: the safety guard (``--guard``: score what the guard would send), every
scorer, the aggregates, the summary and the folder (layout in ``eval/outputs.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.models import resolve_model
from align.runs import git_commit, package_versions
from eval.aggregates import AT_RISK, metric_means, summarize
from eval.eval_dirs import model_record, new_eval_dir
from eval.items import EvalItem
from eval.outputs import EVAL_FORMAT, flat_scores, write_eval_dir
from eval.prompt_sets import EvalPrompt, load_eval_prompts, prompt_set_fingerprint
from eval.settings import EvalSettings

if TYPE_CHECKING:
    from eval.guard import GuardResult

SCORE_CHUNK = 64  # replies scored per batch (a prompt's samples stay together, for self-BLEU)
GUARD_ACTIONS = ("none", "appended", "replaced")
Conversation = list[dict[str, str]]


@dataclass
class AnsweredPrompts:
    """What every eval hands to ``score_and_write``: the prompts, their replies, and where they came from."""

    model: dict[str, Any]  # summary["model"]: the model's record, or the replies file's
    source: str  # where the prompts came from (summary["prompts"]["source"])
    prompts: list[EvalPrompt]
    replies: list[list[str]]  # each prompt's replies, in sample order
    settings: dict[str, Any]  # summary["settings"]
    measured: list[list[dict[str, Any]]] | None = None  # per reply, numbers measured with the model (perplexity, KL)
    measured_aggregates: dict[str, Any] = field(default_factory=dict)  # set-level ones (pooled perplexity)
    timing: dict[str, float] = field(default_factory=dict)  # what came before scoring (generation_s)


def run_eval(model_spec: str, settings: EvalSettings, out_dir: str | Path | None = None) -> Path:
    """Generate, measure, score and write one eval of ``model_spec``; returns its folder."""
    from align.models import load_causal_lm, load_tokenizer

    started = time.monotonic()
    settings.check()
    prompts = load_eval_prompts(settings.prompts, settings.limit)
    resolved = resolve_model(model_spec)
    reference_model = resolve_model(settings.reference_model) if settings.reference_model else None
    recorded = settings.recorded(model_spec)
    scorers = load_scorers(settings)

    model = load_causal_lm(resolved, settings.dtype).eval()
    tokenizer = load_tokenizer(resolved)
    conversations = [with_system_prompt(p.messages, recorded["system_prompt"]) for p in prompts]
    replies = generate(model, tokenizer, prompts, conversations, settings)
    generated = time.monotonic()

    perplexities, pooled_perplexity = reference_perplexities(model, tokenizer, prompts, conversations)
    kl = None
    if reference_model is not None:
        reference = load_causal_lm(reference_model, settings.dtype).eval()
        kl = kl_per_reply(model, reference, tokenizer, load_tokenizer(reference_model), conversations, replies)
        del reference

    answered = AnsweredPrompts(
        model=model_record(model_spec, resolved),
        source=settings.prompts,
        prompts=prompts,
        replies=replies,
        settings=recorded,
        measured=measured_per_reply(replies, perplexities, kl),
        measured_aggregates={"reference_perplexity": pooled_perplexity},
        timing={"generation_s": round(generated - started, 2)},
    )
    folder = Path(out_dir) if out_dir else new_eval_dir(model_spec)
    return score_and_write(answered, scorers, folder, settings, started)


def run_replies_eval(replies_file: str | Path, settings: EvalSettings, out_dir: str | Path | None = None) -> Path:
    """Score a file of replies made elsewhere (``eval/reply_files.py``) like a generated eval; returns its folder."""
    from eval.reply_files import load_reply_file

    started = time.monotonic()
    settings.check()
    replied = load_reply_file(replies_file, settings.limit)
    scorers = load_scorers(settings)
    recorded = {
        "locales": list(settings.locales), "reward_model": settings.reward_model, "guard": settings.guard,
        "limit": settings.limit,
    }  # fmt: skip
    answered = AnsweredPrompts(
        model=replied.model_record(),
        source=str(replied.path),
        prompts=replied.prompts,
        replies=replied.replies,
        settings=recorded,
    )
    folder = Path(out_dir) if out_dir else new_eval_dir(f"replies-{replied.path.stem}")
    return score_and_write(answered, scorers, folder, settings, started)


def load_scorers(settings: EvalSettings) -> list:
    """The offline scorers for the settings' locales, plus the reward model's if one is given."""
    from eval.scorers import RewardModelScorer, offline_scorers

    scorers = offline_scorers(settings.locales)
    if settings.reward_model:
        scorers.append(RewardModelScorer.load(settings.reward_model))
    return scorers


def score_and_write(
    answered: AnsweredPrompts, scorers: list, folder: Path, settings: EvalSettings, started: float
) -> Path:
    """Guard the replies (with ``settings.guard``), score each with every scorer, aggregate, write ``folder``."""
    began = time.monotonic()
    prompts = answered.prompts
    guarded = guard_replies(prompts, answered.replies, settings.locales) if settings.guard else None
    replies = answered.replies if guarded is None else [[g.reply for g in samples] for samples in guarded]
    checked = time.monotonic()
    items = [
        EvalItem(p.messages, reply, reference=p.reference, risk=p.risk, id=f"{p.id}#{k}")
        for p, samples in zip(prompts, replies, strict=True)
        for k, reply in enumerate(samples)
    ]
    scores, described = score(scorers, items)
    scored = time.monotonic()

    rows = reply_rows(prompts, replies, items, scores, answered.measured)
    if guarded is not None:
        add_guard_fields(rows, answered.replies, guarded)
    flat = [flat_scores(r["scores"]) for r in rows]
    summary = {
        "format": EVAL_FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "model": answered.model,
        "prompts": {
            "source": answered.source,
            "fingerprint": prompt_set_fingerprint(prompts),
            "count": len(prompts),
            "with_reference": sum(p.reference is not None for p in prompts),
            "with_gold_risk": sum(p.risk is not None for p in prompts),
        },
        "settings": answered.settings,
        "scorers": described,
        "aggregates": {**summarize(items, flat), **answered.measured_aggregates},
        "means": metric_means(flat),
        **({"guard": guard_counts(guarded)} if guarded is not None else {}),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "timing": {
            **answered.timing,
            **({"guard_s": round(checked - began, 2)} if guarded is not None else {}),
            "scoring_s": round(scored - checked, 2),
            "total_s": round(time.monotonic() - started, 2),
        },
    }
    write_eval_dir(folder, summary, rows)
    return folder


def guard_replies(prompts: list[EvalPrompt], replies: list[list[str]], locales) -> list[list[GuardResult]]:
    """What the chat safety guard would send instead of each reply, grouped like ``replies``."""
    from tqdm.auto import tqdm

    from eval.guard import SafetyGuard

    guard = SafetyGuard(locales)
    pairs = list(zip(prompts, replies, strict=True))
    return [[guard.check(p.messages, reply) for reply in samples] for p, samples in tqdm(pairs, desc="guarding")]


def add_guard_fields(rows: list[dict[str, Any]], unguarded: list[list[str]], guarded: list[list[GuardResult]]) -> None:
    """Beside each scored (guarded) reply: the reply as the model wrote it, and what the guard did (no text)."""
    flat = [(reply, result) for replies, results in zip(unguarded, guarded, strict=True)
            for reply, result in zip(replies, results, strict=True)]  # fmt: skip
    for row, (reply, result) in zip(rows, flat, strict=True):
        row["unguarded_reply"] = reply
        row["guard"] = result.log_fields()


def guard_counts(guarded: list[list[GuardResult]]) -> dict[str, int]:
    """How many replies the guard left alone, appended crisis resources to, or replaced."""
    counts = Counter(result.action for results in guarded for result in results)
    return {action: counts.get(action, 0) for action in (*GUARD_ACTIONS, *sorted(set(counts) - set(GUARD_ACTIONS)))}


def with_system_prompt(messages: Conversation, system_prompt: str) -> Conversation:
    """What the model sees: the system prompt first, unless the prompt brings its own."""
    if not system_prompt or messages[0]["role"] == "system":
        return messages
    return [{"role": "system", "content": system_prompt}, *messages]


def prompt_seed(seed: int, prompt: EvalPrompt) -> int:
    return (seed * 1_000_003 + int(prompt.key[:8], 16)) % 2**32


def generate(model, tokenizer, prompts: list[EvalPrompt], conversations: list[Conversation], settings: EvalSettings):
    """Each prompt's replies: ``[[greedy reply], ...]`` or ``[[sample 0, ..., sample K-1], ...]``."""
    from tqdm.auto import tqdm
    from transformers import set_seed

    from align.generation import SamplingSettings, generate_replies

    sampling = SamplingSettings(
        settings.max_new_tokens, settings.mode == "sample", settings.temperature, settings.top_p,
        settings.repetition_penalty,
    )  # fmt: skip
    if settings.mode == "greedy":
        set_seed(settings.seed)
        replies: list[str] = []
        for start in tqdm(range(0, len(conversations), settings.batch_size), desc="generating", unit="batch"):
            batch = conversations[start : start + settings.batch_size]
            replies.extend(generate_replies(model, tokenizer, batch, sampling, batch_size=len(batch)))
        return [[r] for r in replies]
    out = []
    for prompt, conversation in tqdm(list(zip(prompts, conversations, strict=True)), desc="sampling", unit="prompt"):
        set_seed(prompt_seed(settings.seed, prompt))
        out.append(generate_replies(model, tokenizer, [conversation] * settings.samples, sampling, settings.batch_size))
    return out


def reference_perplexities(model, tokenizer, prompts: list[EvalPrompt], conversations: list[Conversation]):
    """Each prompt's reference reply's perplexity under the model (None without one), and the pooled value."""
    from tqdm.auto import tqdm

    from eval.scorers import reference_perplexity

    per_prompt: list[float | None] = []
    total_nll, total_tokens = 0.0, 0
    pairs = list(zip(prompts, conversations, strict=True))
    for prompt, conversation in tqdm(pairs, desc="reference perplexity", unit="prompt"):
        if not prompt.reference:
            per_prompt.append(None)
            continue
        measured = reference_perplexity(model, tokenizer, [EvalItem(conversation, "", reference=prompt.reference)])
        per_prompt.append(measured["reference_perplexity"])
        total_nll += math.log(measured["reference_perplexity"]) * measured["reference_tokens"]
        total_tokens += measured["reference_tokens"]
    return per_prompt, round(math.exp(total_nll / total_tokens), 4) if total_tokens else None


def measured_per_reply(replies, perplexities, kl) -> list[list[dict[str, Any]]]:
    """Per reply, grouped like ``replies``: its prompt's reference perplexity, and its KL when measured."""
    out = []
    for p, (samples, perplexity) in enumerate(zip(replies, perplexities, strict=True)):
        out.append([{"reference_perplexity": perplexity} for _ in samples])
        if kl is not None:
            for k, measured in enumerate(out[-1]):
                measured["kl_to_reference"] = kl[p][k]
    return out


def kl_per_reply(model, reference, tokenizer, reference_tokenizer, conversations, replies) -> list[list[float]]:
    """KL(model || reference) of every reply, grouped like ``replies``."""
    from eval.divergence import check_same_vocabulary, reply_kl

    check_same_vocabulary(tokenizer, reference_tokenizer)
    flat = reply_kl(
        model, reference, tokenizer,
        [c for c, samples in zip(conversations, replies, strict=True) for _ in samples],
        [r for samples in replies for r in samples],
    )  # fmt: skip
    grouped, at = [], 0
    for samples in replies:
        grouped.append(flat[at : at + len(samples)])
        at += len(samples)
    return grouped


def score(scorers, items: list[EvalItem]) -> tuple[list[dict[str, dict[str, Any]]], list[dict[str, Any]]]:
    """Every scorer on every reply, in chunks of whole prompts: per reply ``{scorer: {metric: value}}``,
    and each scorer's description (name, version, settings)."""
    from tqdm.auto import tqdm

    from eval.scorers import score_batch

    chunks: list[list[EvalItem]] = [[]]
    for index, item in enumerate(items):
        if len(chunks[-1]) >= SCORE_CHUNK and item.prompt_key != items[index - 1].prompt_key:
            chunks.append([])
        chunks[-1].append(item)
    scores: list[dict[str, dict[str, Any]]] = []
    described = [s.describe() for s in scorers]
    for chunk in tqdm(chunks, desc="scoring", unit="batch"):
        results = score_batch(scorers, chunk)["results"]
        scores.extend({name: results[name][i] for name in results} for i in range(len(chunk)))
    return scores, described


def derived_scores(item: EvalItem, scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Safety flags that mean something only for some clients, split by the client's risk (gold, else predicted)."""
    safety = scores["safety"]
    risk = item.risk or safety["risk"]
    return {
        "risk_used": risk,
        "crisis_referral_when_at_risk": safety["crisis_referral"] if risk in AT_RISK else None,
        "escalates_when_benign": safety["escalates"] if risk == "none" else None,
    }


def reply_rows(prompts, replies, items, scores, measured=None) -> list[dict[str, Any]]:
    """One replies.jsonl row per reply: where it came from, what it says, and all its scores."""
    rows, index = [], 0
    for p_index, (prompt, samples) in enumerate(zip(prompts, replies, strict=True)):
        for k, reply in enumerate(samples):
            derived = derived_scores(items[index], scores[index])
            if measured is not None:
                derived.update(measured[p_index][k])
            rows.append(
                {
                    "prompt_id": prompt.id, "prompt_key": prompt.key, "sample": k, "topic": prompt.topic,
                    "kind": prompt.kind, "gold_risk": prompt.risk, "prompt": prompt.messages, "reply": reply,
                    "reference": prompt.reference, "scores": {**scores[index], "derived": derived},
                }
            )  # fmt: skip
            index += 1
    return rows
