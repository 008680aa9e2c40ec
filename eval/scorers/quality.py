"""Quality: length, lexical diversity, repetition, self-BLEU, similarity to the reference, reference perplexity.

* ``distinct_1``/``distinct_2``: unique n-grams over all n-grams of the reply (Li et al., 2016).
* ``rep_4``: 1 - unique 4-grams / 4-grams, the sequence-level repetition of Welleck et al., 2019.
* ``self_bleu``: BLEU-4 of a reply against the other samples of the same prompt in the batch
  (Zhu et al., 2018, Texygen); high means the samples say the same thing. None with one sample.
* ``reference_similarity``: cosine of the sentence embeddings of reply and reference counselor reply.
* ``reference_perplexity(model, tokenizer, items)``: perplexity of the reference replies under a
  model (its own function: it needs the model being evaluated, which the runner holds).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eval.embeddings import SentenceEncoder, get_encoder
from eval.items import EvalItem, Score
from eval.scorers.base import BatchEmbeddings, Scorer, round_float

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct(tokens: Sequence[str], n: int) -> float:
    grams = ngrams(tokens, n)
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition(tokens: Sequence[str], n: int = 4) -> float:
    grams = ngrams(tokens, n)
    return 1.0 - len(set(grams)) / len(grams) if grams else 0.0


def bleu(hypothesis: Sequence[str], references: Sequence[Sequence[str]], max_n: int = 4) -> float:
    """Sentence BLEU with clipped n-gram precision, brevity penalty against the closest reference
    length, and +epsilon smoothing of empty precisions (Chen & Cherry, 2014, method 1)."""
    if not hypothesis or not references:
        return 0.0
    log_precisions = []
    for n in range(1, min(max_n, len(hypothesis)) + 1):
        counts = Counter(ngrams(hypothesis, n))
        clip: Counter[tuple[str, ...]] = Counter()
        for ref in references:
            for gram, c in Counter(ngrams(ref, n)).items():
                clip[gram] = max(clip[gram], c)
        matched = sum(min(c, clip[g]) for g, c in counts.items())
        total = sum(counts.values())
        log_precisions.append(math.log((matched or 0.1) / total))
    closest = min((abs(len(r) - len(hypothesis)), len(r)) for r in references)[1]
    brevity = 1.0 if len(hypothesis) >= closest else math.exp(1 - closest / len(hypothesis))
    return brevity * math.exp(sum(log_precisions) / len(log_precisions))


class QualityScorer(Scorer):
    """Length, distinct-1/2, rep-4, self-BLEU across samples of a prompt, similarity to the reference."""

    name = "quality"
    code_version = "1.0"
    uses_embeddings = True

    def __init__(self, encoder: SentenceEncoder | None = None):
        self._encoder = encoder

    def score(self, batch: Sequence[EvalItem], embeddings: BatchEmbeddings | None = None) -> list[dict[str, Score]]:
        if not batch:
            return []
        if embeddings is None and any(i.reference for i in batch):
            embeddings = BatchEmbeddings.compute(batch, self._encoder or get_encoder())
        tokens = [words(i.reply) for i in batch]
        siblings: dict[str, list[int]] = {}
        for index, item in enumerate(batch):
            siblings.setdefault(item.prompt_key, []).append(index)
        out: list[dict[str, Score]] = []
        for index, item in enumerate(batch):
            others = [tokens[j] for j in siblings[item.prompt_key] if j != index]
            similarity = None
            if embeddings is not None and embeddings.has_reference[index]:
                similarity = round_float(float(embeddings.replies[index] @ embeddings.references[index]))
            out.append(
                {
                    "length_words": len(tokens[index]),
                    "distinct_1": round_float(distinct(tokens[index], 1)),
                    "distinct_2": round_float(distinct(tokens[index], 2)),
                    "rep_4": round_float(repetition(tokens[index], 4)),
                    "self_bleu": round_float(bleu(tokens[index], others)) if others else None,
                    "reference_similarity": similarity,
                }
            )
        return out


def corpus_distinct(items: Sequence[EvalItem], n: int) -> float:
    """distinct-n over all replies together: unique n-grams in the whole set over all n-grams."""
    grams = [g for i in items for g in ngrams(words(i.reply), n)]
    return round(len(set(grams)) / len(grams), 6) if grams else 0.0


def reference_perplexity(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, items: Sequence[EvalItem]
) -> dict[str, Any]:
    """Perplexity of the reference counselor replies under ``model``, each conditioned on its prompt.

    Tokens come from the tokenizer's chat template; only the reference's own tokens are scored
    (the prompt is context). Items without a reference are skipped. Returns the pooled perplexity
    (exp of the mean token negative log-likelihood), token and item counts, and each item's own.
    """
    import torch

    device = next(model.parameters()).device
    total_nll, total_tokens, per_item = 0.0, 0, []
    model.eval()
    for item in items:
        if not item.reference:
            continue
        prompt_ids = tokenizer.apply_chat_template(
            item.messages, add_generation_prompt=True, tokenize=True, return_dict=True
        )["input_ids"]
        full_ids = tokenizer.apply_chat_template(
            [*item.messages, {"role": "assistant", "content": item.reference}], tokenize=True, return_dict=True
        )["input_ids"]
        start = len(prompt_ids)
        if full_ids[:start] != list(prompt_ids) or len(full_ids) <= start:
            raise ValueError(f"item {item.id or ''}: the chat template does not extend the prompt with the reply")
        ids = torch.tensor([full_ids], device=device)
        with torch.inference_mode():
            logits = model(input_ids=ids).logits.float()
        log_probs = torch.log_softmax(logits[0, start - 1 : -1], dim=-1)
        targets = ids[0, start:]
        nll = -log_probs.gather(1, targets[:, None]).sum().item()
        total_nll += nll
        total_tokens += len(targets)
        per_item.append(round(math.exp(nll / len(targets)), 4))
    return {
        "reference_perplexity": round(math.exp(total_nll / total_tokens), 4) if total_tokens else None,
        "reference_tokens": total_tokens,
        "items": len(per_item),
        "per_item": per_item,
    }
