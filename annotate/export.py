"""`align export`: therapists' rankings -> training data for reward models, DPO and KTO.

Pairs come from every submitted ranking: each annotator's ranking gives a vote ``a > b`` for
every two candidates at different ranks (ties give none). Votes are pooled per prompt and
pair; the majority side is chosen, an even split is dropped. A candidate that anyone
flagged unsafe is never chosen over one nobody flagged: the pair is turned round. Each pair
carries its agreement weight (share of votes for the chosen side) and annotator count.

Splits are made by prompt (a hash of its id), so no prompt is in both train and test.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from annotate.models import Candidate, Prompt
from annotate.store import RankingStore

PairMode = Literal["all_pairs", "best_vs_rest"]


def split_of(external_id: str, test_fraction: float) -> str:
    bucket = int(hashlib.sha256(external_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if bucket < test_fraction else "train"


def pooled_votes(store: RankingStore, mode: PairMode) -> tuple[dict, dict[int, set[int]]]:
    """Per prompt: votes[(winner, loser)] and the candidates anyone flagged unsafe.

    Items of a campaign (``align label --compare`` A/B pairs) are left out: they judge two
    checkpoints on held-out eval prompts, and training on them would leak those prompts.
    """
    votes: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    voters: dict[int, dict[frozenset, set[int]]] = defaultdict(lambda: defaultdict(set))
    unsafe: dict[int, set[int]] = defaultdict(set)
    campaign_items = {p.id for campaign in store.campaigns() for p in store.campaign_prompts(campaign)}
    for ranking in store.rankings():
        entries, prompt = ranking["entries"], ranking["prompt_id"]
        if prompt in campaign_items:
            continue
        unsafe[prompt] |= {cid for cid, e in entries.items() if e.unsafe}
        best = min(e.rank for e in entries.values())
        for a, b in combinations(entries, 2):
            ra, rb = entries[a].rank, entries[b].rank
            if ra == rb:
                continue
            winner, loser = (a, b) if ra < rb else (b, a)
            if mode == "best_vs_rest" and entries[winner].rank != best:
                continue
            votes[prompt][(winner, loser)] += 1
            voters[prompt][frozenset((a, b))].add(ranking["annotator_id"])
    return {"votes": votes, "voters": voters}, unsafe


def preference_pairs(store: RankingStore, mode: PairMode = "all_pairs") -> list[dict[str, Any]]:
    """Majority-vote pairs with agreement weights, unsafe candidates always rejected."""
    pooled, unsafe = pooled_votes(store, mode)
    pairs = []
    for prompt_id, prompt_votes in pooled["votes"].items():
        seen: set[frozenset] = set()
        for (a, b), _ in prompt_votes.items():
            key = frozenset((a, b))
            if key in seen:
                continue
            seen.add(key)
            for_a, for_b = prompt_votes.get((a, b), 0), prompt_votes.get((b, a), 0)
            chosen, rejected = (a, b) if for_a >= for_b else (b, a)
            weight = max(for_a, for_b) / (for_a + for_b)
            if chosen in unsafe[prompt_id] and rejected not in unsafe[prompt_id]:
                chosen, rejected, weight = rejected, chosen, 1.0  # the safety rule decides, whatever the votes
            elif for_a == for_b and (a in unsafe[prompt_id]) == (b in unsafe[prompt_id]):
                continue  # an even split: no preference
            pairs.append(
                {
                    "prompt_id": prompt_id,
                    "chosen_id": chosen,
                    "rejected_id": rejected,
                    "weight": weight,
                    "annotators": len(pooled["voters"][prompt_id][key]),
                    "unsafe": sorted(unsafe[prompt_id] & {a, b}),
                }
            )
    return pairs


def _texts(store: RankingStore, pairs: list[dict[str, Any]]) -> tuple[dict[int, Prompt], dict[int, Candidate]]:
    with store.session() as session:
        prompts = {p["prompt_id"]: session.get(Prompt, p["prompt_id"]) for p in pairs}
        ids = {p[k] for p in pairs for k in ("chosen_id", "rejected_id")}
        candidates = {i: session.get(Candidate, i) for i in ids}
    return prompts, candidates


def export_preferences(
    store: RankingStore, out_dir: str | Path, mode: PairMode = "all_pairs", test_fraction: float = 0.1
) -> dict[str, int]:
    """Write every layout to ``out_dir``; return row counts per file."""
    from datasets import Dataset, DatasetDict

    pairs = preference_pairs(store, mode)
    if not pairs:
        raise ValueError("no ranked pairs to export yet: rankings need at least two candidates at different ranks")
    prompts, candidates = _texts(store, pairs)
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {
        name: {"train": [], "test": []} for name in ("preferences", "kto", "sft_messages", "hosted_preferences")
    }
    for pair in pairs:
        prompt = prompts[pair["prompt_id"]]
        split = split_of(prompt.external_id, test_fraction)
        chosen, rejected = candidates[pair["chosen_id"]].text, candidates[pair["rejected_id"]].text
        rows["preferences"][split].append(
            {
                "prompt": prompt.conversation,
                "chosen": [{"role": "assistant", "content": chosen}],
                "rejected": [{"role": "assistant", "content": rejected}],
                "weight": pair["weight"],
                "annotators": pair["annotators"],
                "prompt_id": prompt.external_id,
            }
        )
        rows["hosted_preferences"][split].append(
            {
                "input": {"messages": prompt.conversation},
                "preferred_output": [{"role": "assistant", "content": chosen}],
                "non_preferred_output": [{"role": "assistant", "content": rejected}],
            }
        )
    net = _net_wins(pairs)
    flagged = {cid for pair in pairs for cid in pair["unsafe"]}
    for candidate_id, wins in net.items():
        if wins == 0 and candidate_id not in flagged:
            continue
        candidate = candidates[candidate_id]
        prompt = prompts[candidate.prompt_id]
        rows["kto"][split_of(prompt.external_id, test_fraction)].append(
            {
                "prompt": prompt.conversation,
                "completion": [{"role": "assistant", "content": candidate.text}],
                "label": wins > 0 and candidate_id not in flagged,
            }
        )
    for prompt_id, prompt in prompts.items():
        ranked = [c for c in net if candidates[c].prompt_id == prompt_id and c not in flagged and net[c] > 0]
        if ranked:
            best = max(ranked, key=lambda c: net[c])
            rows["sft_messages"][split_of(prompt.external_id, test_fraction)].append(
                {"messages": [*prompt.conversation, {"role": "assistant", "content": candidates[best].text}]}
            )

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, splits in rows.items():
        for split, split_rows in splits.items():
            path = out / f"{name}_{split}.jsonl"
            tmp = path.with_suffix(".jsonl.tmp")
            tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in split_rows), encoding="utf-8")
            tmp.replace(path)
            counts[f"{name}_{split}"] = len(split_rows)
    DatasetDict({s: Dataset.from_list(r) for s, r in rows["preferences"].items() if r}).save_to_disk(
        str(out / "preferences_dataset")
    )
    return counts


def _net_wins(pairs: list[dict[str, Any]]) -> dict[int, int]:
    """Pairs won minus pairs lost, per candidate: > 0 is desirable (KTO), the top one is the SFT target."""
    net: dict[int, int] = defaultdict(int)
    for pair in pairs:
        net[pair["chosen_id"]] += 1
        net[pair["rejected_id"]] -= 1
    return dict(net)


def read_written_rankings(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows of the sample-preference layout with their line numbers, each ranking checked.

    Each row: ``{"id", "prompt": [messages], "replies": [{"id", "text"}...], "ranking": [[best ids], ...]}``.
    """
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        reply_ids = [r["id"] for r in row["replies"]]
        ranked = [rid for tier in row["ranking"] for rid in tier]
        if sorted(ranked) != sorted(reply_ids):
            raise ValueError(f"{path}: line {number}: ranking {row['ranking']} must name each reply id once")
        rows.append((number, row))
    return rows


