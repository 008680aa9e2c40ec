"""SFT loss with the LM head computed only where a token is trained.

With the loss on the counselor's turns only, most positions of a batch (system prompt,
client turns, padding) carry no label, yet the LM head projects every one of them onto
the whole vocabulary: for SmolLM2 (49k words) that projection and its backward were half
of a CPU training step. Here the decoder runs as usual and the head is applied to the
labelled positions alone; the loss (token-summed cross-entropy over trained tokens) is the
same as TRL's.

Used on a single process only: under DDP, calling submodules directly would bypass the
wrapper's gradient synchronisation, so multi-process runs keep TRL's own loss.
"""

from __future__ import annotations

from typing import Any

from trl import SFTTrainer


class SelectiveHeadSFTTrainer(SFTTrainer):
    """TRL's SFTTrainer, computing the LM head at trained positions only (single process)."""

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if return_outputs or self.accelerator.num_processes > 1 or "labels" not in inputs:
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        import torch
        import torch.nn.functional as F

        mode = "train" if model.training else "eval"
        labels = inputs["labels"]
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        decoder_inputs: dict[str, Any] = {
            k: inputs[k] for k in ("input_ids", "attention_mask", "position_ids") if k in inputs
        }
        hidden = base.get_decoder()(**decoder_inputs, use_cache=False).last_hidden_state

        targets = labels[:, 1:]
        trained = targets != -100
        logits = base.get_output_embeddings()(hidden[:, :-1][trained]).float()
        token_targets = targets[trained]
        loss_sum = F.cross_entropy(logits, token_targets, reduction="sum")
        count = trained.sum() if num_items_in_batch is None else num_items_in_batch
        loss = loss_sum / torch.as_tensor(count).clamp(min=1)

        with torch.no_grad():
            correct = (logits.argmax(dim=-1) == token_targets).sum()
            n = trained.sum().clamp(min=1)
            self._metrics[mode]["mean_token_accuracy"].append((correct / n).item())
            if mode == "train":
                self._total_train_tokens += (
                    int(inputs["attention_mask"].sum()) if "attention_mask" in inputs else (inputs["input_ids"].numel())
                )
                self._metrics[mode]["num_tokens"] = [self._total_train_tokens]
        return loss
