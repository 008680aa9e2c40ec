"""`align run kto`: unpaired labels from `align export` or from preference pairs, and one tiny real run."""

import json
import re
from pathlib import Path

import pytest

from align.cli.run import run_recipe
from align.preference_data import load_kto_rows
from align.schema import DataError
from tests.conftest import assert_records_training_prompts
from tests.synthetic_preferences import synthetic_preferences
from tests.test_cli import align


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_kto_rows_from_the_export_layout(tmp_path):
    rows = [
        {"prompt": [{"role": "user", "content": "I feel low."}],
         "completion": [{"role": "assistant", "content": "That sounds heavy. What happened?"}], "label": True},
        {"prompt": "I feel low.", "completion": "Cheer up.", "label": False},
    ]  # fmt: skip
    examples = load_kto_rows(str(write_jsonl(tmp_path / "kto_train.jsonl", rows)))
    assert [e["label"] for e in examples] == [True, False]
    assert examples[1]["completion"] == [{"role": "assistant", "content": "Cheer up."}]
    assert examples[0]["prompt_id"] == examples[1]["prompt_id"]  # same prompt, same id (hash)

    bad = write_jsonl(tmp_path / "bad.jsonl", [{**rows[0], "label": "yes"}, {**rows[1], "completion": ""}])
    with pytest.raises(DataError) as error:
        load_kto_rows(str(bad))
    assert "line 1, field 'label': expected true (desirable) or false" in str(error.value)
    assert "line 2, field 'completion'.content: empty reply" in str(error.value)


def test_kto_rows_from_rankings_use_net_wins(tmp_path):
    """Each reply's pairs won minus lost decide: the middle tier (one win, one loss each) is left out."""
    ranked = {
        "id": "p1",
        "prompt": [{"role": "user", "content": "I feel low."}],
        "replies": [{"id": r, "text": f"Reply {r}."} for r in ("a", "b", "c", "d")],
        "ranking": [["a"], ["b", "c"], ["d"]],
    }
    examples = load_kto_rows(str(write_jsonl(tmp_path / "rankings.jsonl", [ranked])))
    assert {e["completion"][0]["content"]: e["label"] for e in examples} == {"Reply a.": True, "Reply d.": False}
    assert {e["prompt_id"] for e in examples} == {"p1"}
    assert len(load_kto_rows("sample:train")) > 100  # the written sample rankings give labels too


def test_validate_shipped_kto_config():
    result = align("validate", "--config", "configs/kto.yaml")
    assert result.returncode == 0, result.stderr
    assert re.match(
        r"ok: configs/kto.yaml is a valid 'kto' config; data: \d+ train, \d+ validation labelled replies", result.stdout
    )


def test_tiny_kto_run(tiny_model_dir, tmp_path):
    train, test = synthetic_preferences()
    unpaired = []  # every chosen reply desirable, rejected ones only for half the prompts: unbalanced on purpose
    for i, pair in enumerate(train):
        unpaired.append({"prompt": pair["prompt"], "completion": pair["chosen"], "label": True})
        if i % 2 == 0:
            unpaired.append({"prompt": pair["prompt"], "completion": pair["rejected"], "label": False})
    run, metrics = run_recipe(
        "kto",
        "configs/kto.yaml",
        [
            f"model.path={tiny_model_dir}",
            f"data.train={write_jsonl(tmp_path / 'kto_train.jsonl', unpaired)}",
            f"data.validation={write_jsonl(tmp_path / 'test.jsonl', test)}",  # pairs: labels from net wins
            "model.dtype=float32",
            "model.system_prompt=",
            "train.bf16=false",
            "train.max_steps=10",
            "train.learning_rate=1e-2",
            "train.logging_steps=2",
            "kto.probe_prompts=2",
            "kto.probe_max_new_tokens=8",
            f"run.output_root={tmp_path}",
            "run.name=kto",
        ],
    )
    assert metrics["train_steps"] == 10 and metrics["validation_examples"] == 80
    assert metrics["desirable_weight"] == pytest.approx(78 / 156)  # balanced: undesirable / desirable
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"]
    assert metrics["probe_after"]["kl"] > 0 and (run.path / "adapter" / "adapter_config.json").is_file()
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and len(info["data"]["train"]["sha256"]) == 64
    trained_on = load_kto_rows(info["data"]["train"]["source"])
    assert_records_training_prompts(run.path, [row["prompt"] for row in trained_on])
