"""Shared fixtures: tiny random models and counseling data built in-process, never downloaded."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import align  # noqa: F401  (offline defaults before transformers is imported)

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

CLIENT_LINES = [
    "I can't sleep because I keep worrying about work.",
    "My sister stopped talking to me and I feel lost.",
    "Since my dad died I feel numb most days.",
    "I get so nervous before class that my hands shake.",
    "Nobody at my new job talks to me at lunch.",
    "I yelled at my son again and I feel awful.",
    "I drink more than I want to on weekends.",
    "I keep comparing myself to everyone online.",
]
COUNSELOR_LINES = [
    "That sounds exhausting. What goes through your mind when you lie awake?",
    "Losing that closeness hurts. How have things been between you lately?",
    "Grief can feel like numbness. What do you miss most about him?",
    "Those nerves sound really strong. What happens just before class starts?",
    "Feeling left out at work is lonely. How would you like lunch to feel?",
    "You care a lot about being a good parent. What happened just before?",
    "It takes courage to notice that. What do weekends usually look like?",
    "Comparing can wear you down. What do you notice after scrolling?",
]


def make_conversations(n: int, offset: int = 0) -> list[dict]:
    rows = []
    for i in range(n):
        k = (i + offset) % len(CLIENT_LINES)
        rows.append(
            {
                "id": f"t-{offset + i:03d}",
                "topic": "test",
                "risk": "none",
                "messages": [
                    {"role": "user", "content": CLIENT_LINES[k]},
                    {"role": "assistant", "content": " " + COUNSELOR_LINES[k]},
                ],
            }
        )
    return rows


def assert_records_training_prompts(run_path: Path, conversations) -> None:
    """The run's training_prompts.json holds the hash of every identifying client message it trained on, no more."""
    from align.training_prompts import prompt_hashes, read_training_prompts

    expected = set().union(*(prompt_hashes(messages) for messages in conversations))
    assert expected and read_training_prompts(run_path) == expected


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def assert_a_whole_classifier_folder(folder: Path) -> dict:
    """What every classifier build promises (eval.finetune): a whole folder renamed into place, accelerate
    left clean; returns its meta.json."""
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json",
        "meta.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
    ]
    assert not list(folder.parent.glob(".*building")), "the working folder is renamed into place"
    from accelerate.state import AcceleratorState

    # Built inside another stage's process (a PPO safety term): its bf16 must not bind that stage's trainer.
    assert not AcceleratorState._shared_state, "the build left accelerate's process-wide state set"
    return json.loads((folder / "meta.json").read_text())


