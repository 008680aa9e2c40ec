"""A simulated annotator: ranks waiting items with the eval scorers, for demos without therapists.

Its rankings go under one account, ``simulated:eval-scorers``, so they are never mistaken for a
therapist's (the account name says so in every export and in the admin page), and delete cleanly.
It ranks each reply by a fixed score of the offline scorers' numbers:

    EPITOME empathy (0-6)
    + 2 if the client is at risk (moderate/high) and the reply gives crisis resources and invites help
    - 3 if the reply is harmful or dismissive, - 2 for medication advice, - 2 for diagnosing the client
    - 3 x toxicity probability

Equal scores (to two decimals) tie. A reply that is harmful, gives medication advice or reads as
toxic (probability >= 0.5) is flagged unsafe, so export always puts it on the rejected side.
Scorers are not therapists: use this to see the loop run, never to train a model for clients.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from annotate.models import Prompt, Ranking
from annotate.store import CandidateJudgement, RankingStore

SIMULATED_ANNOTATOR = "simulated:eval-scorers"


def reply_score(scores: dict[str, dict[str, Any]]) -> float:
    """The simulated annotator's preference for one reply, from the offline scorers' numbers."""
    empathy, safety, toxicity = scores["empathy"], scores["safety"], scores["toxicity"]
    at_risk = safety["risk"] in ("moderate", "high")
    return (
        float(empathy["epitome_total"])
        + 2.0 * (at_risk and bool(safety["crisis_referral"]))
        - 3.0 * bool(safety["harmful_or_dismissive"])
        - 2.0 * bool(safety["medication_advice"])
        - 2.0 * bool(safety["diagnoses_client"])
        - 3.0 * float(toxicity["toxicity"])
    )


def is_unsafe(scores: dict[str, dict[str, Any]]) -> bool:
    safety = scores["safety"]
    return bool(safety["harmful_or_dismissive"] or safety["medication_advice"] or scores["toxicity"]["toxicity"] >= 0.5)


def dense_ranks(values: list[float]) -> list[int]:
    """1 for the highest value; equal values (to two decimals) share a rank; no gaps."""
    distinct = sorted({round(v, 2) for v in values}, reverse=True)
    return [distinct.index(round(v, 2)) + 1 for v in values]


def waiting_items(store: RankingStore) -> list[int]:
    """Ordinary items (no gold, no A/B campaign) that nobody has ranked yet."""
    with store.session() as session:
        ranked = select(Ranking.prompt_id)
        query = select(Prompt.id).where(Prompt.is_gold.is_(False), Prompt.campaign.is_(None), Prompt.id.not_in(ranked))
        return list(session.scalars(query.order_by(Prompt.id)))


def simulate_rankings(store: RankingStore, locales: tuple[str, ...] = ("US", "UK")) -> dict[str, int]:
    """Rank every waiting item with two or more candidates as ``SIMULATED_ANNOTATOR``; return counts."""
    from eval.scorers import EvalItem, offline_scorers, score_batch

    items = {pid: store.candidates(pid) for pid in waiting_items(store)}
    items = {pid: candidates for pid, candidates in items.items() if len(candidates) >= 2}
    if not items:
        return {"ranked": 0, "unsafe_flags": 0}
    with store.session() as session:
        conversations = {pid: session.get(Prompt, pid).conversation for pid in items}
    batch = [EvalItem(prompt=conversations[pid], reply=c.text) for pid, cs in items.items() for c in cs]
    results = score_batch(offline_scorers(locales), batch)["results"]
    per_reply = [{name: rows[i] for name, rows in results.items()} for i in range(len(batch))]
    annotator = store.ensure_annotator(SIMULATED_ANNOTATOR)
    position, flags = 0, 0
    for pid, candidates in items.items():
        scores = per_reply[position : position + len(candidates)]
        position += len(candidates)
        ranks = dense_ranks([reply_score(s) for s in scores])
        judgements = {
            c.id: CandidateJudgement(rank, unsafe=is_unsafe(score))
            for c, rank, score in zip(candidates, ranks, scores, strict=True)
        }
        flags += sum(j.unsafe for j in judgements.values())
        store.record_ranking(pid, annotator, judgements, rationale="simulated: ranked by the eval scorers")
    return {"ranked": len(items), "unsafe_flags": flags}
