"""Loading a reward model: a sequence-classification head (one scalar) on any causal-LM backbone.

Used both to start training (from an SFT run, a checkpoint folder or the default model, where
the ``score`` head is new) and to score with a trained reward model (a reward run's
``merged/`` or ``adapter/``, or a full fine-tune's ``model/``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.models import ModelNotFoundError, ResolvedModel, torch_dtype

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

HEAD_NAMES = ("score", "classifier")  # what transformers calls the sequence-classification head


def reward_head_name(reward_model: PreTrainedModel) -> str:
    for name in HEAD_NAMES:
        if hasattr(reward_model, name):
            return name
    raise ValueError(f"{type(reward_model).__name__} has no reward head (looked for {HEAD_NAMES})")


def is_reward_checkpoint(model: ResolvedModel) -> bool:
    """Whether the weights hold a trained reward head (not a causal LM that would get a random one)."""
    if model.adapter:
        config = json.loads(Path(model.adapter, "adapter_config.json").read_text())
        return config.get("task_type") == "SEQ_CLS" and bool(set(HEAD_NAMES) & set(config.get("modules_to_save") or []))
    config_file = Path(model.path, "config.json")
    if not config_file.is_file():
        return False
    config = json.loads(config_file.read_text())
    architectures = config.get("architectures") or []
    labels = len(config.get("id2label") or {"0": "LABEL_0"})
    return any(a.endswith("ForSequenceClassification") for a in architectures) and labels == 1


def load_reward_model(
    model: ResolvedModel, dtype: str = "auto", trust_remote_code: bool = False, **kwargs: Any
) -> PreTrainedModel:
    """A one-label ``AutoModelForSequenceClassification`` over the resolved weights, adapters merged in.

    From a causal-LM checkpoint the ``score`` head is new (seeded by the caller's ``set_seed``).
    An adapter (an SFT run saved without merging, or a reward run's ``adapter/``) is applied to the
    backbone and merged; a reward adapter also brings its trained ``score`` head.
    """
    from transformers import AutoModelForSequenceClassification
    from trl.trainer.reward_trainer import suppress_seqcls_warning

    try:
        with suppress_seqcls_warning():  # a causal-LM checkpoint has no score head and an unused lm_head
            reward_model = AutoModelForSequenceClassification.from_pretrained(
                model.path, num_labels=1, dtype=torch_dtype(dtype), trust_remote_code=trust_remote_code, **kwargs
            )
    except OSError as exc:
        raise ModelNotFoundError(f"cannot load model {model.spec or model.path!r}: {exc}") from None
    except ValueError as exc:  # an architecture without a sequence-classification head
        raise ValueError(
            f"{model.spec or model.path!r} cannot carry a reward head (AutoModelForSequenceClassification: {exc})"
        ) from None
    if model.adapter:
        from peft import PeftModel

        reward_model = PeftModel.from_pretrained(reward_model, model.adapter).merge_and_unload()
    return reward_model


def set_pad_token(reward_model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> None:
    """A sequence-classification model reads the reward at the last non-pad token: it must know the pad id."""
    reward_model.config.pad_token_id = tokenizer.pad_token_id
    if hasattr(reward_model.config, "get_text_config"):
        reward_model.config.get_text_config().pad_token_id = tokenizer.pad_token_id


def fp32_reward_head(reward_model: PreTrainedModel) -> None:
    """Keep the reward head's weights in fp32 (inputs are cast to match) when the backbone is bf16/fp16.

    The head is the one layer trained fully; its AdamW steps (~lr, 1e-4) are smaller than bf16's
    spacing near its weights (~1e-4 at 0.02), so in bf16 most of them would round away.
    """
    import torch

    head = getattr(reward_model, reward_head_name(reward_model))
    if head.weight.dtype == torch.float32:
        return
    head.float()
    head.register_forward_pre_hook(lambda module, args: tuple(a.to(module.weight.dtype) for a in args))
