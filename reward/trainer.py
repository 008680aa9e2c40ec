"""TRL's RewardTrainer with per-pair weights: annotator agreement scales each pair's Bradley-Terry loss.

TRL 1.16's ``RewardTrainer`` supports a ``margin`` column (Llama 2's margin loss,
``-log sigmoid(r_c - r_r - m)``) but no per-example weights. This adds them and nothing else:

    loss = mean_i( w_i * -log sigmoid(r_chosen_i - r_rejected_i - margin_i) )

With every weight 1 this is exactly TRL's loss. Weights are not renormalised per batch, so
a pair two of three annotators agreed on counts 2/3 as much as a unanimous one, whichever
batch it lands in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from trl import RewardTrainer
from trl.trainer.reward_trainer import DataCollatorForPreference


@dataclass
class WeightedPreferenceCollator(DataCollatorForPreference):
    """TRL's preference collator, plus a ``weight`` tensor when the examples carry weights."""

    def torch_call(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        batch = super().torch_call(examples)
        if "weight" in examples[0]:
            batch["weight"] = torch.tensor([example["weight"] for example in examples], dtype=torch.float)
        return batch


class WeightedRewardTrainer(RewardTrainer):
    """``RewardTrainer`` whose loss weighs each pair by its ``weight`` column (see the module docstring)."""

    def _set_signature_columns_if_needed(self) -> None:
        super()._set_signature_columns_if_needed()
        if "weight" not in self._signature_columns:
            self._signature_columns = [*self._signature_columns, "weight"]  # else the Trainer drops the column

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        weight = inputs.pop("weight", None)
        loss, outputs = super().compute_loss(model, inputs, return_outputs=True, num_items_in_batch=num_items_in_batch)
        if weight is not None:
            chosen, rejected = torch.chunk(outputs.logits.squeeze(-1), chunks=2)
            margin = inputs.get("margin", 0.0)
            per_pair = -torch.nn.functional.logsigmoid(chosen - rejected - margin)
            loss = (weight.to(per_pair.dtype) * per_pair).mean()
            if self.args.center_rewards_coefficient is not None:
                loss = loss + self.args.center_rewards_coefficient * torch.mean((chosen + rejected) ** 2)
        return (loss, outputs) if return_outputs else loss