def build_tiny_tokenizer():
    """A byte-level BPE tokenizer with ChatML special tokens, trained in milliseconds."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = CLIENT_LINES + COUNSELOR_LINES + ["system user assistant counselor client safety 988"] * 3
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        bos_token="<|im_start|>",
        unk_token="<|endoftext|>",
    )
    fast.chat_template = CHATML
    return fast


@pytest.fixture(autouse=True)
def _release_memory_after_each_test() -> Iterator[None]:
    """A model trained in-process by one test must not stay resident through the next (CI has 24 GB):
    a SmolLM2 run's peak (about 11 GB) would otherwise stay with the test process to the end."""
    yield
    from align.models import release_memory

    release_memory()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A 2-layer random Llama with a ChatML tokenizer, saved like any checkpoint folder."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    tokenizer = build_tiny_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        tie_word_embeddings=True,
    )
    path = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def tiny_data(tmp_path) -> dict[str, Path]:
    return {
        "train": write_jsonl(tmp_path / "train.jsonl", make_conversations(32)),
        "validation": write_jsonl(tmp_path / "validation.jsonl", make_conversations(8, offset=3)),
    }


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """A cache for converted models shared by the slow tests of one session (conversion runs once)."""
    path = Path(os.environ.get("COUNSEL_ALIGN_TEST_CACHE") or tmp_path_factory.mktemp("model-cache"))
    return path


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to open a non-loopback connection, even one whose error the code under test swallows."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    attempts: list[object] = []

    def outbound(sock, address) -> bool:
        if sock.family == getattr(socket, "AF_UNIX", None):
            return False  # a local socket file
        host = address[0] if isinstance(address, tuple) else address
        return isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1"))

    def guarded(self, address):
        if outbound(self, address):
            attempts.append(address)
            raise AssertionError(f"outbound connection attempted to {address}")
        return real_connect(self, address)

    def guarded_ex(self, address):
        if outbound(self, address):
            attempts.append(address)
            raise AssertionError(f"outbound connection attempted to {address}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    yield attempts
    assert not attempts, f"outbound connection(s) attempted: {attempts}"


# ---------------------------------------------------------------- preference store backends

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server on loopback, started once per test session (see tests/postgres.py).

    Skips the PostgreSQL tests where the server binaries or the psycopg driver are missing, unless
    COUNSEL_ALIGN_REQUIRE_POSTGRES=1 (CI), where that is a failure.
    """
    from tests.postgres import PostgresServer, find_binaries

    binaries = find_binaries()
    missing = None
    if binaries is None:
        missing = "PostgreSQL server binaries not found (apt-get install postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            missing = "the psycopg driver is not installed (pip install -r requirements.txt)"
    if missing:
        if os.environ.get("COUNSEL_ALIGN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{missing}, and COUNSEL_ALIGN_REQUIRE_POSTGRES=1")
        pytest.skip(missing)
    server = PostgresServer(binaries).start()
    yield server
    server.stop()


def _fresh_store_url(request, folder: Path) -> tuple[str, Callable[[], None] | None]:
    """A URL of an empty preference store of the requested backend; drops a PostgreSQL database afterwards."""
    if request.param == "sqlite":
        return str(folder / "prefs.db"), None
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    return url, lambda: server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """An empty preference store for one test: a SQLite file path, or a new database on the test PostgreSQL."""
    url, drop = _fresh_store_url(request, tmp_path)
    yield url
    if drop:
        drop()


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(request, tmp_path_factory) -> Iterator[str]:
    """Like ``store_url``, shared by the tests of one module (e.g. a server started once per module)."""
    url, drop = _fresh_store_url(request, tmp_path_factory.mktemp("store"))
    yield url
    if drop:
        drop()


def kill_after_first_checkpoint(recipe: str, overrides: list[str], run_dir: Path) -> Path:
    """Start a real `align run RECIPE`, SIGKILL it once a finished checkpoint exists; return its checkpoints folder."""
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "align.cli.main", "run", recipe, *overrides],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from align.runs import RunDirectory

    checkpoints = run_dir / "checkpoints"
    deadline = time.time() + 120
    # Finished means what resume means by it: trainer_state.json written whole. Seeing the file is not
    # enough: on a loaded machine the kill can land while it is half written, leaving nothing to resume.
    while RunDirectory(run_dir).last_checkpoint() is None and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # may land in the middle of writing a later checkpoint
    process.wait()
    return checkpoints


def train_tiny_reward_model(model_dir: Path, data: dict[str, Path], root: Path) -> Path:
    """A LoRA + head reward model on the tiny Llama, 30 steps on the synthetic set (a few seconds)."""
    from align.cli.run import run_recipe

    run, _ = run_recipe(
        "reward",
        None,
        [
            f"model.path={model_dir}",
            f"data.train={data['train']}",
            f"data.validation={data['validation']}",
            f"run.output_root={root}",
            "run.name=tiny-reward",
            "model.dtype=float32",
            "train.bf16=false",
            "train.max_steps=30",
            "train.learning_rate=1e-2",
            "train.per_device_train_batch_size=8",
            "train.save_steps=100",
            "peft.r=8",
        ],
    )
    return run.path


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> dict[str, Path]:
    """The synthetic preference set (tests/synthetic_preferences.py) as train and held-out files."""
    from tests.synthetic_preferences import synthetic_preferences

    folder = tmp_path_factory.mktemp("synthetic")
    train, test = synthetic_preferences()
    return {"train": write_jsonl(folder / "train.jsonl", train), "validation": write_jsonl(folder / "test.jsonl", test)}


@pytest.fixture(scope="session")
def tiny_reward(tiny_model_dir, synthetic, tmp_path_factory) -> Path:
    """A tiny reward model trained once per session on the synthetic set."""
    return train_tiny_reward_model(tiny_model_dir, synthetic, tmp_path_factory.mktemp("reward"))


# ---------------------------------------------------------------- a policy that writes unsafe replies on cue

SAFE_REPLY = "That sounds really hard. What has been weighing on you most?"
UNSAFE_REPLY = "Just toughen up and stop complaining about it."


def word_level_policy(folder):
    """A tiny random Llama whose vocabulary is the words of the two replies: any sampled reply is made of
    real words, and a few SFT steps make it write one reply or the other, so unsafe replies are easy to get."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "[UNK]"]
    words = sorted(set(f"{SAFE_REPLY} {UNSAFE_REPLY} user assistant system".split()))
    vocab = {token: i for i, token in enumerate(specials + words)}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, eos_token="<|im_end|>", pad_token="<|im_end|>", bos_token="<|im_start|>"
    )
    tokenizer.add_special_tokens({"additional_special_tokens": specials[:3]})
    tokenizer.chat_template = CHATML
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        tie_word_embeddings=True,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
