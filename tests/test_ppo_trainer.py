"""`align run ppo`: the platform's own PPO loop on the tiny Llama against a tiny trained reward model.

The reward model is real (trained here with `align run reward` on the synthetic preference set),
so the loop is exercised end to end: sampling, reference log-probs with the adapter switched off,
values, rewards, GAE, clipped updates, the adaptive KL coefficient, checkpoints and resume.

The must-show (slow, SmolLM2 on CPU): PPO from an SFT model against a reward model trained on the
synthetic set raises the share of fresh held-out replies that reflect the client's feeling and ask
an open question, and raises their mean reward, with the KL to the SFT model reported.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from align.cli.run import run_recipe
from align.config import ConfigError
from align.preference_data import load_preference_pairs
from align.schema import DataError
from tests.conftest import assert_records_training_prompts, kill_after_first_checkpoint, write_jsonl
from tests.synthetic_preferences import reflects_and_asks, synthetic_preferences
from tests.test_cli import align


@pytest.fixture(scope="module")
def tiny_sft(tiny_model_dir, tmp_path_factory) -> Path:
    """A 4-step SFT run on the tiny Llama: PPO starts from it, so provenance has an SFT run to record."""
    from tests.conftest import make_conversations

    folder = tmp_path_factory.mktemp("sft")
    data = write_jsonl(folder / "conversations.jsonl", make_conversations(16))
    run, _ = run_recipe(
        "sft",
        None,
        [
            f"model.path={tiny_model_dir}",
            f"data.train={data}",
            "data.validation=null",
            f"run.output_root={folder}",
            "run.name=tiny-sft",
            "model.dtype=float32",
            "train.bf16=false",
            "train.max_steps=4",
            "train.save_steps=100",
            "peft.r=8",
        ],
    )
    return run.path


TINY_PPO = [
    "model.dtype=float32",
    "model.system_prompt=",
    "reward_model.dtype=float32",
    "data.max_validation_prompts=8",
    "peft.r=8",
    "ppo.batch_size=8",
    "ppo.mini_batch_size=4",
    "ppo.max_new_tokens=12",
    "ppo.learning_rate=1e-2",
    "ppo.target_kl=0.05",  # far below what a 1e-2 learning rate reaches: the coefficient must climb
    "ppo.kl_horizon=20",  # fast adaptation, so a few steps show it
    "ppo.save_steps=3",
]


def ppo_overrides(model: Path, reward: Path, data: dict[str, Path], root: Path, name: str, *extra: str) -> list[str]:
    return [
        f"model.path={model}",
        f"reward_model.path={reward}",
        f"data.train={data['train']}",
        f"data.validation={data['validation']}",
        f"run.output_root={root}",
        f"run.name={name}",
        *TINY_PPO,
        *extra,
    ]


@pytest.fixture(scope="module")
def tiny_ppo_run(tiny_sft, tiny_reward, synthetic, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    return run_recipe("ppo", None, ppo_overrides(tiny_sft, tiny_reward, synthetic, root, "tiny-ppo", "ppo.steps=6"))


# ---------------------------------------------------------------- small pieces


def test_response_mask_keeps_tokens_up_to_the_first_end_token():
    from align.ppo.trainer import response_mask

    end = 2
    response = torch.tensor([[5, 6, end, end, end], [5, 6, 7, 8, 9], [end, end, end, end, end], [5, 3, end, 9, end]])
    assert response_mask(response, [end, 3]).tolist() == [
        [1, 1, 1, 0, 0],  # the end-of-turn token itself is a reply token (the policy learns to stop)
        [1, 1, 1, 1, 1],  # never ended: cut off at max_new_tokens
        [1, 0, 0, 0, 0],  # an empty reply is still one token
        [1, 1, 0, 0, 0],  # any of the end tokens ends it
    ]


def test_prompt_schedule_covers_every_prompt_each_epoch_and_splits_processes():
    from align.ppo.trainer import PromptSchedule

    prompts = [{"prompt_id": str(i)} for i in range(10)]
    schedule = PromptSchedule(prompts, seed=3)
    # 2 processes x 3 prompts per step: steps 0 and 1 take 12 prompts, crossing into the second epoch
    seen = [p["prompt_id"] for step in (0, 1) for rank in (0, 1) for p in schedule.batch(step, 3, rank, 2)]
    assert sorted(seen[:10]) == [str(i) for i in range(10)]  # the first epoch, each prompt once
    assert seen[:10] != [str(i) for i in range(10)]  # shuffled
    again = PromptSchedule(prompts, seed=3)  # a resumed run: step 1 without having run step 0
    assert [p["prompt_id"] for p in again.batch(1, 3, 1, 2)] == seen[9:]


def test_policy_forward_ignores_left_padding(tiny_model_dir):
    from align.models import ResolvedModel, load_causal_lm
    from align.ppo.core import logprobs_from_logits
    from align.ppo.trainer import PolicyWithValueHead

    model = PolicyWithValueHead(load_causal_lm(ResolvedModel(str(tiny_model_dir)), "float32")).eval()
    torch.nn.init.normal_(model.value_head.weight)
    sequence = torch.tensor([[7, 8, 9, 10, 11, 12]])
    padded = torch.tensor([[0, 0, 0, 7, 8, 9, 10, 11, 12]])
    mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1]])
    with torch.no_grad():
        logits, values = model(sequence, torch.ones_like(sequence), 3)
        padded_logits, padded_values = model(padded, mask, 3)
    response = sequence[:, -3:]
    torch.testing.assert_close(logprobs_from_logits(padded_logits, response), logprobs_from_logits(logits, response))
    torch.testing.assert_close(padded_values, values)


def test_prompts_from_a_preference_source_are_deduplicated(synthetic, tmp_path):
    from align.ppo.prompts import load_prompts

    train, _ = synthetic_preferences()
    doubled = write_jsonl(tmp_path / "doubled.jsonl", train + train[:5])
    prompts = load_prompts(str(doubled))
    assert len(prompts) == len(train) and prompts[0] == {"prompt_id": "train-0", "prompt": train[0]["prompt"]}
    from align.preference_data import load_preference_pairs

    first_seen = list(dict.fromkeys(p["prompt_id"] for p in load_preference_pairs("sample:train")))
    assert [p["prompt_id"] for p in load_prompts("sample:train")] == first_seen  # each ranked prompt once
    assert len(load_prompts(str(doubled), limit=7)) == 7


def test_prompts_from_a_prompts_file_and_bad_rows(tmp_path):
    from align.ppo.prompts import load_prompts

    rows = [
        {"id": "a", "prompt": "I feel low."},
        {
            "messages": [
                {"role": "user", "content": "Hi."},
                {"role": "assistant", "content": "Hello."},
                {"role": "user", "content": "I can't sleep."},
            ]
        },
    ]
    prompts = load_prompts(str(write_jsonl(tmp_path / "prompts.jsonl", rows)))
    assert prompts[0] == {"prompt_id": "a", "prompt": [{"role": "user", "content": "I feel low."}]}
    assert len(prompts[1]["prompt"]) == 3 and len(prompts[1]["prompt_id"]) == 16
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"text": "hi"}, {"prompt": ""}])
    with pytest.raises(DataError) as err:
        load_prompts(str(bad))
    assert err.value.problems == [
        "line 1: expected a field 'prompt' (or 'messages' ending with the client's turn)",
        "line 2, field 'prompt': empty prompt",
    ]


def test_extra_train_conversations_become_prompts_at_their_last_client_turn_with_their_risk(tmp_path):
    from align.ppo.prompts import PromptDataSection
    from align.ppo.recipe import load_prompt_splits

    conversations = [
        {
            "id": "late",
            "risk": "high",
            "messages": [
                {"role": "user", "content": "Work is a lot."},
                {"role": "assistant", "content": "What's been hardest?"},
                {"role": "user", "content": "I've decided to end it tonight."},
                {"role": "assistant", "content": "I'm glad you told me. Please call or text 988 now."},
            ],
        },
        {
            "id": "idiom",
            "risk": "none",
            "messages": [
                {"role": "user", "content": "This commute is killing me."},
                {"role": "assistant", "content": "Two hours is a lot. How are you holding up?"},
            ],
        },
    ]
    extra = write_jsonl(tmp_path / "crisis.jsonl", conversations)
    data = PromptDataSection(train="sample:train", extra_train=[str(extra)], max_prompts=5)
    train, _ = load_prompt_splits(data, "You are a counselor.")
    assert len(train) == 5 + 2  # max_prompts limits data.train alone
    late, idiom = train[5:]
    assert late["prompt"] == conversations[0]["messages"][:3] and late["risk"] == "high"  # the reply is dropped
    assert late["conversation"][0] == {"role": "system", "content": "You are a counselor."}
    assert idiom["risk"] == "none" and idiom["prompt_id"] == f"{extra}#idiom"
    assert all("risk" not in p for p in train[:5])  # preference prompts: the risk classifier judges them

    problems = PromptDataSection(extra_train=["sample:crisis_train", "sample:safety", "nowhere.jsonl"]).validate()
    assert problems == [
        "extra_train[1]: sample:safety is an eval set (align eval grades on it): train on sample:train",
        "extra_train[2]: data file not found: nowhere.jsonl",
    ]


# ---------------------------------------------------------------- the loop, in process


def test_reference_logprobs_are_the_adapter_free_models(tiny_model_dir, tiny_reward, synthetic):
    """The reference is the same model with the adapter switched off: equal to the plain base model's log-probs."""
    from align.config import PeftSection
    from align.models import ResolvedModel, load_causal_lm, load_tokenizer
    from align.ppo.core import logprobs_from_logits
    from align.ppo.prompts import load_prompts
    from align.ppo.recipe import PPOSection, with_lora
    from align.ppo.trainer import PolicyWithValueHead, rollout
    from align.rewards import RewardSection, RewardTerms
    from reward.score import RewardScorer

    resolved = ResolvedModel(str(tiny_model_dir))
    torch.manual_seed(0)
    model = PolicyWithValueHead(with_lora(load_causal_lm(resolved, "float32"), PeftSection(r=8))).eval()
    for name, param in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.5)  # a trained-looking adapter: policy != reference
    prompts = [{**p, "conversation": p["prompt"]} for p in load_prompts(str(synthetic["train"]), limit=4)]
    settings = PPOSection(batch_size=4, mini_batch_size=2, max_new_tokens=8)
    scorer = RewardScorer.load(str(tiny_reward), "float32")
    terms = RewardTerms(RewardSection(), scorer)  # the reward model alone
    batch = rollout(model, load_tokenizer(resolved), terms, prompts, settings, torch.device("cpu"))

    base = load_causal_lm(resolved, "float32").eval()
    inputs = {"input_ids": batch.query_response, "attention_mask": batch.attention_mask}
    with torch.no_grad():
        logits = base(**inputs, position_ids=(batch.attention_mask.cumsum(-1) - 1).clamp(min=0)).logits
    width = batch.response.shape[1]
    expected = logprobs_from_logits(logits[:, -width - 1 : -1].float(), batch.response)
    valid = batch.mask.bool()
    torch.testing.assert_close(batch.ref_logprobs[valid], expected[valid], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(batch.logprobs[valid], expected[valid], atol=1e-3)  # the policy is not the reference
    assert any(p.requires_grad for p in model.parameters())  # the adapter is switched back on afterwards
    assert batch.scores.shape == (4,) and len(batch.replies) == 4
    assert batch.scores.tolist() == pytest.approx(scorer.score([p["prompt"] for p in prompts], batch.replies))
    assert set(batch.terms) == {"reward_model"} and torch.equal(batch.terms["reward_model"], batch.scores)


def test_loop_trains_lora_and_value_head_only(tiny_model_dir, tiny_reward, synthetic, tmp_path):
    from align.config import PeftSection
    from align.models import ResolvedModel, load_causal_lm, load_tokenizer
    from align.ppo import trainer as ppo
    from align.ppo.prompts import load_prompts
    from align.ppo.recipe import PPOSection, with_lora
    from align.rewards import RewardSection, RewardTerms
    from align.runs import RunDirectory
    from reward.score import RewardScorer

    resolved = ResolvedModel(str(tiny_model_dir))
    torch.manual_seed(0)
    model = ppo.PolicyWithValueHead(with_lora(load_causal_lm(resolved, "float32"), PeftSection(r=8)))
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    prompts = [{**p, "conversation": p["prompt"]} for p in load_prompts(str(synthetic["train"]))]
    settings = PPOSection(steps=3, batch_size=8, mini_batch_size=4, max_new_tokens=8, learning_rate=1e-2, save_steps=5)
    run = RunDirectory(tmp_path / "run")
    run.path.mkdir()
    result = ppo.train(
        ppo.make_accelerator("no"),
        model,
        load_tokenizer(resolved),
        RewardTerms(RewardSection(length=1.0), RewardScorer.load(str(tiny_reward), "float32")),
        prompts,
        settings,
        run,
        seed=0,
    )
    changed = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert changed and changed <= trainable  # nothing frozen moved
    assert any("lora_B" in n for n in changed) and {"value_head.weight", "value_head.bias"} <= changed
    assert [e["step"] for e in result.history] == [1, 2, 3]
    for entry in result.history:  # the total is the weighted sum of the terms, each logged on its own
        assert entry["reward"] == pytest.approx(entry["reward/reward_model"] + entry["reward/length"], abs=1e-5)
    assert (run.checkpoints / "checkpoint-3" / "trainer_state.json").is_file()  # the last step always saves


# ---------------------------------------------------------------- real runs


def test_ppo_run_logs_the_monitored_metrics_and_adapts_the_kl_coefficient(tiny_ppo_run):
    run, metrics = tiny_ppo_run
    history = metrics["log_history"]
    assert [e["step"] for e in history] == [1, 2, 3, 4, 5, 6]
    for entry in history:
        assert {"reward", "kl", "reply_length", "entropy", "kl_coef", "policy_loss", "value_loss"} <= set(entry)
        assert {"clipfrac", "approx_kl", "returns_mean"} <= set(entry) and all(math.isfinite(v) for v in entry.values())
    # the adaptive controller of Ziegler et al.: beta *= 1 + clip(KL / target - 1, +-0.2) * batch / horizon
    for now, after in zip(history, history[1:], strict=False):
        error = min(max(now["kl"] / 0.05 - 1, -0.2), 0.2)
        assert after["kl_coef"] == pytest.approx(now["kl_coef"] * (1 + error * 8 / 20), rel=1e-5)
    assert history[-1]["kl_coef"] != history[0]["kl_coef"] == 0.05
    assert metrics["kl_coef_final"] != history[-1]["kl_coef"]  # updated after the last step too
    saved = json.loads((run.path / "metrics.json").read_text())
    assert saved["log_history"] == history and saved["reward_after"] == metrics["reward_after"]
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))


