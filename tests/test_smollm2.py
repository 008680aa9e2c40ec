"""A few real SFT steps on the packaged SmolLM2-135M-Instruct (converted from its GGUF, offline)."""

import json

import pytest
import yaml

from align.cli.run import run_recipe
from align.generation import generate_replies
from align.models import load_causal_lm, load_tokenizer, resolve_model
from tests.test_cli import ROOT

pytestmark = pytest.mark.slow


def test_few_sft_steps_on_smollm2_lower_validation_loss(model_cache, monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    run, metrics = run_recipe(
        "sft",
        "configs/sft.yaml",
        [
            "train.max_steps=4",
            "data.max_examples=32",
            "train.learning_rate=3e-4",
            "train.logging_steps=1",
            "train.save_steps=2",
            f"run.output_root={tmp_path}",
            "run.name=smol",
        ],
    )
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"]
    assert json.loads((run.path / "run.json").read_text())["base_model"]["spec"] == "smollm2-135m-instruct"

    resolved = resolve_model(str(run.path))
    assert resolved.path == str(run.path / "merged")
    reply = generate_replies(
        load_causal_lm(resolved),
        load_tokenizer(resolved),
        [[{"role": "user", "content": "I can't stop worrying about my exams."}]],
    )[0]
    assert len(reply.split()) > 3


def test_demo_runs_then_skips_finished_stages(model_cache, monkeypatch, tmp_path):
    from tests.test_cli import align

    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    demo = yaml.safe_load((ROOT / "configs" / "demo.yaml").read_text())
    for stage in ("sft", "reward"):  # the shipped stages, two steps each
        demo[stage]["config"] = str(ROOT / "configs" / demo[stage]["config"])
        demo[stage]["overrides"] = ["train.max_steps=2", "train.save_steps=2"]
    validation = tmp_path / "few_rankings.jsonl"  # three written rankings: a quick held-out report
    sample = ROOT / "align" / "sample_data" / "preferences" / "test.jsonl"
    validation.write_text("".join(sample.read_text().splitlines(keepends=True)[:3]))
    demo["reward"]["overrides"] += ["data.max_pairs=16", f"data.validation={validation}"]
    demo["dpo"]["config"] = str(ROOT / "configs" / "dpo.yaml")
    demo["dpo"]["overrides"] = ["train.max_steps=2", "data.max_pairs=16", f"data.validation={validation}",
                                "dpo.probe_prompts=2", "dpo.probe_max_new_tokens=16"]  # fmt: skip
    demo["ppo"]["config"] = str(ROOT / "configs" / "ppo.yaml")
    demo["ppo"]["overrides"] = ["ppo.steps=2", "ppo.batch_size=4", "ppo.mini_batch_size=4", "ppo.max_new_tokens=16",
                                "data.max_prompts=8", "data.max_validation_prompts=4"]  # fmt: skip
    demo["compare"] = {"prompts": "sample:test", "max_new_tokens": 16, "limit": 4}
    tiny_demo = tmp_path / "demo.yaml"
    tiny_demo.write_text(yaml.safe_dump(demo))
    first = align("demo", "--config", str(tiny_demo), "--root", str(tmp_path), "--simulate-annotators",
                  "data.max_examples=16", timeout=1500)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "[sft] done" in first.stdout and "[SFT]" in first.stdout and "[base model]" in first.stdout
    assert (tmp_path / "sft" / "merged" / "model.safetensors").is_file()
    replies = json.loads((tmp_path / "sample_replies.json").read_text())
    assert len(replies) == 4 and all(r["SFT"] for r in replies)
    assert "align label --db" in first.stdout
    from annotate.store import RankingStore

    counts = RankingStore(str(tmp_path / "preferences.db")).counts()
    assert counts["prompts"] >= 8 + 173 and counts["candidates"] > 173 * 3  # SFT candidates + written set

    assert "SIMULATED annotator 'simulated:eval-scorers'" in first.stdout and "ranked 8 waiting items" in first.stdout
    assert "[reward] done" in first.stdout and "pairwise accuracy" in first.stdout.lower()
    assert (tmp_path / "reward" / "merged" / "model.safetensors").is_file()
    assert "[dpo] done" in first.stdout and "[ppo] done" in first.stdout and "held-out reward" in first.stdout
    for stage in ("dpo", "ppo"):
        assert (tmp_path / stage / "merged" / "model.safetensors").is_file()
    assert "[compare] DPO against SFT (4 prompts)" in first.stdout and "[compare] PPO against SFT" in first.stdout
    for name in ("SFT", "DPO", "PPO"):  # every checkpoint's gate, and what fails it (4 prompts: no at-risk client)
        assert f"[compare] {name}: GATE FAILED, do not release it: crisis referral 0/0 at-risk" in first.stdout
    report = (tmp_path / "compare" / "report.html").read_text()
    assert "dpo, ppo against sft" in report and "data:image/png;base64," in report
    compared = json.loads((tmp_path / "compare" / "b1-dpo" / "compare.json").read_text())
    assert compared["paired_prompts"] == 4 and all("ci" in row for row in compared["metrics"])
    for stage, runs in (("b1-dpo", 2), ("b2-ppo", 3)):  # dpo, sft; ppo, sft, reward: ranked from the ranking pool
        gate = json.loads((tmp_path / "compare" / stage / "compare.json").read_text())["gate"]["b"]
        trained_on = {row["key"]: row for row in gate["rows"]}["eval_prompts_trained_on"]
        assert (
            trained_on["passed"]
            and trained_on["observed"] == f"eval prompts trained on 0/4 eval prompts ({runs} runs checked)"
        )

    again = align("demo", "--config", str(tiny_demo), "--root", str(tmp_path), timeout=600)
    assert again.returncode == 0, again.stderr
    assert all(f"[{stage}] already done" in again.stdout for stage in ("sft", "reward", "dpo", "ppo", "compare"))


def test_counselor_recipe_chains_sft_dpo_ppo_and_judges_its_claims(model_cache, monkeypatch, tmp_path):
    """`align demo --recipe counselor`'s own config, every stage cut to a few steps: DPO adds safety pairs,
    PPO starts from DPO, both held-out sets are compared, and checks.json judges PPO's claims against SFT."""
    from tests.test_cli import align

    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    recipe = yaml.safe_load((ROOT / "configs" / "recipes" / "counselor.yaml").read_text())
    few = tmp_path / "few_rankings.jsonl"
    few.write_text("".join((ROOT / "align/sample_data/preferences/test.jsonl").read_text().splitlines(True)[:3]))
    shrink = {
        "sft": ["train.max_steps=2"],
        "reward": ["train.max_steps=2", "data.max_pairs=16", f"data.validation={few}"],
        "dpo": ["train.max_steps=2", "data.max_pairs=16", f"data.validation={few}", "dpo.probe_prompts=2",
                "dpo.probe_max_new_tokens=16", "safety_pairs.max_prompts=2", "safety_pairs.samples_per_prompt=2",
                "safety_pairs.max_new_tokens=16"],
        "ppo": ["ppo.steps=2", "ppo.batch_size=4", "ppo.mini_batch_size=4", "ppo.max_new_tokens=16",
                "data.max_prompts=8", "data.max_validation_prompts=4"],
    }  # fmt: skip
    for stage, overrides in shrink.items():
        recipe[stage]["config"] = str(ROOT / "configs" / recipe[stage]["config"].removeprefix("../"))
        recipe[stage]["overrides"] += overrides  # later overrides win
    recipe["preferences"]["max_prompts"] = 2
    recipe["compare"].update(max_new_tokens=16, limit=4)  # sample:safety's first 4: two at-risk clients
    tiny = tmp_path / "counselor.yaml"
    tiny.write_text(yaml.safe_dump(recipe))
    result = align("demo", "--config", str(tiny), "--root", str(tmp_path), "data.max_examples=16", timeout=1800)
    assert result.returncode == 0, result.stderr

    dpo_run = json.loads((tmp_path / "dpo" / "run.json").read_text())
    assert dpo_run["data"]["safety_pairs"]["synthetic"] and dpo_run["data"]["safety_pairs"]["added"] > 0
    assert dpo_run["data"]["safety_pairs"]["prompts"]["source"] == "sample:crisis_train"
    ppo_run = json.loads((tmp_path / "ppo" / "run.json").read_text())
    assert ppo_run["base_model"]["spec"] == str(tmp_path / "dpo")  # SFT -> DPO -> PPO
    assert ppo_run["data"]["extra_train[0]"]["source"] == "sample:crisis_train"  # its clients are PPO prompts too
    for prompts in ("sample:test", "sample:safety"):
        folder = tmp_path / "compare" / prompts.replace(":", "-")
        assert (folder / "report.html").is_file() and (folder / "b2-ppo" / "compare.json").is_file()
        assert f"[compare {prompts}] SFT: GATE" in result.stdout and f"[compare {prompts}] PPO: GATE" in result.stdout
        gate = json.loads((folder / "b2-ppo" / "compare.json").read_text())["gate"]["b"]
        trained_on = {row["key"]: row for row in gate["rows"]}["eval_prompts_trained_on"]
        assert trained_on["passed"] and trained_on["observed"].endswith("(4 runs checked)")  # ppo, dpo, sft, reward

    checks = json.loads((tmp_path / "checks.json").read_text())
    assert checks["checkpoint"] == "ppo" and not checks["passed"]  # a few steps cannot show an improvement
    assert [(r["check"], r["prompts"]) for r in checks["rows"]] == [
        ("release gate", "sample:test"),
        ("release gate", "sample:safety"),
        ("reward win rate over SFT", "sample:test"),
        ("empathy (EPITOME total)", "sample:test"),
        ("crisis referral, at-risk clients", "sample:safety"),
    ]
    crisis = checks["rows"][-1]
    assert "/2 at-risk" in crisis["observed"]  # the denominator: sample:safety's two at-risk clients in the first 4
    assert "[checks] PPO against SFT:" in result.stdout and "NOT SHOWN" in result.stdout
