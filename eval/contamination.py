"""Is an eval prompt in the training data? One check for every place that asks.

A prompt counts as an eval prompt when any of its client messages, normalised (lower case,
punctuation and spacing folded), is a client message of an eval set. Short messages ("yes",
"thank you") are left out of the match: they are in every set and say nothing about leakage.
Safety pairs refuse such prompts before training (align/safety_pairs.py); `align compare` and
`align gate` use the same index on a run's recorded training data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Message = dict[str, str]

# The eval sets every check guards by default: the held-out test split and the safety set.
EVAL_SETS = ("sample:test", "sample:safety")
MIN_WORDS = 6  # shorter client messages are too generic to count as a copy


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def client_messages(messages: Sequence[Message]) -> list[str]:
    """The normalised client messages long enough to identify a prompt."""
    said = (normalised(m["content"]) for m in messages if m.get("role") == "user")
    return [text for text in said if len(text.split()) >= MIN_WORDS]


@dataclass
class EvalPromptIndex:
    """The client messages of some eval sets, each remembered with the set and prompt it came from."""

    sources: tuple[str, ...]
    where: dict[str, str] = field(default_factory=dict)  # normalised client message -> "SOURCE#ID"

    @classmethod
    def of(cls, sources: Iterable[str] = EVAL_SETS) -> EvalPromptIndex:
        from eval.prompt_sets import load_eval_prompts

        index = cls(tuple(sources))
        for source in index.sources:
            for prompt in load_eval_prompts(source):
                for text in client_messages(prompt.messages):
                    index.where.setdefault(text, f"{source}#{prompt.id}")
        return index

    def match(self, messages: Sequence[Message]) -> str | None:
        """The eval prompt ("SOURCE#ID") one of these messages copies, or None."""
        return next((self.where[t] for t in client_messages(messages) if t in self.where), None)

    def matches(self, prompts: Iterable[tuple[str, Sequence[Message]]]) -> list[str]:
        """``"WHERE: copies SOURCE#ID"`` for each (where, messages) that holds an eval prompt."""
        return [f"{where}: copies eval prompt {hit}" for where, messages in prompts if (hit := self.match(messages))]
