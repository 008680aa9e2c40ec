"""A safety layer for anything that serves a model: it replaces dangerous replies, and adds what is missing.

``SafetyGuard.check(messages, reply)`` scores the pair with the safety scorer
(``eval.scorers.safety``: the client's risk from the risk classifier and its floor rules, and the reply's
category from the trained reply-safety classifier and the transparent rules). Then:

- a reply in a **lethal** category (agreeing with a plan, supplying means, waving off an overdose,
  helping harm someone) is **replaced**, whatever the client's risk was read as;
- an **unsafe** reply to an at-risk client (moderate or high) is **replaced**: the guard never
  decorates a dangerous reply with a hotline;
- a safe reply to an at-risk client that lacks what the situation needs gets it **appended**, only
  the missing part, so a reply that already names the resources gets nothing twice.

What is sent fits the situation (``situation``): an overdose or injury under way needs emergency
care now; harm to others needs distance from the means and the emergency number; suicidal risk
needs the crisis lines of the configured locales; passive ideation a gentle, direct question about
safety with the lines. Ordinary messages and benign idioms ("this exam is killing me") pass
untouched. The result says what happened (risk, situation, action, reason) in fields that can be
logged; no clinical text is in them. The guard is a backstop, not a clinical assessment: it misses
what the scorers miss, and at-risk conversations still need a human.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eval.classifiers import EMERGENCY_FLOOR
from eval.items import EvalItem, Message, client_text
from eval.scorers.safety import DEFAULT_LOCALES, EMERGENCY, SafetyScorer, reply_flags

AT_RISK = ("moderate", "high")

# Per locale: (place, where to turn, emergency number), written for this project. Each locale's
# message must pass the safety scorer's own crisis-referral check (tests/test_guard.py checks that).
LOCALE_RESOURCES: dict[str, tuple[str, str, str]] = {
    "US": ("the US", "call or text 988, the Suicide & Crisis Lifeline, any time", "911"),
    "UK": ("the UK", "call Samaritans free on 116 123, day or night, or text SHOUT to 85258", "999"),
    "IE": ("Ireland", "call Samaritans free on 116 123, day or night", "112 or 999"),
    "CA": ("Canada", "call or text 988, the Suicide Crisis Helpline, any time", "911"),
    "AU": ("Australia", "call Lifeline on 13 11 14, any time", "000"),
}

Action = Literal["none", "appended", "replaced"]
Situation = Literal["none", "emergency", "harm_to_others", "suicidal", "passive"]

# The client says *they* may hurt someone ("I keep picturing hitting him", "I'm going to stab my boss").
# "My sister will kill me" and "I could kill for a coffee" do not match: the subject is not "I", or no one is named.
HARM_TO_OTHERS = re.compile(
    r"\b(i|i'?m|i am|i'?ll|i will|i want to|i wanna|i could|i might|i'?m going to|i'?m gonna|i keep (thinking about|"
    r"picturing|imagining))\b[^.?!]{0,25}?\b(hurt(ing)?|kill(ing)?|stab(bing)?|hit(ting)?|shoot(ing)?|strangl\w*|"
    r"smother\w*|beat(ing)?|attack\w*|punch\w*|run (him|her|them) over|burn)\b[^.?!]{0,20}?\b(him|her|them|my|someone|"
    r"somebody|people|everyone|the baby|that)\b",
    re.I,
)


@dataclass(frozen=True)
class GuardResult:
    """What the guard did to one reply. ``reply`` is what to send; the rest is safe to log (no clinical text)."""

    reply: str
    risk: str
    action: Action
    reason: str = ""
    locales: tuple[str, ...] = ()
    situation: Situation = "none"

    def log_fields(self) -> dict[str, Any]:
        """Risk, situation, action, reason and locales, without the conversation or the reply."""
        return {
            "risk": self.risk,
            "situation": self.situation,
            "action": self.action,
            "reason": self.reason,
            "locales": list(self.locales),
        }


def _joined(parts: list[str], separator: str, last: str) -> str:
    return parts[0] if len(parts) == 1 else separator.join(parts[:-1]) + last + parts[-1]


def resource_lines(locales: Sequence[str]) -> str:
    """Where to turn in each locale, e.g. 'in the US you can call or text 988, ...; and in the UK you can ...'."""
    return _joined(
        [f"in {LOCALE_RESOURCES[loc][0]} you can {LOCALE_RESOURCES[loc][1]}" for loc in locales], "; ", "; and "
    )


def emergency_numbers(locales: Sequence[str]) -> str:
    """The emergency number, or with several locales each with its place: '911 in the US or 999 in the UK'."""
    if len(locales) == 1:
        return LOCALE_RESOURCES[locales[0]][2]
    return _joined([f"{LOCALE_RESOURCES[loc][2]} in {LOCALE_RESOURCES[loc][0]}" for loc in locales], ", ", " or ")


def crisis_note(locales: Sequence[str]) -> str:
    """What a reply to a suicidal client lacking crisis resources gets appended, and ends a replacement with."""
    return (
        "If you're thinking about suicide or hurting yourself, or you don't feel safe right now, please reach out: "
        f"{resource_lines(locales)}. If you might act on these thoughts or you're in danger now, call "
        f"{emergency_numbers(locales)}. You don't have to go through this alone."
    )


def emergency_note(locales: Sequence[str]) -> str:
    """For an overdose, poisoning or injury under way: emergency care now, before anything else."""
    return (
        f"Please get emergency help right now: call {emergency_numbers(locales)}, or go to the nearest emergency "
        "department. This matters even if you feel okay at the moment, because some overdoses and injuries do "
        "their harm hours later. In the US you can also call Poison Control on 1-800-222-1222. If someone is near "
        f"you, tell them what happened and ask them to stay with you. Afterwards, {resource_lines(locales)}."
    )


def harm_to_others_note(locales: Sequence[str]) -> str:
    """For a client who may hurt someone: distance from the means, and the emergency number."""
    return (
        "Right now, please put distance between you and anything you could use to hurt someone: leave the room, "
        "put it somewhere you can't reach quickly, or ask someone you trust to hold on to it. If anyone is in "
        f"danger now, call {emergency_numbers(locales)}. You can also talk this through with someone straight "
        f"away: {resource_lines(locales)}."
    )


def passive_note(locales: Sequence[str]) -> str:
    """For passive ideation: a gentle, direct question about safety, and where to turn."""
    return (
        "I want to ask you directly, because it matters: are you having thoughts of ending your life, or of "
        "hurting yourself? You can tell me honestly here. If those thoughts get stronger or you don't feel safe, "
        f"please reach out: {resource_lines(locales)}."
    )


NOTES = {
    "emergency": emergency_note,
    "harm_to_others": harm_to_others_note,
    "suicidal": crisis_note,
    "passive": passive_note,
}


def safe_reply(locales: Sequence[str], situation: Situation = "suicidal") -> str:
    """What replaces a dangerous reply: a short, warm opening and the message the situation needs."""
    opening = {
        "emergency": "I'm really glad you told me, and I'm worried about you.",
        "harm_to_others": "Thank you for telling me. I can hear how strong this feeling is, and I'm taking it "
        "seriously.",
    }.get(
        situation,
        "I'm really glad you told me, and I'm sorry you're going through something this painful. What you're "
        "feeling matters, and you deserve support right now.",
    )
    return f"{opening} {NOTES.get(situation, crisis_note)(locales)}"


def situation(messages: Sequence[Message] | str, risk: str, risk_floor: str) -> Situation:
    """What an at-risk client's reply has to address first, most urgent first."""
    said = messages if isinstance(messages, str) else client_text([dict(m) for m in messages])
    if risk_floor == EMERGENCY_FLOOR:
        return "emergency"
    if HARM_TO_OTHERS.search(said):
        return "harm_to_others"
    if risk == "high":
        return "suicidal"
    if risk == "moderate":
        return "passive"
    return "none"


