"""How far a model has moved from a reference model (e.g. the SFT checkpoint it was aligned from).

``reply_kl`` measures, along each eval reply, the exact KL divergence between the two models'
next-token distributions at every reply position, summed over the reply's tokens:
``sum_t KL(p_model(. | prefix_t) || p_reference(. | prefix_t))``, in nats per reply. On replies
sampled from the model at temperature 1 its mean is an unbiased, low-variance estimate of the
sequence-level KL (the quantity RLHF's KL penalty controls); on greedy or nucleus-sampled replies
it is the KL along the replies the eval actually saw, which is what we report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


def check_same_vocabulary(tokenizer: PreTrainedTokenizerBase, reference_tokenizer: PreTrainedTokenizerBase) -> None:
    if tokenizer.get_vocab() != reference_tokenizer.get_vocab():
        raise ValueError(
            "the reference model's tokenizer differs from the model's: a per-token KL needs the same vocabulary "
            "(use the checkpoint the model was trained from, e.g. its SFT run)"
        )


def reply_token_ids(
    tokenizer: PreTrainedTokenizerBase, conversation: list[dict[str, str]], reply: str
) -> tuple[list[int], int]:
    """The chat-templated conversation plus the reply as token ids, and where the reply's tokens start."""
    prompt_ids = tokenizer.apply_chat_template(
        conversation, add_generation_prompt=True, tokenize=True, return_dict=True
    )["input_ids"]
    full_ids = tokenizer.apply_chat_template(
        [*conversation, {"role": "assistant", "content": reply}], tokenize=True, return_dict=True
    )["input_ids"]
    start = len(prompt_ids)
    if list(full_ids[:start]) != list(prompt_ids) or len(full_ids) <= start:
        raise ValueError("the chat template does not extend the prompt with the reply; cannot score the reply")
    return list(full_ids), start


def reply_kl(
    model: PreTrainedModel,
    reference: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    conversations: list[list[dict[str, str]]],
    replies: list[str],
    progress: bool = True,
) -> list[float]:
    """KL(model || reference) summed over each reply's tokens, in nats (one number per reply)."""
    import torch
    from tqdm.auto import tqdm

    device = next(model.parameters()).device
    ref_device = next(reference.parameters()).device
    out = []
    pairs = list(zip(conversations, replies, strict=True))
    for conversation, reply in tqdm(pairs, desc="KL to the reference model", unit="reply", disable=not progress):
        ids, start = reply_token_ids(tokenizer, conversation, reply)
        tensor = torch.tensor([ids])
        scored = slice(start - 1, len(ids) - 1)  # logits at position t predict token t+1
        with torch.inference_mode():
            logp = model(input_ids=tensor.to(device)).logits[0, scored].float().log_softmax(-1)
            ref_logp = reference(input_ids=tensor.to(ref_device)).logits[0, scored].float().log_softmax(-1)
        if logp.shape != ref_logp.shape:
            raise ValueError(f"the models' output sizes differ ({logp.shape[-1]} vs {ref_logp.shape[-1]} logits)")
        kl = (logp.exp() * (logp - ref_logp.to(logp.device))).sum()
        out.append(round(float(kl), 6))
    return out
