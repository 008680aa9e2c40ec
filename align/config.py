"""Config loading: YAML file + ``dotted.key=value`` overrides -> typed, validated sections.

One grammar for every stage::

    align run sft --config configs/sft.yaml train.learning_rate=1e-4 model.path=runs/sft-x

Our own small sections (``model``, ``data``, ``peft``, ``run``) are dataclasses; the
``train:`` section is handed whole to TRL's own config class (``SFTConfig``...), so TRL's
fields are never re-declared here. Every problem in a config is collected and reported
in one ``ConfigError``: which key, where, what was wrong, what is allowed, and a
"did you mean" for misspelt keys. A typo is never silently ignored.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

DEFAULT_SYSTEM_PROMPT = (
    "You are a supportive counseling assistant. Listen carefully, reflect the client's feelings, "
    "ask open questions, and never diagnose or give medication advice. If the client may be at "
    "risk of harm, ask directly about their safety and share crisis resources such as calling or "
    "texting 988 (US) or Samaritans on 116 123 (UK)."
)


class ConfigError(ValueError):
    """Every problem found in one config, as one readable message."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in config {source}:\n{listing}")


@dataclass
class ModelSection:
    """Which checkpoint to start from and how to load it."""

    path: str = "smollm2-135m-instruct"  # built-in default, a local folder, a run directory or a hub id
    dtype: Literal["auto", "bfloat16", "float32", "float16"] = "auto"
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    trust_remote_code: bool = False


@dataclass
class PeftSection:
    """Parameter-efficient fine-tuning. ``full`` trains every weight."""

    method: Literal["lora", "qlora", "full"] = "lora"
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    merge: bool = True  # also save base+adapter merged into one ordinary checkpoint


@dataclass
class RunSection:
    """Where the run directory goes and how the run is seeded."""

    name: str | None = None  # default: <recipe>-<timestamp>
    output_root: str = "runs"
    seed: int = 42


RUN_OWNS_TRAIN_KEYS = {"output_dir": "set by the run directory; use run.output_root / run.name instead"}


@dataclass
class Recipe:
    """What a stage declares so the CLI can validate and run it."""

    name: str
    sections: dict[str, type]
    trainer_config: str | None  # dotted path of the TRL config class, imported only when needed; None: no `train:`
    train_defaults: dict[str, Any] = field(default_factory=dict)  # our defaults, under the user's values
    # train keys another section owns, with what to use instead
    reserved_train_keys: dict[str, str] = field(default_factory=lambda: dict(RUN_OWNS_TRAIN_KEYS))


@dataclass
class ResolvedConfig:
    """A fully validated config: typed sections plus the TRL trainer config."""

    recipe: str
    sections: dict[str, Any]
    train: Any
    raw: dict[str, Any] = field(repr=False)
    source: str = "<overrides>"
    train_keys: list[str] = field(default_factory=list)  # the train fields set by the recipe or the user

    def __getattr__(self, name: str) -> Any:
        sections = self.__dict__.get("sections", {})
        if name in sections:
            return sections[name]
        raise AttributeError(name)


