"""Scoring (prompt, reply) pairs with a reward model: ``RewardScorer`` for code, ``write_scores`` for `align score`.

A reply is scored exactly as training saw it: the prompt's messages plus the reply as one
assistant message, through the tokenizer's chat template, the reward read at the last token.
A string prompt is one client message and a string reply one counselor message, as in
``align.preference_data``.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.schema import DataError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

Prompt = str | list[dict[str, str]]
Reply = str | dict[str, str] | list[dict[str, str]]


def as_conversation(prompt: Prompt, reply: Reply) -> list[dict[str, str]]:
    """Prompt messages followed by the reply as one assistant message."""
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)
    if isinstance(reply, str):
        reply = {"role": "assistant", "content": reply}
    elif isinstance(reply, list):
        if len(reply) != 1:
            raise ValueError(f"a reply is one assistant message, found {len(reply)} messages")
        reply = reply[0]
    return [*messages, {"role": "assistant", "content": reply["content"]}]


class RewardScorer:
    """A reward model loaded once; ``score(prompts, replies)`` gives one float per pair.

    ``RewardScorer.load("runs/reward-x")`` takes a reward run directory (its ``merged/``, else
    base + ``adapter/``), a checkpoint folder, or a hub id. PPO and evaluation import this.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        batch_size: int = 8,
        max_length: int | None = None,
    ):
        from reward.model import set_pad_token

        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length  # longer inputs keep their last tokens, where the reward is read
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        set_pad_token(model, tokenizer)

    @classmethod
    def load(
        cls,
        spec: str,
        dtype: str = "auto",
        batch_size: int = 8,
        max_length: int | None = None,
        trust_remote_code: bool = False,
    ) -> RewardScorer:
        import torch

        from align.models import load_tokenizer, resolve_model
        from reward.model import is_reward_checkpoint, load_reward_model

        resolved = resolve_model(spec)
        if not is_reward_checkpoint(resolved):
            raise ValueError(
                f"{spec} is not a reward model (no trained sequence-classification head); "
                f"train one with `align run reward` and pass its run directory"
            )
        model = load_reward_model(resolved, dtype, trust_remote_code)
        if torch.cuda.is_available():
            model = model.to("cuda")
        return cls(model, load_tokenizer(resolved, trust_remote_code), batch_size, max_length)

    def tokenize(self, prompt: Prompt, reply: Reply) -> list[int]:
        ids = self.tokenizer.apply_chat_template(as_conversation(prompt, reply), tokenize=True, return_dict=True)[
            "input_ids"
        ]
        if self.max_length and len(ids) > self.max_length:
            ids = ids[-self.max_length :]
        return list(ids)

    def score_ids(self, sequences: list[list[int]], progress: bool = False) -> list[float]:
        """Rewards of already tokenized sequences, batched longest first (little padding), in input order."""
        import torch
        from tqdm.auto import tqdm

        order = sorted(range(len(sequences)), key=lambda i: -len(sequences[i]))
        rewards = [0.0] * len(sequences)
        device = next(self.model.parameters()).device
        pad = self.tokenizer.pad_token_id
        starts = range(0, len(order), self.batch_size)
        for start in tqdm(starts, desc="scoring", unit="batch", disable=not progress):
            batch = order[start : start + self.batch_size]
            width = max(len(sequences[i]) for i in batch)
            input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
            attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, i in enumerate(batch):  # right padding, like TRL's preference collator
                input_ids[row, : len(sequences[i])] = torch.tensor(sequences[i])
                attention_mask[row, : len(sequences[i])] = 1
            with torch.inference_mode():
                logits = self.model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device)).logits
            for i, value in zip(batch, logits[:, 0].float().tolist(), strict=True):
                rewards[i] = value
        return rewards

    def score(self, prompts: list[Prompt], replies: list[Reply], progress: bool = False) -> list[float]:
        """One reward per (prompt, reply) pair."""
        if len(prompts) != len(replies):
            raise ValueError(f"{len(prompts)} prompts but {len(replies)} replies")
        return self.score_ids([self.tokenize(p, r) for p, r in zip(prompts, replies, strict=True)], progress)


# ---------------------------------------------------------------- files


def read_scoring_rows(source: str) -> list[dict[str, Any]]:
    """Rows with ``prompt`` (text or messages) and ``reply``/``completion`` (text or messages), or ``messages``
    whose last message is the reply; every bad row listed in one ``DataError``."""
    from align.data_files import read_rows
    from align.preference_data import prompt_messages, reply_message

    rows = read_rows(source, (".jsonl", ".json", ".parquet"))
    problems: list[str] = []
    out = []
    for where, row in rows:
        found: list[str] = []
        if "messages" in row and "prompt" not in row:
            messages = row["messages"]
            if not isinstance(messages, list) or len(messages) < 2:
                found.append(f"{where}, field 'messages': expected a conversation ending with the reply to score")
            else:
                prompt = prompt_messages(messages[:-1], where, found)
                reply = reply_message(messages[-1], where, "messages[-1]", found)
        else:
            field = next((f for f in ("reply", "completion", "response") if f in row), None)
            if "prompt" not in row or field is None:
                found.append(f"{where}: expected fields 'prompt' and 'reply' (or 'completion'), found {sorted(row)}")
            else:
                prompt = prompt_messages(row["prompt"], where, found)
                reply = reply_message(row[field], where, field, found)
        problems.extend(found)
        if not found:
            out.append({"row": row, "prompt": prompt, "reply": reply})
    if problems:
        raise DataError(source, problems)
    return out


def write_scores(scorer: RewardScorer, items: list[dict[str, Any]], output: str | Path) -> dict[str, Any]:
    """Score rows from ``read_scoring_rows``; write them with a ``reward`` field to ``output`` (JSONL, atomically)."""
    rewards = scorer.score([i["prompt"] for i in items], [i["reply"] for i in items], progress=True)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for item, reward in zip(items, rewards, strict=True):
            f.write(json.dumps({**item["row"], "reward": reward}, ensure_ascii=False, default=str) + "\n")
    os.replace(tmp, output)
    return {"rows": len(rewards), "mean_reward": sum(rewards) / len(rewards), "output": str(output)}
