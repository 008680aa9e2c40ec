"""The model card (README.md) written into every run directory."""

from __future__ import annotations

from typing import Any

import yaml

from align.runs import RunDirectory

RESPONSIBLE_USE = """\
## Intended use and limitations

This checkpoint is a research artefact for building and evaluating counseling chatbots.
It is **not** a replacement for a licensed mental-health professional and must not be
deployed to people in distress without human oversight, safety evaluation (`align eval`)
and a crisis-escalation path. Anyone in immediate danger should contact local emergency
services; in the US call or text 988, in the UK and Ireland call Samaritans on 116 123.
"""


def write_model_card(
    run: RunDirectory,
    title: str,
    summary: dict[str, Any],
    config: dict[str, Any],
    usage: str | None = None,
    details: str = "",
) -> None:
    """Write ``README.md``: what was trained from what, the key numbers, and how to use it.

    ``usage`` is the command that uses the checkpoint (default: chat with it); ``details`` is
    extra markdown placed after the results table (e.g. a stage's own report).
    """
    info = run.info()
    base = info.get("base_model", {})
    data = info.get("data", {})
    rows = "\n".join(f"| {k} | {_fmt(v)} |" for k, v in summary.items())
    data_rows = "\n".join(
        f"- {split}: `{d.get('source')}` (sha256 `{d.get('sha256', 'n/a')}`)" for split, d in data.items()
    )
    extra = f"{details.strip()}\n\n" if details.strip() else ""
    text = f"""# {title}: {run.name}

- Recipe: `{info.get("recipe")}`; started {info.get("started")}
- Base model: `{base.get("spec")}` (loaded from `{base.get("path")}`)
- Project commit: `{info.get("git_commit")}`
- Library versions: {", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items())}

## Data

{data_rows or "- (not recorded)"}

## Results

| metric | value |
|---|---|
{rows}

{extra}## Use it

```bash
{usage or f"align chat --model {run.path}"}
```

Reproduce: `align run {info.get("recipe")} --config {run.path / "config.yaml"} run.name=<new-name>`

{RESPONSIBLE_USE}
## Config

```yaml
{yaml.safe_dump(config, sort_keys=False, allow_unicode=True).strip()}
```
"""
    (run.path / "README.md").write_text(text, encoding="utf-8")


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)
