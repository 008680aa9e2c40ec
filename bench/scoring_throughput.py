"""Benchmark: scoring throughput of all offline eval scorers together, in replies per second.

1,000 replies (200 client prompts x 5 sampled replies, each with a reference counselor reply),
templated from sentences written for this benchmark, scored by empathy, safety (its rules, the
risk classifier and the reply-safety classifier), toxicity and quality through ``score_batch``: the
sentence encoder runs once per distinct text and every scorer shares its embeddings; the risk
classifier reads each distinct client text once, and the reply-safety classifier each (client,
reply) pair. Model loading is timed apart; the scoring time starts from an
empty embedding cache, so every reply, prompt and reference goes through the model.

    python bench/scoring_throughput.py [--replies 1000] [--threads N]

Prints a summary and writes bench/results/scoring_throughput.json. A benchmark, not a test:
the numbers depend on the machine and on what else it is running (the load average is recorded).
Target: >= 50 replies/s on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 50.0
SAMPLES_PER_PROMPT = 5

SITUATIONS = [
    "my exams", "my new job", "my divorce", "my sister", "my health", "moving house", "my debts", "my best friend",
    "my boss", "my son", "the holidays", "my weight", "my neighbours", "my marriage", "my dad's illness",
    "my flatmate", "my PhD", "my driving test", "my grandmother's funeral", "starting university",
]  # fmt: skip
FEELINGS = ["anxious", "lonely", "angry", "ashamed", "hopeless", "overwhelmed", "guilty", "scared", "sad", "numb"]
CLIENT = [
    "I keep thinking about {s} and I feel {f} most of the day.",
    "Lately {s} has me so {f} that I can't sleep properly.",
    "Honestly, {s} is killing me. I feel {f} and I don't know who to talk to.",
    "Everyone says I should be over {s} by now, but I still feel {f}.",
]
REPLY_PARTS = {
    "warmth": [
        "I'm really sorry you're going through this.",
        "That sounds so hard.",
        "Thank you for telling me.",
        "I'm glad you reached out.",
    ],
    "reflection": [
        "It sounds like {s} has left you feeling {f}, and that it follows you through the day.",
        "It seems like feeling {f} about {s} is wearing you down.",
        "You're carrying a lot around {s}, and feeling {f} makes sense.",
    ],
    "question": [
        "What feels hardest about {s} right now?",
        "How have you been coping when you feel {f}?",
        "When did you first notice feeling this {f}?",
        "Have you talked to anyone about it?",
    ],
    "advice": [
        "Try writing your worries down before bed.",
        "You should take a walk every day.",
        "Maybe talk to your doctor if it keeps happening.",
        "Make a plan for the week and stick to it.",
    ],
    "dismissive": [
        "Everyone deals with {s}, just get over it.",
        "It's not a big deal, stop worrying.",
        "You're overreacting about {s}.",
    ],
    "crisis": ["If you ever feel unsafe, you can call or text 988, or Samaritans on 116 123."],
    "rude": ["Stop whining about {s}, nobody cares.", "Honestly, that's a pathetic thing to feel {f} about."],
}
TAILS = [
    "We can pick this up again on {d}.",
    "I'm here on {d} too if you want to talk.",
    "Let's check in on {d}.",
    "How does {d} look for you?",
    "Maybe note how you feel by {d}.",
    "Take care until {d}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "the weekend"]
STYLES = [
    ["warmth", "reflection", "question"], ["reflection", "question"], ["warmth", "advice"], ["advice", "advice"],
    ["dismissive"], ["warmth", "reflection", "crisis", "question"], ["rude"], ["question"],
]  # fmt: skip


def make_items(n_replies: int, seed: int = 0):
    from eval.scorers import EvalItem

    rng = random.Random(seed)
    items, seen = [], set()
    for p in range(n_replies // SAMPLES_PER_PROMPT):
        s, f = SITUATIONS[p % len(SITUATIONS)], FEELINGS[(p // len(SITUATIONS)) % len(FEELINGS)]
        prompt = CLIENT[p % len(CLIENT)].format(s=s, f=f)
        s = re.sub(r"\bmy\b", "your", s)  # the counselor says "your exams"
        reference = " ".join(rng.choice(REPLY_PARTS[k]).format(s=s, f=f) for k in ("warmth", "reflection", "question"))
        for _ in range(SAMPLES_PER_PROMPT):
            reply = ""
            while not reply or reply in seen:  # sampled replies are all different, as a model's would be
                style = rng.choice(STYLES)
                reply = " ".join(rng.choice(REPLY_PARTS[k]).format(s=s, f=f) for k in style)
                if reply in seen:
                    reply += " " + rng.choice(TAILS).format(d=rng.choice(DAYS))
            seen.add(reply)
            items.append(EvalItem(prompt, reply, reference=reference, risk="none"))
    return items


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's choice)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scoring_throughput.json")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from align.runs import cpu_name, git_commit
    from eval.embeddings import get_encoder
    from eval.scorers import BatchEmbeddings, offline_scorers, score_batch

    load_before = os.getloadavg()
    items = make_items(args.replies)
    started = time.perf_counter()
    encoder = get_encoder()
    scorers = offline_scorers()
    for scorer in scorers:  # load the reply-safety classifier now, not inside the timed scoring
        getattr(scorer, "reply_classifier", None)
    load_s = time.perf_counter() - started

    encoder._cache.clear()  # time the embeddings too, from nothing
    started = time.perf_counter()
    results = score_batch(scorers, items, encoder=encoder)
    total_s = time.perf_counter() - started

    # where the time goes: embeddings once, then each scorer on the shared embeddings
    encoder._cache.clear()
    started = time.perf_counter()
    embeddings = BatchEmbeddings.compute(items, encoder)
    parts = {"embeddings": time.perf_counter() - started}
    for scorer in scorers:
        started = time.perf_counter()
        scorer.score(items, embeddings)
        parts[scorer.name] = time.perf_counter() - started

    distinct_texts = len({i.reply for i in items} | {i.client_text() for i in items} | {i.reference for i in items})
    report = {
        "replies": len(items),
        "prompts": len(items) // SAMPLES_PER_PROMPT,
        "distinct_texts_embedded": distinct_texts,
        "replies_per_s": round(len(items) / total_s, 1),
        "target_replies_per_s": TARGET,
        "meets_target": len(items) / total_s >= TARGET,
        "scoring_s": round(total_s, 2),
        "load_s": round(load_s, 2),
        "breakdown_s": {k: round(v, 2) for k, v in parts.items()},
        "scorers": results["scorers"],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": git_commit(),  # with -dirty when the tree had local changes
        "machine": {
            "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "processor": cpu_name(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"{report['replies']} replies in {report['scoring_s']} s: {report['replies_per_s']} replies/s "
        f"(target {TARGET:g}; load average {report['machine']['load_average_before'][0]} on "
        f"{report['machine']['cpus']} CPUs); breakdown {report['breakdown_s']}; wrote {args.out}"
    )
    return report


if __name__ == "__main__":
    main()
