"""Config loading and validation: every bad key or value is named, with line and suggestion."""

from pathlib import Path

import pytest

from align.cli.main import main
from align.config import ConfigError, apply_overrides, load_config
from align.recipes import RECIPE_MODULES, recipe_module
from sft.train import RECIPE

CONFIGS = Path(__file__).resolve().parent.parent / "configs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_defaults_only_is_valid():
    config = load_config(RECIPE, None)
    assert config.model.path == "smollm2-135m-instruct"
    assert config.peft.method == "lora"
    assert config.train.assistant_only_loss is True
    assert config.train.packing is False or config.train.packing is True


def test_overrides_are_parsed_as_yaml_types(tmp_path):
    config = load_config(
        RECIPE,
        None,
        [
            "train.learning_rate=1e-4",
            "peft.r=4",
            "train.packing=false",
            "peft.target_modules=[q_proj, v_proj]",
        ],
    )
    assert config.train.learning_rate == pytest.approx(1e-4)
    assert config.peft.r == 4
    assert config.train.packing is False
    assert config.peft.target_modules == ["q_proj", "v_proj"]


def test_unknown_keys_are_errors_with_line_and_suggestion(tmp_path):
    path = write(tmp_path, "recipe: sft\nmodel:\n  pth: x\ntrain:\n  learnin_rate: 0.1\npef:\n  r: 2\n")
    with pytest.raises(ConfigError) as info:
        load_config(RECIPE, path)
    message = str(info.value)
    assert "line 3: model.pth: unknown key. Did you mean 'path'?" in message
    assert "line 5: train.learnin_rate: unknown key. Did you mean 'learning_rate'?" in message
    assert "line 6: pef: unknown section" in message and "Did you mean 'peft'?" in message
    assert len(info.value.problems) == 3  # all problems reported at once


def test_wrong_types_say_what_is_allowed(tmp_path):
    path = write(tmp_path, "peft:\n  r: sixteen\n  method: adapter\ntrain:\n  num_train_epochs: many\n")
    with pytest.raises(ConfigError) as info:
        load_config(RECIPE, path)
    message = str(info.value)
    assert "peft.r: expected int, found 'sixteen'" in message
    assert "peft.method: expected 'lora' | 'qlora' | 'full', found 'adapter'" in message
    assert "train.num_train_epochs: expected float" in message


def test_trl_rejections_are_reported_under_train(tmp_path):
    with pytest.raises(ConfigError, match="train: SFTConfig rejected"):
        load_config(RECIPE, None, ["train.eval_strategy=sometimes"])


def test_run_directory_owns_output_dir():
    with pytest.raises(ConfigError, match="train.output_dir: set by the run directory"):
        load_config(RECIPE, None, ["train.output_dir=/tmp/x"])


def test_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="line 3, column 1: invalid YAML"):
        load_config(RECIPE, write(tmp_path, "model:\n  path: [unclosed\n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(RECIPE, tmp_path / "nope.yaml")


def test_malformed_override():
    with pytest.raises(ConfigError, match="expected dotted.key=value"):
        apply_overrides({}, ["train.learning_rate"])


def test_config_for_another_recipe_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="this config is for 'dpo'"):
        load_config(RECIPE, write(tmp_path, "recipe: dpo\n"))


def test_missing_data_file_is_reported():
    with pytest.raises(ConfigError, match="data.train: data file not found: /nowhere/x.jsonl"):
        load_config(RECIPE, None, ["data.train=/nowhere/x.jsonl"])


@pytest.mark.parametrize("path", sorted(CONFIGS.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_validates(path):
    from align.config import load_yaml

    raw = load_yaml(path)
    if "recipe" not in raw:  # a multi-stage file such as demo.yaml: validate each stage
        for stage in (v for v in raw.values() if isinstance(v, dict) and "recipe" in v):
            module = recipe_module(stage["recipe"])
            config = load_config(module.RECIPE, path.parent / stage["config"], stage.get("overrides", []))
            assert module.check_data(config)["train"] > 0
        return
    if raw["recipe"] == "gate":  # the release gate's policy, not a training stage
        from eval.gate import load_policy

        assert load_policy(path).max_lethal_replies == 0
        assert main(["validate", "--config", str(path)]) == 0
        return
    assert raw["recipe"] in RECIPE_MODULES
    module = recipe_module(raw["recipe"])
    assert module.check_data(load_config(module.RECIPE, path))["train"] > 0


def test_yaml_11_surprises_are_read_as_meant(tmp_path):
    path = write(tmp_path, "train:\n  learning_rate: 1e-4\n  save_strategy: no\n")
    config = load_config(RECIPE, path, ["train.eval_strategy=no"])
    assert config.train.learning_rate == pytest.approx(1e-4)
    assert config.train.save_strategy == "no" and config.train.eval_strategy == "no"