def has_what_it_needs(reply: str, needed: Situation, locales: Sequence[str]) -> list[str]:
    """The locales whose resources a safe reply still lacks for the situation ([] when it has them all)."""
    if needed in ("emergency", "harm_to_others") and not EMERGENCY.search(reply):
        return list(locales)
    missing = [loc for loc in locales if not reply_flags(reply, [loc])["gives_crisis_resources"]]
    if not missing and not reply_flags(reply, locales)["invites_help_seeking"]:
        return list(locales)  # numbers there but no invitation to use them
    return missing


class SafetyGuard:
    """Replaces dangerous replies, and makes sure replies to at-risk clients carry what their situation needs."""

    def __init__(
        self,
        locales: Sequence[str] = DEFAULT_LOCALES,
        scorer: SafetyScorer | None = None,
        at_risk: Sequence[str] = AT_RISK,
    ) -> None:
        missing = [loc for loc in locales if loc not in LOCALE_RESOURCES]
        if not locales or missing:
            raise ValueError(
                f"the safety guard needs one or more known locales; unknown: {missing or 'none given'}; "
                f"known: {sorted(LOCALE_RESOURCES)}"
            )
        self.locales = tuple(locales)
        self.scorer = scorer or SafetyScorer(locales=self.locales)
        self.at_risk = tuple(at_risk)

    def check(self, messages: Sequence[Message] | str, reply: str) -> GuardResult:
        """The reply to send after ``messages`` (the conversation so far, ending with the client's message)."""
        prompt = messages if isinstance(messages, str) else [dict(m) for m in messages]
        scored = self.scorer.score([EvalItem(prompt=prompt, reply=reply)])[0]
        risk, category = scored["risk"], scored["reply_category"]
        at_risk = risk in self.at_risk
        needed = situation(prompt, risk, scored["risk_floor"]) if at_risk else "none"
        if scored["lethal"] or (at_risk and scored["unsafe"]):
            sent = needed if needed != "none" else "passive"  # a lethal reply to a client read as not at risk
            return GuardResult(
                safe_reply(self.locales, sent), risk, "replaced", f"{category} reply", self.locales, sent
            )
        if not at_risk:
            return GuardResult(reply, risk, "none", locales=self.locales)
        missing = has_what_it_needs(reply, needed, self.locales)
        if not missing:
            return GuardResult(reply, risk, "none", "reply has what the situation needs", self.locales, needed)
        note = NOTES[needed](missing)
        return GuardResult(
            f"{reply.rstrip()}\n\n{note}" if reply.strip() else note,
            risk,
            "appended",
            f"reply lacks the {needed} resources for {', '.join(missing)}",
            self.locales,
            needed,
        )


@functools.lru_cache(maxsize=8)
def _shared_guard(locales: tuple[str, ...]) -> SafetyGuard:
    return SafetyGuard(locales)


def guarded_reply(
    client_messages: Sequence[Message] | str, reply: str, locales: Sequence[str] = DEFAULT_LOCALES
) -> GuardResult:
    """``SafetyGuard(locales).check(client_messages, reply)`` with one guard kept per set of locales."""
    return _shared_guard(tuple(locales)).check(client_messages, reply)
