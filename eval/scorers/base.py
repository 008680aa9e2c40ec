"""The one interface every scorer has, and the embeddings a batch shares between scorers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from eval.embeddings import SentenceEncoder, get_encoder
from eval.items import EvalItem, Score


@dataclass
class BatchEmbeddings:
    """Sentence embeddings of one batch: each reply, each client message, each reference (zeros where none).

    Computed once per batch and handed to every scorer, so the embedding model runs once per text.
    """

    replies: np.ndarray
    clients: np.ndarray
    references: np.ndarray
    has_reference: np.ndarray
    reply_sentences: list[np.ndarray]  # per reply, one row per sentence (same forward pass as ``replies``)

    @classmethod
    def compute(cls, items: Sequence[EvalItem], encoder: SentenceEncoder | None = None) -> BatchEmbeddings:
        encoder = encoder or get_encoder()
        references = [i.reference or "" for i in items]
        has_reference = np.array([bool(r.strip()) for r in references], dtype=bool)
        refs = np.zeros((len(items), encoder.encode([]).shape[1]), dtype=np.float32)
        if has_reference.any():
            refs[has_reference] = encoder.encode([r for r, h in zip(references, has_reference, strict=True) if h])
        return cls(
            replies=encoder.encode([i.reply for i in items]),
            clients=encoder.encode([i.client_text() for i in items]),
            references=refs,
            has_reference=has_reference,
            reply_sentences=encoder.encode_sentences([i.reply for i in items]),
        )


class Scorer:
    """A scorer: ``name``, ``version``, and ``score(batch) -> one dict of numbers per item``.

    ``version`` changes whenever the numbers could (code revision plus the hash of any trained
    artifact), so results from different scorer versions are never compared by mistake.
    """

    name: ClassVar[str]
    code_version: ClassVar[str] = "1"
    uses_embeddings: ClassVar[bool] = False

    @property
    def version(self) -> str:
        return self.code_version

    def describe(self) -> dict[str, Any]:
        """What goes into a results file beside the numbers: name, version, and the scorer's settings."""
        return {"name": self.name, "version": self.version}

    def score(self, batch: Sequence[EvalItem], embeddings: BatchEmbeddings | None = None) -> list[dict[str, Score]]:
        raise NotImplementedError


def round_float(x: float, digits: int = 6) -> float:
    return round(float(x), digits)


def score_batch(
    scorers: Sequence[Scorer], items: Sequence[EvalItem], encoder: SentenceEncoder | None = None
) -> dict[str, Any]:
    """Run every scorer on ``items``, embedding the batch once for all of them.

    Returns ``{"scorers": [describe() of each], "results": {scorer name: [one dict per item]}}``.
    """
    items = list(items)
    embeddings = None
    if any(s.uses_embeddings for s in scorers) and items:
        embeddings = BatchEmbeddings.compute(items, encoder)
    return {
        "scorers": [s.describe() for s in scorers],
        "results": {s.name: s.score(items, embeddings) for s in scorers},
    }