def test_ppo_run_saves_adapter_merged_and_value_head(tiny_ppo_run, tiny_sft):
    run, metrics = tiny_ppo_run
    adapter = load_file(run.path / "adapter" / "adapter_model.safetensors")
    lora_b = [t for name, t in adapter.items() if "lora_B" in name]
    assert lora_b and all(t.abs().sum() > 0 for t in lora_b)  # lora_B starts at zero: nonzero means trained
    sft = load_file(tiny_sft / "merged" / "model.safetensors")
    merged = load_file(run.path / "merged" / "model.safetensors")
    changed = [k for k in sft if not torch.equal(sft[k], merged[k])]
    assert any("q_proj" in k for k in changed) and "model.embed_tokens.weight" not in changed
    head = load_file(run.path / "value_head.safetensors")
    assert head["weight"].abs().sum() > 0  # zero-initialised, so it learned
    assert set(metrics["saved"]) == {"adapter", "merged", "value_head"}
    from align.models import resolve_model

    assert resolve_model(str(run.path)).path == str(run.path / "merged")  # `align chat --model RUN` works


def test_ppo_run_records_provenance_and_heldout_replies(tiny_ppo_run, tiny_sft, tiny_reward, synthetic):
    run, metrics = tiny_ppo_run
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["recipe"] == "ppo"
    assert info["sft_run"]["path"] == str(tiny_sft.resolve()) and info["sft_run"]["recipe"] == "sft"
    assert info["base_model"]["path"] == str(tiny_sft / "merged")
    assert info["reward_model"]["run"]["recipe"] == "reward"
    assert info["reward_model"]["run"]["data"]["train"]["source"] == str(synthetic["train"])  # the preference export
    assert len(info["data"]["train"]["sha256"]) == 64
    assert_records_training_prompts(run.path, [p["prompt"] for p in load_preference_pairs(str(synthetic["train"]))])
    before = [json.loads(line) for line in (run.path / "heldout_before.jsonl").read_text().splitlines()]
    after = [json.loads(line) for line in (run.path / "heldout_after.jsonl").read_text().splitlines()]
    assert len(before) == len(after) == 8 and [r["prompt_id"] for r in before] == [r["prompt_id"] for r in after]
    assert all(r["kl"] == pytest.approx(0.0, abs=1e-5) for r in before)  # the SFT model sampled: no KL to itself
    assert metrics["reward_after"] == pytest.approx(sum(r["reward"] for r in after) / 8)
    assert metrics["kl_after"] == pytest.approx(sum(r["kl"] for r in after) / 8)
    card = (run.path / "README.md").read_text()
    assert "PPO counseling model" in card and "held-out reward:" in card