def _add_written_item(store: RankingStore, row: dict[str, Any], source: str) -> tuple[int, dict[str, int]]:
    """Store a written row's prompt and replies; return the prompt id and candidate id per reply id."""
    prompt_id = store.add_prompt(row["id"], row["prompt"], topic=row.get("topic"), risk=row.get("risk"))
    candidate_ids = store.add_candidates(prompt_id, [r["text"] for r in row["replies"]], source=source)
    return prompt_id, dict(zip([r["id"] for r in row["replies"]], candidate_ids, strict=True))


def import_written_rankings(store: RankingStore, path: str | Path, annotator: str = "sample-author") -> dict[str, int]:
    """Load rankings written in the sample-preference layout into the store; importing again adds nothing."""
    from annotate.store import CandidateJudgement, RankingError

    annotator_id = store.ensure_annotator(annotator)
    added = skipped = 0
    for _, row in read_written_rankings(path):
        prompt_id, by_reply = _add_written_item(store, row, source=f"written:{Path(path).name}")
        judgements = {
            by_reply[rid]: CandidateJudgement(rank) for rank, tier in enumerate(row["ranking"], 1) for rid in tier
        }
        try:
            store.record_ranking(prompt_id, annotator_id, judgements)
            added += 1
        except RankingError:
            skipped += 1  # already imported
    return {"imported": added, "already_present": skipped}


def import_gold_items(store: RankingStore, path: str | Path) -> int:
    """Add gold items (same layout; the first tier names the one known best reply) for every annotator to rank.

    Annotators see them like any other item; the admin page reports how often each one ranks
    the known best reply first.
    """
    rows = read_written_rankings(path)
    for number, row in rows:
        if len(row["ranking"][0]) != 1:
            raise ValueError(
                f"{path}: line {number}: a gold item needs exactly one best reply, found {row['ranking'][0]}"
            )
    for _, row in rows:
        prompt_id, by_reply = _add_written_item(store, row, source=f"gold:{Path(path).name}")
        store.set_gold(prompt_id, by_reply[row["ranking"][0][0]])
    return len(rows)
