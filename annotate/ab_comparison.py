"""Human A/B comparison of two models: one reply each per client message, queued as blinded pairs.

``align label --compare RUN_A RUN_B`` samples one reply per prompt from each model (the same
prompts, sampling settings and seed for both) and stores each prompt with its two replies as one
item of a campaign named ``ab:<A>-vs-<B>``. The ranking app shows the two replies like any other
item: no model names, in an order shuffled per annotator. Which model wrote a candidate stays in
the store (its ``source``, and ``arm`` "A" or "B" in its metadata) for ``eval.human_ab`` to read.

Queueing again adds nothing that is already there; a prompt where either model wrote an empty
reply is left out (a pair needs two replies), and the count of such prompts is returned.
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict
from typing import Any

from align.generation import SamplingSettings
from annotate.store import CandidateOrigin, RankingStore, storable_text

log = logging.getLogger(__name__)

ARMS = ("A", "B")
MAX_ID_LENGTH = 200  # prompts.external_id


def campaign_name(model_a: str, model_b: str) -> str:
    """The default campaign name, ``ab:<A>-vs-<B>``, from the model specs as given."""
    return f"ab:{model_a.rstrip('/')}-vs-{model_b.rstrip('/')}"


def item_id(campaign: str, prompt_id: str) -> str:
    """The store's id of a campaign item: unique per campaign even when prompts repeat across campaigns."""
    return f"{campaign}/{prompt_id}"


def sample_replies(
    model_spec: str,
    prompts: list[dict[str, Any]],
    settings: SamplingSettings,
    seed: int,
    system_prompt: str,
    batch_size: int,
) -> tuple[str, list[str]]:
    """One reply per prompt from one model, seeded; returns the model's spec (its ``source``) and the replies."""
    import torch
    from tqdm.auto import tqdm
    from transformers import set_seed

    from align.generation import generate_replies
    from align.models import load_causal_lm, load_tokenizer, resolve_model
    from sft.data import with_system_prompt

    resolved = resolve_model(model_spec)
    model = load_causal_lm(resolved).eval()
    tokenizer = load_tokenizer(resolved)
    set_seed(seed)
    conversations = [with_system_prompt(p, system_prompt) for p in prompts]
    replies: list[str] = []
    for start in tqdm(range(0, len(conversations), batch_size), desc=f"replies from {resolved.spec}", unit="batch"):
        chunk = conversations[start : start + batch_size]
        replies.extend(generate_replies(model, tokenizer, chunk, settings, batch_size=len(chunk)))
    del model
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return resolved.spec, replies


def queue_ab_campaign(
    store: RankingStore,
    model_a: str,
    model_b: str,
    prompts: list[dict[str, Any]],
    settings: SamplingSettings,
    seed: int = 0,
    system_prompt: str = "",
    batch_size: int = 8,
    campaign: str | None = None,
) -> dict[str, Any]:
    """Queue a blinded A/B pair per prompt in ``store``; return the campaign name and counts."""
    campaign = campaign or campaign_name(model_a, model_b)
    if model_a.rstrip("/") == model_b.rstrip("/"):
        raise ValueError(f"--compare needs two different models, got {model_a!r} twice")
    longest = max((item_id(campaign, p["id"]) for p in prompts), key=len, default="")
    if len(longest) > MAX_ID_LENGTH:
        raise ValueError(
            f"campaign name {campaign!r} is too long for the store's item ids ({len(longest)} > {MAX_ID_LENGTH} "
            "characters): pass a shorter one with --campaign NAME"
        )
    existing = {p.external_id for p in store.campaign_prompts(campaign)}
    todo = [p for p in prompts if item_id(campaign, p["id"]) not in existing]
    counts = {"campaign": campaign, "prompts": len(prompts), "already_queued": len(prompts) - len(todo)}
    counts |= {"queued": 0, "left_out_empty": 0}
    if not todo:
        return counts
    sources, replies = {}, {}
    for arm, spec in zip(ARMS, (model_a, model_b), strict=True):
        sources[arm], replies[arm] = sample_replies(spec, todo, settings, seed, system_prompt, batch_size)
    sampling = asdict(settings)
    shuffle = random.Random(seed)  # candidate ids must not give the arm away either
    for k, prompt in enumerate(todo):
        pair = [
            CandidateOrigin(
                storable_text(replies[arm][k]),
                sources[arm],
                {**sampling, "campaign": campaign, "arm": arm},
                seed=seed,
                sample_index=0,
            )
            for arm in ARMS
        ]
        if not all(c.text.strip() for c in pair):
            counts["left_out_empty"] += 1
            continue
        shuffle.shuffle(pair)
        store.add_campaign_item(
            campaign,
            item_id(campaign, prompt["id"]),
            prompt["messages"],
            pair,
            topic=prompt.get("topic"),
            risk=prompt.get("risk"),
        )
        counts["queued"] += 1
    if counts["left_out_empty"]:
        log.warning("%d prompt(s) left out: one of the models wrote an empty reply", counts["left_out_empty"])
    return counts
