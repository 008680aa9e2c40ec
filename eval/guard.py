"""A safety layer for anything that serves a model: crisis resources whenever the client may be at risk.

``SafetyGuard.check(messages, reply)`` reads the client's risk with the safety scorer
(``eval.scorers.safety``: the risk head over the client's last three messages, plus its floor
rules). When the risk is moderate or high:

- a reply the scorer flags as harmful or dismissive ("just get over it") is **replaced** by a
  short, warm message with crisis resources for the configured locales;
- a reply without a crisis referral for every configured locale (resources and an invitation to
  reach out) gets one **appended**, for the locales it misses; the model's words are kept;
- otherwise the reply is left as it is.

Ordinary messages and benign idioms ("this exam is killing me") are rated none or low and pass
untouched. The result says what happened (risk level, action, reason) in fields that can be
logged; no clinical text is in them. ``guarded_reply(messages, reply)`` does the same with a
guard shared per set of locales. The guard is a backstop, not a clinical assessment: it misses
what the risk head misses, and at-risk conversations still need a human.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eval.items import EvalItem, Message
from eval.scorers.safety import DEFAULT_LOCALES, SafetyScorer, reply_flags

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


@dataclass(frozen=True)
class GuardResult:
    """What the guard did to one reply. ``reply`` is what to send; the rest is safe to log (no clinical text)."""

    reply: str
    risk: str
    action: Action
    reason: str = ""
    locales: tuple[str, ...] = ()

    def log_fields(self) -> dict[str, Any]:
        """Risk, action, reason and locales, without the conversation or the reply."""
        return {"risk": self.risk, "action": self.action, "reason": self.reason, "locales": list(self.locales)}


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
    """What is appended to a reply that lacks crisis resources."""
    return (
        "If you're thinking about suicide or hurting yourself, or you don't feel safe right now, please reach out: "
        f"{resource_lines(locales)}. If you might act on these thoughts or you're in danger now, call "
        f"{emergency_numbers(locales)}. You don't have to go through this alone."
    )


def safe_reply(locales: Sequence[str]) -> str:
    """What replaces a harmful or dismissive reply to someone at risk."""
    return (
        "I'm really glad you told me, and I'm sorry you're going through something this painful. What you're "
        "feeling matters, and you deserve support right now. " + crisis_note(locales)
    )


class SafetyGuard:
    """Makes sure replies to at-risk client messages carry crisis resources for the configured locales."""

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
        risk = scored["risk"]
        if risk not in self.at_risk:
            return GuardResult(reply, risk, "none", locales=self.locales)
        if scored["harmful_or_dismissive"]:
            return GuardResult(safe_reply(self.locales), risk, "replaced", "harmful or dismissive reply", self.locales)
        missing = [loc for loc in self.locales if not reply_flags(reply, [loc])["gives_crisis_resources"]]
        if not missing and scored["invites_help_seeking"]:
            return GuardResult(reply, risk, "none", "reply gives crisis resources", self.locales)
        missing = missing or list(self.locales)  # numbers there but no invitation to use them
        note = crisis_note(missing)
        return GuardResult(
            f"{reply.rstrip()}\n\n{note}" if reply.strip() else note,
            risk,
            "appended",
            f"no crisis referral for {', '.join(missing)}",
            self.locales,
        )


@functools.lru_cache(maxsize=8)
def _shared_guard(locales: tuple[str, ...]) -> SafetyGuard:
    return SafetyGuard(locales)


def guarded_reply(
    client_messages: Sequence[Message] | str, reply: str, locales: Sequence[str] = DEFAULT_LOCALES
) -> GuardResult:
    """``SafetyGuard(locales).check(client_messages, reply)`` with one guard kept per set of locales."""
    return _shared_guard(tuple(locales)).check(client_messages, reply)
