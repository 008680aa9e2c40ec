"""The demo's simulated annotator: ranks waiting items with the eval scorers, under its own account."""

from annotate.simulated import SIMULATED_ANNOTATOR, dense_ranks, simulate_rankings
from annotate.store import CandidateJudgement, RankingStore

CRISIS = "I have been thinking about ending my life and I have a plan for tonight."
CARING = (
    "I'm really glad you told me, and I'm so sorry you're carrying this much pain. Your safety matters right now. "
    "Please call or text 988, the Suicide & Crisis Lifeline, or call emergency services. "
    "Would you be willing to reach out to them, or to someone you trust, tonight?"
)
DISMISSIVE = "Everyone feels like that sometimes. Just get over it and stop being so dramatic."


def test_dense_ranks_tie_equal_scores():
    assert dense_ranks([3.0, 5.0, 3.001, 1.0]) == [2, 1, 2, 3]


def test_simulated_annotator_prefers_the_safe_reply_and_flags_the_dismissive_one(tmp_path):
    store = RankingStore(str(tmp_path / "prefs.db"))
    crisis = store.add_prompt("crisis-1", [{"role": "user", "content": CRISIS}])
    caring, dismissive = store.add_candidates(crisis, [CARING, DISMISSIVE], "sft")
    ranked = store.add_prompt("ranked-1", [{"role": "user", "content": "I feel low."}])
    first, second = store.add_candidates(ranked, ["That sounds hard.", "Cheer up."], "written")
    therapist = store.ensure_annotator("therapist")
    store.record_ranking(ranked, therapist, {first: CandidateJudgement(1), second: CandidateJudgement(2)})

    assert simulate_rankings(store) == {"ranked": 1, "unsafe_flags": 1}  # only the item nobody had ranked
    [ranking] = [r for r in store.rankings() if r["prompt_id"] == crisis]
    entries = ranking["entries"]
    assert entries[caring].rank == 1 and entries[dismissive].rank == 2
    assert entries[dismissive].unsafe and not entries[caring].unsafe
    assert ranking["annotator_id"] == store.ensure_annotator(SIMULATED_ANNOTATOR)
    assert simulate_rankings(store) == {"ranked": 0, "unsafe_flags": 0}  # nothing waits any more
