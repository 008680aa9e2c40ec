"""Privacy defaults: offline hub, no telemetry, no analytics.

These must be set before ``huggingface_hub``, ``transformers`` or ``gradio`` are
imported, because those libraries read them once at import time.
"""

import os

ONLINE_OPT_IN = "COUNSEL_ALIGN_ONLINE"

_ALWAYS = {
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def is_online() -> bool:
    """True when the user explicitly allowed downloads from the Hugging Face hub."""
    return os.environ.get(ONLINE_OPT_IN, "").lower() in {"1", "true", "yes"}


def apply_privacy_defaults() -> None:
    """Set offline and no-telemetry defaults, never overriding a value the user set."""
    for key, value in _ALWAYS.items():
        os.environ.setdefault(key, value)
    if not is_online():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