# ---------------------------------------------------------------- loading


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML config file into a dict, with file:line in any syntax error."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(str(path), [f"config file not found: {path}"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"not valid UTF-8 (byte {exc.start})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(str(path), [f"{where}invalid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), [f"top level must be a mapping of sections, found {type(data).__name__}"])
    return data


def key_lines(path: str | Path) -> dict[str, int]:
    """Map each dotted key in a YAML file to its 1-based line number, for error messages."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                dotted = f"{prefix}{key_node.value}"
                lines[dotted] = key_node.start_mark.line + 1
                walk(value_node, dotted + ".")

    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return lines
    if root is not None:
        walk(root, "")
    return lines


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``dotted.key=value`` overrides; values are parsed as YAML so types come out right."""
    problems = []
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"override {item!r}: expected dotted.key=value, e.g. train.learning_rate=1e-4")
            continue
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        node = raw
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                problems.append(f"override {item!r}: {part!r} is not a section")
                break
            node = child
        else:
            node[parts[-1]] = value
    if problems:
        raise ConfigError("<command line>", problems)
    return raw


# ---------------------------------------------------------------- validation


def _suggest(name: str, allowed: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def matches_type(value: Any, annotation: Any) -> bool:
    """Whether a YAML-loaded value fits a dataclass annotation (ints are accepted for floats)."""
    if annotation is Any or annotation is typing.Any:
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(matches_type(value, a) for a in args)
    if origin is Literal:
        return value in args
    if annotation is type(None):
        return value is None
    if origin in (list, tuple):
        return isinstance(value, list) and (not args or all(matches_type(v, args[0]) for v in value))
    if origin is dict:
        return isinstance(value, dict) and (
            not args or all(matches_type(k, args[0]) and matches_type(v, args[1]) for k, v in value.items())
        )
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return value in {m.value for m in annotation}
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True  # an annotation we cannot check statically: let the class itself validate


def _coerce_yaml11(value: Any, annotation: Any) -> Any:
    """Undo two YAML 1.1 surprises where the field's type makes the intent clear.

    ``1e-4`` (no dot) loads as a string, and ``no`` (as in ``save_strategy: no``) as False.
    """
    if isinstance(value, str) and matches_type(1.5, annotation) and not matches_type(value, annotation):
        try:
            return float(value)
        except ValueError:
            return value
    if value is False and not matches_type(False, annotation) and matches_type("no", annotation):
        return "no"
    return value


def check_mapping(
    values: dict[str, Any], cls: type, section: str, lines: dict[str, int], problems: list[str]
) -> dict[str, Any]:
    """Check keys and value types of one section against a dataclass; return the valid subset."""
    hints = typing.get_type_hints(cls)
    allowed = {f.name for f in dataclasses.fields(cls) if f.init}
    valid = {}
    for key, value in values.items():
        dotted = f"{section}.{key}"
        where = f"line {lines[dotted]}: " if dotted in lines else ""
        if key not in allowed:
            problems.append(f"{where}{dotted}: unknown key.{_suggest(key, allowed)}")
            continue
        value = _coerce_yaml11(value, hints[key])
        if not matches_type(value, hints[key]):
            problems.append(
                f"{where}{dotted}: expected {_type_name(hints[key])}, found {value!r} ({type(value).__name__})"
            )
        else:
            valid[key] = value
    return valid


def hardware_train_defaults() -> dict[str, Any]:
    """Precision and device defaults for any TRL config: bf16 where the hardware is fast at it."""
    import torch

    from align.models import bf16_available

    return {"use_cpu": not torch.cuda.is_available(), "bf16": bf16_available()}


def _import(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def resolve_config(
    recipe: Recipe, raw: dict[str, Any], source: str = "<config>", lines: dict[str, int] | None = None
) -> ResolvedConfig:
    """Validate a raw config dict for a recipe; raise one ConfigError listing every problem."""
    lines = lines or {}
    problems: list[str] = []
    declared = raw.get("recipe", recipe.name)
    if declared != recipe.name:
        problems.append(f"recipe: this config is for {declared!r}, but it was given to {recipe.name!r}")
    known = {"recipe", *recipe.sections, *(["train"] if recipe.trainer_config else [])}
    for key in raw:
        if key not in known:
            where = f"line {lines[key]}: " if key in lines else ""
            problems.append(f"{where}{key}: unknown section. Allowed: {sorted(known)}.{_suggest(key, known)}")

    sections = {}
    for name, cls in recipe.sections.items():
        values = raw.get(name) or {}
        if not isinstance(values, dict):
            problems.append(f"{name}: must be a mapping of keys, found {type(values).__name__}")
            values = {}
        sections[name] = cls(**check_mapping(values, cls, name, lines, problems))
        check = getattr(sections[name], "validate", None)
        if check is not None:
            problems.extend(f"{name}.{p}" for p in check())

    train_values = (raw.get("train") or {}) if recipe.trainer_config else {}
    if not isinstance(train_values, dict):
        problems.append(f"train: must be a mapping of {recipe.trainer_config} fields")
        train_values = {}
    for key, instead in recipe.reserved_train_keys.items():
        if key in train_values:
            problems.append(f"train.{key}: {instead}")
            train_values = {k: v for k, v in train_values.items() if k != key}

    trainer_cls = _import(recipe.trainer_config) if recipe.trainer_config else None  # None: a loop we own (PPO)
    train_kwargs = check_mapping(train_values, trainer_cls, "train", lines, problems) if trainer_cls else {}
    train_kwargs = {**recipe.train_defaults, **train_kwargs}
    train = None
    if not problems and trainer_cls:
        try:
            train = trainer_cls(output_dir="unused-until-run", **{**hardware_train_defaults(), **train_kwargs})
        except (ValueError, TypeError) as exc:
            problems.append(f"train: {trainer_cls.__name__} rejected the values: {exc}")
    if problems:
        raise ConfigError(source, problems)
    return ResolvedConfig(
        recipe=recipe.name,
        sections=sections,
        train=train,
        raw=raw,
        source=source,
        train_keys=list(train_kwargs),
    )


def load_config(recipe: Recipe, path: str | Path | None, overrides: list[str] | None = None) -> ResolvedConfig:
    """Load a YAML file (or start empty), apply overrides and validate everything."""
    raw = load_yaml(path) if path else {}
    lines = key_lines(path) if path else {}
    apply_overrides(raw, overrides or [])
    return resolve_config(recipe, raw, source=str(path or "<defaults>"), lines=lines)


def to_plain_dict(resolved: ResolvedConfig) -> dict[str, Any]:
    """The effective config (defaults filled in) as YAML-safe data, for the run directory."""
    out: dict[str, Any] = {"recipe": resolved.recipe}
    for name, section in resolved.sections.items():
        out[name] = dataclasses.asdict(section)
    if resolved.train is not None:
        out["train"] = {k: _yaml_safe(getattr(resolved.train, k)) for k in resolved.train_keys}
    return out


def _yaml_safe(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _yaml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_yaml_safe(v) for v in value]
    return value
