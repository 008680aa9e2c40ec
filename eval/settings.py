"""What besides the model decides an eval's numbers: the prompt set, decoding, seed, scorers' options."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from align.config import DEFAULT_SYSTEM_PROMPT
from align.runs import RUN_FILE, RunDirectory
from eval.prompt_sets import DEFAULT_PROMPTS

MODES = ("greedy", "sample")


@dataclass
class EvalSettings:
    """Everything besides the model that decides an eval's numbers (recorded in its summary.json)."""

    prompts: str = DEFAULT_PROMPTS
    mode: str = "greedy"  # greedy: one deterministic reply per prompt; sample: `samples` replies per prompt
    samples: int = 1
    seed: int = 0
    max_new_tokens: int = 160
    temperature: float = 0.7
    top_p: float = 0.9
    repetition_penalty: float = 1.1
    system_prompt: str | None = None  # None: the run's own (its config.yaml), else the platform default
    locales: tuple[str, ...] = ("US", "UK")
    limit: int | None = None
    batch_size: int = 8
    dtype: str = "auto"
    reward_model: str | None = None
    reference_model: str | None = None
    guard: bool = False  # score each reply as the chat safety guard (eval.guard) would send it

    def check(self) -> None:
        """Raise one ValueError listing every bad setting."""
        problems = []
        if self.mode not in MODES:
            problems.append(f"--mode must be one of {list(MODES)}, found {self.mode!r}")
        if self.samples < 1:
            problems.append(f"--samples must be at least 1, found {self.samples}")
        if self.mode == "greedy" and self.samples > 1:
            problems.append(f"--samples {self.samples} needs --mode sample (greedy decoding gives one reply)")
        for name in ("max_new_tokens", "batch_size"):
            if getattr(self, name) < 1:
                problems.append(f"--{name.replace('_', '-')} must be at least 1, found {getattr(self, name)}")
        if self.limit is not None and self.limit < 1:
            problems.append(f"--limit must be at least 1, found {self.limit}")
        if not 0 < self.top_p <= 1 or self.temperature <= 0:
            problems.append(f"need 0 < top_p <= 1 and temperature > 0, found {self.top_p} and {self.temperature}")
        if problems:
            raise ValueError("bad eval settings:\n  " + "\n  ".join(problems))

    def recorded(self, model_spec: str) -> dict[str, Any]:
        """The settings as summary.json keeps them, with the system prompt actually used."""
        system_prompt = self.system_prompt if self.system_prompt is not None else run_system_prompt(model_spec)
        recorded = asdict(replace(self, system_prompt=system_prompt))
        recorded["locales"] = list(self.locales)
        return recorded

    @classmethod
    def from_recorded(cls, recorded: dict[str, Any]) -> EvalSettings:
        """The settings of an earlier eval (its system prompt included), to evaluate another model the same way."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in recorded.items() if k in known}
        values["locales"] = tuple(values.get("locales", ("US", "UK")))
        return cls(**values)


def run_system_prompt(model_spec: str) -> str:
    """The system prompt a run was trained with (its stored config), else the platform default."""
    path = Path(model_spec).expanduser()
    if (path / RUN_FILE).is_file():
        config = RunDirectory(path).stored_config() or {}
        prompt = (config.get("model") or {}).get("system_prompt")
        if isinstance(prompt, str):
            return prompt
    return DEFAULT_SYSTEM_PROMPT
