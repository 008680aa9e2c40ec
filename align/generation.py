"""Batched reply generation with a chat model: used by `align chat`, the demo and (later) candidate generation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


@dataclass
class SamplingSettings:
    max_new_tokens: int = 160
    do_sample: bool = False
    temperature: float = 0.7
    top_p: float = 0.9
    repetition_penalty: float = 1.1


def generate_replies(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    conversations: list[list[dict[str, str]]],
    settings: SamplingSettings | None = None,
    batch_size: int = 8,
) -> list[str]:
    """The model's next counselor reply to each conversation (left-padded batches)."""
    import torch

    settings = settings or SamplingSettings()
    tokenizer.padding_side = "left"
    replies: list[str] = []
    sampling = (
        {"do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p}
        if settings.do_sample
        else {"do_sample": False}
    )
    for start in range(0, len(conversations), batch_size):
        batch = conversations[start : start + batch_size]
        texts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in batch]
        inputs = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
        with torch.inference_mode():
            output = model.generate(
                **inputs,
                max_new_tokens=settings.max_new_tokens,
                repetition_penalty=settings.repetition_penalty,
                pad_token_id=tokenizer.pad_token_id,
                **sampling,
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        replies.extend(t.strip() for t in tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
    return replies
