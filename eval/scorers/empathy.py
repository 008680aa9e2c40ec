"""Empathy: the three EPITOME mechanisms from trained classifiers, and MITI-style counseling-skill counts.

EPITOME (Sharma et al., 2020, "A Computational Approach to Understanding Empathy Expressed in
Text-Based Mental Health Support") rates emotional reactions, interpretations and explorations
0/1/2 each; our heads are trained on ``eval/labelled/epitome.jsonl`` (see ``eval/artifacts/CARD.md``).
Each mechanism is reported as its expected level (probability-weighted, 0-2, smooth enough to
average and rank) and as the most likely level.

The skill counts follow the spirit of the Motivational Interviewing Treatment Integrity code
(MITI 4): reflections, open and closed questions, affirmations and advice given without asking
permission, counted sentence by sentence with the transparent patterns below. They are cues,
not a trained MITI coder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.classifiers import EPITOME_MECHANISMS, Artifact, epitome_predict, load_artifact
from eval.embeddings import SentenceEncoder, get_encoder, sentence_spans
from eval.items import EvalItem, Score
from eval.scorers.base import BatchEmbeddings, Scorer, round_float

_LEAD = re.compile(r"^(?:(?:and|so|also|but|honestly|still|well|okay|ok|now|then|right),?\s+)+", re.I)

OPEN_QUESTION = re.compile(
    r"^(what|how|why|when|where|who|whom|which|in what way)\b|\b(tell me (more|about)|say (a bit |a little )?more|"
    r"walk me through|describe|help me understand)\b",
    re.I,
)
REFLECTION = re.compile(
    r"^((it )?sounds? (like|as if|as though|really|so)|it seems|(it )?seems (like|as if)|you seem|you sound|"
    r"it must|that must|you must (be|feel|have)|you('re| are) (feeling|carrying|saying|worried|scared|afraid|torn|"
    r"frustrated|angry|hurt|tired|exhausted|grieving|missing|wondering|caught|stuck|left)|you feel|you('ve| have) "
    r"been|i hear (that|how|you)|i can hear|so you|what i('m| am) hearing|part of you|it('s| is) like you|"
    r"on one hand|you want|you('d| would) like|you wish|you don'?t want|you('re| are) not sure)\b",
    re.I,
)
AFFIRMATION = re.compile(
    r"\b((takes|took|taking) (real |a lot of )?courage|(that's|that is|it's|it is|was) brave|you('ve| have) "
    r"(done|worked|managed|shown|kept|got through|been working)|that shows|(a real|your) strength|you care "
    r"(deeply|a lot|so much)|good for you|well done|proud of you|thank you for (sharing|telling|trusting|being "
    r"honest)|i appreciate (you|how|your)|you('re| are) (clearly )?(resourceful|resilient|strong|doing your best)|"
    r"you('ve| have) already|it('s| is) (a )?(good|great|important) (sign|step|thing) that you)",
    re.I,
)
ADVICE = re.compile(
    r"^(you (should|need to|must|have to|ought to|could try)|try\b|just\b|make sure|don'?t\b|stop\b|go\b|get\b|"
    r"consider\b|remember to|i (would |'d )?(suggest|recommend|advise)|my advice|the best thing|why don'?t you|"
    r"have you (tried|thought about|considered)|you might want to|it('s| is) (best|better) to)",
    re.I,
)
PERMISSION = re.compile(
    r"(would (it be|you be)( okay| alright| all right| open)?( with| to)? (if i|me|hearing)|(would|do) you (like|want) "
    r"(some|a few|to hear|me to)|if (it'?s|it would be|you'?d find it) helpful|if you('d| would) like|with your "
    r"permission|(can|could|may) i (offer|share|suggest)|one idea, if)",
    re.I,
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def skill_counts(reply: str) -> dict[str, int | float | None]:
    """MITI-style counts for one reply; ``reflection_question_ratio`` is None when the reply asks nothing."""
    counts = {"reflections": 0, "open_questions": 0, "closed_questions": 0, "affirmations": 0, "advice": 0}
    for sentence in sentences(reply):
        bare = _LEAD.sub("", sentence)
        if sentence.endswith("?"):
            counts["open_questions" if OPEN_QUESTION.search(bare) else "closed_questions"] += 1
        elif OPEN_QUESTION.search(bare) and bare.lower().startswith(("tell me", "say more", "walk me", "describe")):
            counts["open_questions"] += 1  # "Tell me more about that." asks without a question mark
        elif REFLECTION.search(bare):
            counts["reflections"] += 1
        if AFFIRMATION.search(bare):
            counts["affirmations"] += 1
        if ADVICE.search(bare):
            counts["advice"] += 1
    unsolicited = 0 if PERMISSION.search(reply) else counts["advice"]
    questions = counts["open_questions"] + counts["closed_questions"]
    return {
        "reflections": counts["reflections"],
        "open_questions": counts["open_questions"],
        "closed_questions": counts["closed_questions"],
        "affirmations": counts["affirmations"],
        "unsolicited_advice": unsolicited,
        "reflection_question_ratio": round(counts["reflections"] / questions, 4) if questions else None,
    }


def reflection_question_ratio(results: Sequence[dict[str, Any]]) -> float | None:
    """MITI's R:Q over a set of replies: all reflections over all questions (None if no questions at all)."""
    questions = sum(r["open_questions"] + r["closed_questions"] for r in results)
    return round(sum(r["reflections"] for r in results) / questions, 4) if questions else None


class EmpathyScorer(Scorer):
    """EPITOME emotional reactions, interpretations and explorations (0-2 each) plus MITI-style skill counts."""

    name = "empathy"
    code_version = "1.0"
    uses_embeddings = True

    def __init__(self, artifact: Artifact | None = None, encoder: SentenceEncoder | None = None):
        self.artifact = artifact or load_artifact("epitome")
        self._encoder = encoder

    @property
    def version(self) -> str:
        return f"{self.code_version}+epitome.{self.artifact.version}"

    def describe(self) -> dict[str, Any]:
        cv = {m: self.artifact.heads[m].info["cv"]["macro_f1"] for m in EPITOME_MECHANISMS}
        return {**super().describe(), "encoder": self.artifact.meta["encoder"], "cv_macro_f1": cv}

    def score(self, batch: Sequence[EvalItem], embeddings: BatchEmbeddings | None = None) -> list[dict[str, Score]]:
        if not batch:
            return []
        embeddings = embeddings or BatchEmbeddings.compute(batch, self._encoder or get_encoder())
        replies = [i.reply for i in batch]
        predicted = epitome_predict(
            self.artifact.heads, embeddings.replies, embeddings.clients, replies, embeddings.reply_sentences
        )
        out: list[dict[str, Score]] = [{} for _ in batch]
        total = np.zeros(len(batch))
        for mechanism in EPITOME_MECHANISMS:
            expected, levels = predicted[mechanism]
            total += expected
            for row, e, level in zip(out, expected, levels, strict=True):
                row[mechanism] = round_float(e)
                row[f"{mechanism}_level"] = level
        for row, t, reply in zip(out, total, replies, strict=True):
            row["epitome_total"] = round_float(t)
            row.update(skill_counts(reply))
        return out