def test_ppo_with_extra_train_fingerprints_it_and_records_its_prompts(tiny_sft, tiny_reward, synthetic, tmp_path):
    from tests.conftest import make_conversations

    extra = write_jsonl(tmp_path / "crisis.jsonl", make_conversations(6, offset=40))
    overrides = ppo_overrides(
        tiny_sft, tiny_reward, synthetic, tmp_path, "extra", "ppo.steps=1", f"data.extra_train=[{extra}]"
    )
    run, _ = run_recipe("ppo", None, overrides)
    info = json.loads((run.path / "run.json").read_text())
    assert (
        info["data"]["extra_train[0]"]["source"] == str(extra) and len(info["data"]["extra_train[0]"]["sha256"]) == 64
    )
    preference_prompts = [p["prompt"] for p in load_preference_pairs(str(synthetic["train"]))]
    conversation_prompts = [c["messages"][:1] for c in make_conversations(6, offset=40)]
    assert_records_training_prompts(run.path, preference_prompts + conversation_prompts)


def test_full_finetune_is_refused(tiny_sft, tiny_reward, synthetic, tmp_path):
    with pytest.raises(ConfigError, match="peft.method: PPO trains a LoRA adapter"):
        run_recipe("ppo", None, ppo_overrides(tiny_sft, tiny_reward, synthetic, tmp_path, "full", "peft.method=full"))
    assert not (tmp_path / "full").exists()


