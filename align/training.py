"""What every training stage does the same way: LoRA configs, loading in the right precision
(and 4-bit for QLoRA), and saving adapters and merged checkpoints into the run directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from align.config import ModelSection, PeftSection
from align.models import ResolvedModel


def lora_config(peft: PeftSection, task_type: str = "CAUSAL_LM", modules_to_save: list[str] | None = None):
    """The LoRA adapter for ``peft`` (None for a full fine-tune)."""
    if peft.method == "full":
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=peft.r,
        lora_alpha=peft.alpha,
        lora_dropout=peft.dropout,
        target_modules=peft.target_modules,
        task_type=task_type,
        modules_to_save=modules_to_save,
    )


def load_kwargs(model_section: ModelSection, peft: PeftSection) -> tuple[str, dict[str, Any]]:
    """The dtype to load in and extra ``from_pretrained`` arguments (4-bit quantization for QLoRA)."""
    import torch

    kwargs: dict[str, Any] = {}
    if peft.method == "qlora":
        if not torch.cuda.is_available():
            raise RuntimeError("peft.method=qlora needs a CUDA GPU and bitsandbytes; on CPU use peft.method=lora")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
        )
    # A full fine-tune keeps fp32 master weights (bf16 autocast still does the matmuls): AdamW
    # updates on bf16 weights lose most small steps to rounding.
    dtype = "float32" if peft.method == "full" and model_section.dtype == "auto" else model_section.dtype
    return dtype, kwargs


def reset_accelerator_state() -> None:
    """Forget accelerate's process-wide state, so the next trainer in this process picks its own mixed precision.

    accelerate keeps the first trainer's mixed precision for the whole process and refuses a later
    trainer that asks for another. One process may run several (the test suite; a PPO or RLOO run
    whose safety reward term first builds the reply-safety classifier in bf16).
    """
    from accelerate.state import AcceleratorState

    AcceleratorState._reset_state()


def load_policy(model_section: ModelSection, peft: PeftSection):
    """The causal LM to train and its tokenizer; a LoRA run's adapter is folded in first."""
    from align.models import load_causal_lm, load_tokenizer, resolve_model

    resolved: ResolvedModel = resolve_model(model_section.path)
    dtype, kwargs = load_kwargs(model_section, peft)
    model = load_causal_lm(resolved, dtype, model_section.trust_remote_code, **kwargs)
    if resolved.adapter:  # continuing from a LoRA run: fold its adapter in before adding ours
        model = model.merge_and_unload()
    tokenizer = load_tokenizer(resolved, model_section.trust_remote_code)
    return model, tokenizer, resolved


def save_weights(trainer, tokenizer, peft: PeftSection, run_path: Path) -> dict[str, str]:
    """Save the adapter (LoRA) and/or a merged ordinary checkpoint; return where they went."""
    if peft.method == "full":
        trainer.save_model(str(run_path / "model"))
        tokenizer.save_pretrained(run_path / "model")
        return {"model": str(run_path / "model")}
    saved = {}
    trainer.model.save_pretrained(run_path / "adapter")
    tokenizer.save_pretrained(run_path / "adapter")
    saved["adapter"] = str(run_path / "adapter")
    if peft.merge and peft.method == "lora":
        merged = trainer.model.merge_and_unload()
        merged.save_pretrained(run_path / "merged")
        tokenizer.save_pretrained(run_path / "merged")
        saved["merged"] = str(run_path / "merged")
    return saved
