"""`align generate`: sample candidate replies per client message into the preference store.

Prompts come from any conversation source the SFT loaders read (``sample:validation``, a JSONL /
CSV / Parquet file, ``hub:NAME``): each conversation up to its last client message is a
prompt (a final counselor reply, if present, is dropped: that is what the model writes).
Rankings become training data, so the eval sets (``align.schema.EVAL_SETS``) are refused
(``ranking_prompts``); the release gate later checks the trained runs' prompts by content too.
Each candidate keeps its provenance: checkpoint, sampling settings, seed, sample index.
Re-running skips prompts that already have candidates from that model and seed, so nothing
is duplicated; another ``--seed`` adds more.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from align.generation import SamplingSettings, generate_replies
from align.schema import EVAL_SETS, DataError
from annotate.store import RankingStore
from sft.data import load_conversations, with_system_prompt

log = logging.getLogger(__name__)


def prompts_from_source(source: str) -> list[dict[str, Any]]:
    """Conversations ending on the client's message, with stable ids for the store."""
    prompts = []
    for row in load_conversations(source):
        messages = row["messages"]
        last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
        prompts.append({**row, "messages": messages[: last_user + 1]})
    return prompts


def ranking_prompts(source: str) -> list[dict[str, Any]]:
    """``prompts_from_source`` for ranking: an eval set's prompts are graded, never ranked and trained on."""
    if source in EVAL_SETS:
        hint = "an eval set (align eval and align compare grade on it): rank sample:validation or your own prompts"
        raise DataError(source, [hint])
    return prompts_from_source(source)


def generate_candidates(
    store: RankingStore,
    model_spec: str,
    prompts: list[dict[str, Any]],
    n: int,
    settings: SamplingSettings,
    seed: int = 0,
    system_prompt: str = "",
    batch_size: int = 8,
) -> dict[str, int]:
    """Add ``n`` sampled candidates from one model to every prompt that lacks them; return counts."""
    from tqdm.auto import tqdm
    from transformers import set_seed

    from align.models import load_causal_lm, load_tokenizer, resolve_model

    resolved = resolve_model(model_spec)
    source = resolved.spec
    prompt_ids = [store.add_prompt(p["id"], p["messages"], topic=p.get("topic"), risk=p.get("risk")) for p in prompts]
    # A prompt that already has candidates from this model and seed is done: re-running adds nothing
    # (use another --seed for more candidates).
    todo = [
        (pid, p) for pid, p in zip(prompt_ids, prompts, strict=True) if store.candidate_count(pid, source, seed) == 0
    ]
    if not todo:
        return {"prompts": len(prompts), "generated": 0}

    model = load_causal_lm(resolved).eval()
    tokenizer = load_tokenizer(resolved)
    set_seed(seed)
    generated = 0
    per_batch = max(1, batch_size // n)
    for start in tqdm(range(0, len(todo), per_batch), desc=f"candidates from {source}", unit="batch"):
        chunk = todo[start : start + per_batch]
        conversations = [
            with_system_prompt({"messages": p["messages"]}, system_prompt) for _, p in chunk for _ in range(n)
        ]
        replies = generate_replies(model, tokenizer, conversations, settings, batch_size=len(conversations))
        for k, (prompt_id, _) in enumerate(chunk):
            samples = {i: r for i, r in enumerate(replies[k * n : (k + 1) * n]) if r.strip()}
            if len(samples) < n:
                log.warning("prompt %d: %d of %d samples were empty and are not stored", prompt_id, n - len(samples), n)
            store.add_candidates(
                prompt_id,
                list(samples.values()),
                source=source,
                sampling=asdict(settings),
                seed=seed,
                sample_indices=list(samples),
            )
            generated += len(samples)
    return {"prompts": len(prompts), "generated": generated}
