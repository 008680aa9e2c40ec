"""The `align` command as a user runs it: a real subprocess, real files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def align(*args: str, cwd: Path = ROOT, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "align.cli.main", *args],
        cwd=cwd,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_help_is_instant_and_lists_commands():
    result = align("--help")
    assert result.returncode == 0
    for command in ("run", "validate", "runs", "chat", "demo"):
        assert command in result.stdout


def test_validate_shipped_config():
    result = align("validate", "--config", "configs/sft.yaml")
    assert result.returncode == 0, result.stderr
    assert "ok: configs/sft.yaml is a valid 'sft' config; data: 269 train, 39 validation conversations" in result.stdout


def test_validate_reports_every_problem_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("recipe: sft\ntrain:\n  lerning_rate: 0.1\npeft:\n  r: big\n")
    result = align("validate", "--config", str(bad), "model.dtpye=bfloat16")
    assert result.returncode == 2
    assert "3 problem(s)" in result.stderr
    assert "Did you mean 'learning_rate'?" in result.stderr and "Did you mean 'dtype'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reports_bad_data_with_line(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]}\n')
    result = align("validate", "--config", "configs/sft.yaml", f"data.train={data}")
    assert result.returncode == 2
    assert f"{data}" in result.stderr and "line 1, field 'messages[1]'.content: empty reply" in result.stderr


def test_unknown_argument_is_refused():
    result = align("runs", "--bogus")
    assert result.returncode == 2 and "unrecognized arguments: --bogus" in result.stderr


def test_run_runs_and_chat_end_to_end(tiny_model_dir, tiny_data, tmp_path):
    """The README's flow on a tiny model: train, list, chat with the result."""
    result = align(
        "run",
        "sft",
        "--config",
        str(ROOT / "configs" / "sft.yaml"),
        f"model.path={tiny_model_dir}",
        f"data.train={tiny_data['train']}",
        f"data.validation={tiny_data['validation']}",
        "train.max_steps=2",
        "run.name=cli",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "validation loss:" in result.stdout and "run complete: runs/cli" in result.stdout
    assert "FutureWarning" not in result.stderr  # the libraries' deprecation notices are for -v, not the user

    listing = align("runs", cwd=tmp_path)
    assert "cli" in listing.stdout and "completed" in listing.stdout

    chat = align(
        "chat",
        "--model",
        "runs/cli",
        "--max-new-tokens",
        "5",
        cwd=tmp_path,
        stdin="I feel anxious.\n/reset\nStill anxious.\n/quit\n",
    )
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.count("counselor> ") == 2 and "(new conversation)" in chat.stdout


@pytest.mark.parametrize(
    "spec, expected", [("runs/none", "not in the Hugging Face cache"), ("/no/such/model", "does not exist")]
)
def test_chat_with_missing_model_is_a_clear_error(spec, expected, tmp_path):
    result = align("chat", "--model", spec, cwd=tmp_path, stdin="")
    assert result.returncode == 2 and expected in result.stderr


def test_users_add_list_disable(tmp_path):
    db = str(tmp_path / "prefs.db")
    added = align("users", "add", "dana", "--role", "admin", "--password-stdin", "--db", db, stdin="long enough pw\n")
    assert added.returncode == 0, added.stderr
    assert align("users", "disable", "dana", "--db", db).returncode == 0
    listing = align("users", "list", "--db", db)
    assert "dana" in listing.stdout and "admin" in listing.stdout and "disabled" in listing.stdout
    short = align("users", "add", "sam", "--password-stdin", "--db", db, stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    from annotate.store import RankingStore

    assert "long enough pw" not in (tmp_path / "prefs.db").read_bytes().decode("latin-1")
    assert RankingStore(db).authenticate("dana", "long enough pw") is None  # disabled


def test_generate_stores_candidates_with_provenance_once(tiny_model_dir, tiny_data, tmp_path):
    from annotate.store import RankingStore

    db = str(tmp_path / "prefs.db")
    args = (
        "generate",
        "--model",
        str(tiny_model_dir),
        "--prompts",
        str(tiny_data["validation"]),
        "--n",
        "3",
        "--max-new-tokens",
        "8",
        "--db",
        db,
    )
    first = align(*args)
    assert first.returncode == 0, first.stderr
    store = RankingStore(db)
    counts = store.counts()
    assert counts["prompts"] == 8 and 0 < counts["candidates"] <= 24
    candidate = store.candidates(1)[0]
    assert candidate.source == str(tiny_model_dir) and candidate.sampling["temperature"] == 0.8
    again = align(*args)
    assert again.returncode == 0 and "0 new candidates" in again.stdout and store.counts() == counts
    more = align(*args, "--seed", "1")
    assert more.returncode == 0 and store.counts()["candidates"] > counts["candidates"]


def test_demo_names_an_unknown_recipe_and_a_bad_recipe_config_before_any_stage_runs(tmp_path):
    unknown = align("demo", "--recipe", "nope", "--root", str(tmp_path / "runs"))
    assert unknown.returncode != 0 and "unknown recipe 'nope'; shipped: counselor" in unknown.stderr

    recipe = yaml.safe_load((ROOT / "configs" / "recipes" / "counselor.yaml").read_text())
    for stage in ("sft", "reward", "dpo", "ppo"):
        recipe[stage]["config"] = str(ROOT / "configs" / recipe[stage]["config"].removeprefix("../"))
    cases = {
        "checks name ['sample:safety'], which compare.prompts ['sample:test'] lacks": {
            "compare": {"prompts": "sample:test"}
        },
        "checks: unknown key(s) ['min_winrate']": {"checks": {**recipe["checks"], "min_winrate": 0.7}},
        "ppo: unknown key 'start_form'": {"ppo": {**recipe["ppo"], "start_form": "dpo"}},
        "ppo.probe_stpes: unknown key": {"ppo": {**recipe["ppo"], "overrides": ["ppo.probe_stpes=3"]}},
    }
    for message, change in cases.items():
        config = tmp_path / "recipe.yaml"
        config.write_text(yaml.safe_dump({**recipe, **change}))
        result = align("demo", "--config", str(config), "--root", str(tmp_path / "runs"))
        assert result.returncode != 0 and message in result.stderr, (message, result.stderr)
    assert not (tmp_path / "runs" / "sft").exists()  # nothing ran
