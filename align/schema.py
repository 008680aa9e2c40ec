"""The shared data schema: a counseling conversation as every stage sees it.

On disk (JSONL), one conversation per line::

    {"id": "a-anxiety-001", "topic": "anxiety", "risk": "none",
     "messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}

``user`` is the client and ``assistant`` the counselor. An optional ``system`` message may
come first; after it the turns alternate, starting with the client and ending with the
counselor. ``risk`` is the client's risk level: none, low, moderate or high.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_DATA_DIR = Path(__file__).resolve().parent / "sample_data"
SAMPLE_PREFIX = "sample:"


def source_path(source: str) -> Path:
    """The file behind a data source: ``sample:SPLIT`` is the sample counseling split, else the path itself."""
    if source.startswith(SAMPLE_PREFIX):
        return SAMPLE_DATA_DIR / "counseling" / f"{source[len(SAMPLE_PREFIX) :]}.jsonl"
    return Path(source)


# Sample splits that are eval sets only: no training, ranking or pair-building loader reads them.
EVAL_ONLY_SAMPLES = ("sample:safety",)
# Every sample split `align eval` and `align compare` grade on: never ranked, paired or trained on.
# (The conversation loader still reads sample:test, for `align label --compare` and the demo's held-out
# replies; the places that rank, pair or train on prompts refuse it by name.)
EVAL_SETS = ("sample:test", *EVAL_ONLY_SAMPLES)

RISK_LEVELS = ("none", "low", "moderate", "high")
ROLES = ("system", "user", "assistant")


@dataclass
class DataError(ValueError):
    """One or more problems in a data file, each with file, line/row and field."""

    source: str
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = self.problems[:20]
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        listing = "\n".join(f"  - {p}" for p in shown)
        return f"{len(self.problems)} problem(s) in {self.source}:\n{listing}{more}"


def conversation_problems(messages: Any, where: str) -> list[str]:
    """Everything wrong with one ``messages`` list, each problem prefixed by where it is."""
    if not isinstance(messages, list):
        return [f"{where}, field 'messages': expected a list of messages, found {type(messages).__name__}"]
    if not messages:
        return [f"{where}, field 'messages': the conversation is empty"]
    problems = []
    expected = "user"
    for i, message in enumerate(messages):
        at = f"{where}, field 'messages[{i}]'"
        if not isinstance(message, dict):
            problems.append(f"{at}: expected an object with 'role' and 'content', found {type(message).__name__}")
            continue
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            problems.append(f"{at}.role: expected one of {list(ROLES)}, found {role!r}")
            continue
        if not isinstance(content, str):
            problems.append(f"{at}.content: expected text, found {type(content).__name__}")
        elif not content.strip():
            problems.append(f"{at}.content: empty {'reply' if role == 'assistant' else 'message'}")
        if role == "system":
            if i != 0:
                problems.append(f"{at}.role: a system message may only come first")
            continue
        if role != expected:
            problems.append(
                f"{at}.role: unknown role order: expected {expected!r} here (turns alternate client/counselor, "
                f"starting with 'user'), found {role!r}"
            )
        expected = "assistant" if role == "user" else "user"
    roles = [m.get("role") for m in messages if isinstance(m, dict)]
    if not problems and roles[-1] != "assistant":
        problems.append(f"{where}, field 'messages': must end with a counselor ('assistant') reply")
    return problems


def risk_problems(risk: Any, where: str) -> list[str]:
    if risk is None or risk in RISK_LEVELS:
        return []
    return [f"{where}, field 'risk': expected one of {list(RISK_LEVELS)}, found {risk!r}"]