def test_resume_after_kill(tiny_sft, tiny_reward, synthetic, tmp_path):
    """SIGKILL a real `align run ppo` after its first checkpoint; `--resume` finishes from there."""
    overrides = ppo_overrides(
        tiny_sft,
        tiny_reward,
        synthetic,
        tmp_path,
        "resume",
        "ppo.steps=40",
        "ppo.save_steps=2",
        "ppo.max_new_tokens=6",
        "data.max_validation_prompts=4",
    )
    checkpoints = kill_after_first_checkpoint("ppo", overrides, tmp_path / "resume")
    killed_at = max(int(p.parent.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*/trainer_state.json"))
    assert killed_at < 40

    run, metrics = run_recipe("ppo", None, [], resume=str(tmp_path / "resume"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and len(info["resumed"]) == 1
    steps = [e["step"] for e in metrics["log_history"]]
    assert steps == list(range(1, 41))  # restarting from step 0, or from the kill, would log steps twice
    assert metrics["reward_before"] is not None and metrics["train_steps"] == 40
    assert len(list(checkpoints.glob("checkpoint-*"))) <= 2  # save_total_limit


def test_two_processes_share_each_step(tiny_sft, tiny_reward, synthetic, tmp_path):
    """`accelerate launch --num_processes 2` on CPU (DDP over gloo): each process samples half of every batch."""
    overrides = ppo_overrides(tiny_sft, tiny_reward, synthetic, tmp_path, "ddp", "ppo.steps=3", "ppo.batch_size=4")
    ddp_cpu = Path(__file__).resolve().parent.parent / "configs" / "accelerate" / "ddp_cpu.yaml"
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "2"]
    command = [*launch, "--config_file", str(ddp_cpu)]
    result = subprocess.run(
        [*command, "-m", "align.cli.main", "run", "ppo", *overrides],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "ddp"
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "completed" and info["world_size"] == 2
    metrics = json.loads((run / "metrics.json").read_text())
    assert [e["step"] for e in metrics["log_history"]] == [1, 2, 3]
    # the KL controller counts both processes' replies: 2 x 4 per step
    first, second = metrics["log_history"][:2]
    error = min(max(first["kl"] / 0.05 - 1, -0.2), 0.2)
    assert second["kl_coef"] == pytest.approx(first["kl_coef"] * (1 + error * 8 / 20), rel=1e-5)
    checkpoint = run / "checkpoints" / "checkpoint-3"
    assert (checkpoint / "rng_state_0.pth").is_file() and (checkpoint / "rng_state_1.pth").is_file()
    assert (run / "merged" / "model.safetensors").is_file() and metrics["heldout_prompts"] == 8


def test_validate_shipped_ppo_config_and_refuse_typos():
    from align.ppo.prompts import load_prompts

    result = align("validate", "--config", "configs/ppo.yaml")
    assert result.returncode == 0, result.stderr
    train, validation = len(load_prompts("sample:train")), len(load_prompts("sample:validation", 32))
    assert f"'ppo' config; data: {train} train, {validation} validation prompts" in result.stdout
    bad = align("validate", "--config", "configs/ppo.yaml", "ppo.clip_rang=0.1", "ppo.lam=2", "train.beta=0.1")
    assert bad.returncode == 2
    assert "ppo.clip_rang: unknown key. Did you mean 'clip_range'?" in bad.stderr
    assert "ppo.lam: must be in (0, 1], found 2" in bad.stderr
    assert "train: unknown section" in bad.stderr  # PPO's settings are the ppo: section, not a TRL config


# ---------------------------------------------------------------- the must-show on SmolLM2


def property_rate(rows: list[dict], feelings: dict[str, str]) -> float:
    return sum(reflects_and_asks(feelings[r["prompt"][-1]["content"]], r["reply"]) for r in rows) / len(rows)


@pytest.mark.slow
def test_must_show_ppo_raises_reflect_and_ask_on_smollm2(model_cache, monkeypatch, tmp_path, no_network):
    """SFT (SmolLM2) on a 50/50 mix of the synthetic set's good and bad replies, a reward model on its pairs,
    then PPO with configs/ppo.yaml's reward terms, from each of PPO_SEEDS: fresh replies to 40 held-out
    prompts reflect the feeling and ask an open question more often, and the reward model scores them
    higher, at a reported KL to the SFT model.

    With the reward model as the only term, PPO on an Intel (AMX) CPU found short, half-formed replies
    the 12-step reward model over-scores ("Why do you feel guilty about my marriage?"): reward 0.10 ->
    2.67 while the property fell 0.38 -> 0.33. The length term makes that exploit cost reward, and the
    monitor names it (tests/test_monitoring.py); the thresholds are the ones the test always had.
    """
    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    started = time.time()
    train, test = synthetic_preferences()
    rng = random.Random(0)
    mixed = [{"messages": p["prompt"] + (p["chosen"] if rng.random() < 0.5 else p["rejected"])} for p in train]
    data = {
        "sft": write_jsonl(tmp_path / "sft.jsonl", mixed),
        "train": write_jsonl(tmp_path / "pairs.jsonl", train),
        "validation": write_jsonl(tmp_path / "heldout.jsonl", test),
    }
    common = [f"run.output_root={tmp_path}", "model.system_prompt="]
    sft, _ = run_recipe(
        "sft",
        "configs/sft.yaml",
        [*common, "run.name=sft", f"data.train={data['sft']}", "data.validation=null", *SMOL_SFT],
    )
    reward, _ = run_recipe(
        "reward",
        "configs/reward.yaml",
        [
            *common[:1],
            "run.name=reward",
            f"data.train={data['train']}",
            f"data.validation={data['validation']}",
            *SMOL_REWARD,
        ],
    )
    feelings = {p["prompt"][0]["content"]: p["feeling"] for p in test}
    results = {}
    for seed in PPO_SEEDS:
        prepared = time.time()
        run, metrics = run_recipe(
            "ppo",
            "configs/ppo.yaml",
            [
                *common,
                f"run.name=ppo-{seed}",
                f"run.seed={seed}",
                f"model.path={sft.path}",
                f"reward_model.path={reward.path}",
                f"data.train={data['train']}",
                f"data.validation={data['validation']}",
                "data.max_validation_prompts=40",
                *SMOL_PPO,
            ],
        )
        before = [json.loads(line) for line in (run.path / "heldout_before.jsonl").read_text().splitlines()]
        after = [json.loads(line) for line in (run.path / "heldout_after.jsonl").read_text().splitlines()]
        results[seed] = (property_rate(before, feelings), property_rate(after, feelings), len(after), metrics)
        print(
            f"\nPPO on SmolLM2, seed {seed}, 40 held-out prompts: reflect-and-ask {results[seed][0]:.3f} -> "
            f"{results[seed][1]:.3f}, reward model {metrics['reward_before']:.3f} -> {metrics['reward_after']:.3f}, "
            f"KL to SFT {metrics['kl_after']:.2f} nats/reply, reply length {metrics['reply_length_before']:.1f} -> "
            f"{metrics['reply_length_after']:.1f} tokens, warnings {metrics['warnings']}; "
            f"PPO {time.time() - prepared:.0f}s"
        )
    print(f"all stages {time.time() - started:.0f}s")
    for seed, (rate_before, rate_after, n, metrics) in results.items():
        assert n == 40, seed
        assert rate_after >= rate_before + 0.1, (seed, rate_before, rate_after)
        assert metrics["reward_after"] > metrics["reward_before"] + 1.0, seed
        assert 0 < metrics["kl_after"] < 20, seed


PPO_SEEDS = (42, 43, 44)  # configs/ppo.yaml's seed and the next two


# Tuned on 2 shared CPU cores (see the README): SFT learns the two reply styles in 12 steps; 12 reward steps
# rank held-out pairs right; 10 PPO steps of 8 replies, sampled at temperature 0.7, move the policy.
SMOL_SFT = [
    "train.max_steps=12",
    "train.learning_rate=2e-3",
    "train.lr_scheduler_type=constant",
    "train.warmup_steps=0",
    "train.logging_steps=4",
    "train.save_steps=100",
]
SMOL_REWARD = ["train.max_steps=12", "train.learning_rate=5e-4", "train.logging_steps=3", "train.save_steps=100"]
SMOL_PPO = [
    "ppo.steps=10",
    "ppo.batch_size=8",
    "ppo.mini_batch_size=8",
    "ppo.learning_rate=3e-4",
    "ppo.max_new_tokens=32",
    "ppo.temperature=0.7",
    "ppo.save_steps=100",
]
