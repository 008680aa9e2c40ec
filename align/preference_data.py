"""Preference pairs for the reward, DPO and PPO stages: one loader, every source, one row shape.

Every source becomes a list of conversational rows, the shape TRL's preference trainers take::

    {"prompt": [messages, ending with the client's], "chosen": [{"role": "assistant", ...}],
     "rejected": [{"role": "assistant", ...}], "weight": 1.0, "margin": 0.0, "prompt_id": "..."}

``weight`` is the annotators' agreement on the pair (1.0 when unknown); ``margin`` is how much
better the chosen reply was rated (the gap in 1-5 ratings; 0.0 when there are no ratings).

A *source* is one of:

* ``sample:train`` / ``sample:validation`` / ``sample:test``: the project's written sample set
  (``align/sample_data/preferences``): each reply in a better ranking tier is chosen over each
  reply in a worse tier; tied replies give no pair;
* a ``.jsonl``, ``.json`` or ``.parquet`` file, or a ``datasets.save_to_disk`` folder (what
  ``align export`` writes as ``preferences_dataset/``; its ``train`` split, or name a split's
  folder), in any of these layouts:
  ``align export``'s (conversational prompt/chosen/rejected + weight, annotators, prompt_id),
  TRL's standard (string prompt/chosen/rejected), TRL's implicit-prompt conversational (chosen
  and rejected are whole conversations sharing a prefix), the hosted fine-tuning layout
  (input.messages/preferred_output/non_preferred_output), or the written sample layout;
  an optional ``margin`` field, or ``score_chosen``/``score_rejected`` (their gap), gives the margin;
* ``hub:NAME[:SPLIT]``: the same layouts through ``datasets.load_dataset`` (a hub name when
  online, or a local folder of data files);
* ``store:PATH_OR_URL``: the preference store itself (a SQLite file or a database URL), its
  majority-vote pairs exactly as ``align export`` makes them (``annotate.export.preference_pairs``).

Every bad row is reported at once in a ``DataError`` naming the file, the line or row, and the field.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from align.data_files import read_rows
from align.schema import ROLES, SAMPLE_DATA_DIR, DataError

log = logging.getLogger(__name__)

PairMode = Literal["all_pairs", "best_vs_rest"]
PAIR_MODES = ("all_pairs", "best_vs_rest")
SAMPLE_SPLITS = ("train", "validation", "test")
SOURCE_SUFFIXES = (".jsonl", ".json", ".parquet")
RATING_FIELDS = ("empathy", "safety", "helpfulness")


@dataclass
class PreferenceDataSection:
    """Where the preference pairs come from and which pairs a ranking gives."""

    train: str = "sample:train"
    validation: str | None = "sample:validation"  # null: hold out validation_fraction of train's prompts
    pairs: Literal["all_pairs", "best_vs_rest"] = "all_pairs"  # for rankings: every tier gap, or best tier only
    max_pairs: int | None = None  # use only the first N training pairs (quick runs)
    validation_fraction: float = 0.1

    def validate(self) -> list[str]:
        problems = [f"{name}: {p}" for name in ("train", "validation") for p in source_problems(getattr(self, name))]
        if not 0 < self.validation_fraction < 1:
            problems.append(f"validation_fraction: must be between 0 and 1, found {self.validation_fraction}")
        if self.max_pairs is not None and self.max_pairs < 1:
            problems.append(f"max_pairs: must be at least 1 (or null for all), found {self.max_pairs}")
        return problems


def source_problems(source: str | None) -> list[str]:
    """What is wrong with a source string, without reading it (for ``align validate``'s config pass)."""
    if source is None:
        return []
    if source.startswith("sample:"):
        split = source.removeprefix("sample:")
        return [] if split in SAMPLE_SPLITS else [f"unknown sample split {split!r}; allowed: {list(SAMPLE_SPLITS)}"]
    if source.startswith("hub:"):
        return [] if source.removeprefix("hub:").strip() else ["hub: needs a dataset name, e.g. hub:org/name:train"]
    if source.startswith("store:"):
        target = source.removeprefix("store:")
        if not target:
            return ["store: needs a SQLite file or a database URL, e.g. store:preferences.db"]
        if "://" not in target and not Path(target).is_file():
            return [f"preference store not found: {target}"]
        return []
    if not Path(source).exists():
        return [f"data file not found: {source}"]
    return []


def sample_path(split: str) -> Path:
    return SAMPLE_DATA_DIR / "preferences" / f"{split}.jsonl"


def source_fingerprint(source: str) -> dict[str, Any]:
    """Identify a source for the run directory: a file's sha256 (a folder's: over its files), else just its name."""
    path = sample_path(source.removeprefix("sample:")) if source.startswith("sample:") else Path(source)
    if path.is_file():
        return {"source": source, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if path.is_dir():  # e.g. an `align export` preferences_dataset/ folder
        digest = hashlib.sha256()
        for file in sorted(f for f in path.rglob("*") if f.is_file()):
            digest.update(str(file.relative_to(path)).encode() + b"\0" + file.read_bytes())
        return {"source": source, "sha256": digest.hexdigest()}
    return {"source": source}


# ---------------------------------------------------------------- loading


def load_preference_pairs(source: str, pairs_mode: PairMode = "all_pairs") -> list[dict[str, Any]]:
    """Every preference pair of a source, as conversational rows (see the module docstring).

    Raises ``DataError`` listing every bad row; returns nothing partial.
    """
    if pairs_mode not in PAIR_MODES:
        raise ValueError(f"pairs_mode must be one of {PAIR_MODES}, found {pairs_mode!r}")
    if source.startswith("store:"):
        return _store_pairs(source.removeprefix("store:"), pairs_mode)
    if source.startswith("sample:"):
        name = str(sample_path(source.removeprefix("sample:")))
        if problems := source_problems(source):
            raise DataError(source, problems)
    else:
        name = source
    rows = read_rows(name, SOURCE_SUFFIXES)
    problems: list[str] = []
    pairs = []
    for where, row in rows:
        found: list[str] = []
        pairs.extend(_row_pairs(row, where, pairs_mode, found))
        problems.extend(found)
    if problems:
        raise DataError(name, problems)
    if not pairs:
        raise DataError(name, ["no preference pairs: every ranking was a tie, or every pair had equal replies"])
    return pairs


def load_preference_splits(
    data: PreferenceDataSection,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Training and validation pairs for a stage: validation from its own source, or held out by prompt."""
    from annotate.export import split_of

    train = load_preference_pairs(data.train, data.pairs)
    if data.validation:
        validation = load_preference_pairs(data.validation, data.pairs)
    else:
        # by prompt, with the same hash as `align export`, so no prompt is on both sides
        held_out = [split_of(p["prompt_id"], data.validation_fraction) == "test" for p in train]
        validation = [p for p, out in zip(train, held_out, strict=True) if out]
        train = [p for p, out in zip(train, held_out, strict=True) if not out]
        if not validation or not train:
            raise DataError(
                data.train,
                [f"holding out {data.validation_fraction:.0%} of prompts left one side empty; set data.validation"],
            )
    if data.max_pairs:
        train = train[: data.max_pairs]
    return train, validation


def load_kto_rows(source: str, pairs_mode: PairMode = "all_pairs") -> list[dict[str, Any]]:
    """Unpaired examples for KTO: ``{"prompt": [messages], "completion": [one assistant message], "label": bool,
    "prompt_id"}``.

    From ``align export``'s ``kto_{train,test}.jsonl`` layout (prompt/completion/label) as it is;
    from any preference source, each reply's net wins on its prompt decide (as ``align export``
    does): won more pairs than it lost -> desirable, lost more -> undesirable, even -> left out.
    """
    rows = None
    if not source.startswith(("sample:", "store:")):
        rows = read_rows(source, SOURCE_SUFFIXES)
        if not ("completion" in rows[0][1] and "label" in rows[0][1]):
            rows = None
    if rows is None:
        net: dict[tuple[str, str], list] = {}
        for pair in load_preference_pairs(source, pairs_mode):
            for reply, vote in ((pair["chosen"][0], 1), (pair["rejected"][0], -1)):
                key = (pair["prompt_id"], reply["content"])
                net.setdefault(key, [pair["prompt"], reply, 0])[2] += vote
        examples = [
            {"prompt": prompt, "completion": [reply], "label": wins > 0, "prompt_id": key[0]}
            for key, (prompt, reply, wins) in net.items()
            if wins != 0
        ]
    else:
        problems: list[str] = []
        examples = []
        for where, row in rows:
            found: list[str] = []
            prompt = prompt_messages(row.get("prompt"), where, found)
            completion = reply_message(row.get("completion"), where, "completion", found)
            if not isinstance(row.get("label"), bool):
                found.append(f"{where}, field 'label': expected true (desirable) or false, found {row.get('label')!r}")
            problems.extend(found)
            if not found:
                prompt_id = str(row.get("prompt_id") or row.get("id") or _prompt_hash(prompt))
                examples.append(
                    {"prompt": prompt, "completion": [completion], "label": row["label"], "prompt_id": prompt_id}
                )
        if problems:
            raise DataError(source, problems)
    if not examples:
        raise DataError(source, ["no KTO examples: every reply won as many pairs as it lost"])
    return examples


def _row_pairs(row: dict[str, Any], where: str, mode: PairMode, problems: list[str]) -> list[dict[str, Any]]:
    if "replies" in row and "ranking" in row:
        return _ranked_pairs(row, where, mode, problems)
    if "input" in row and "preferred_output" in row:  # the hosted fine-tuning layout
        messages = row["input"].get("messages") if isinstance(row["input"], dict) else None
        row = {"prompt": messages, "chosen": row["preferred_output"], "rejected": row.get("non_preferred_output")}
    if "chosen" not in row or "rejected" not in row:
        problems.append(
            f"{where}: expected fields 'prompt', 'chosen' and 'rejected' (or 'replies' and 'ranking'), "
            f"found {sorted(row)}"
        )
        return []
    if "prompt" not in row:
        row = _split_implicit_prompt(row, where, problems)
        if row is None:
            return []
    found: list[str] = []
    prompt = prompt_messages(row["prompt"], where, found)
    chosen = reply_message(row["chosen"], where, "chosen", found)
    rejected = reply_message(row["rejected"], where, "rejected", found)
    weight = _number(row.get("weight"), 1.0, where, "weight", found)
    margin = _row_margin(row, where, found)
    if weight is not None and not 0 < weight <= 1:
        found.append(f"{where}, field 'weight': expected agreement in (0, 1], found {weight}")
    problems.extend(found)
    if found:
        return []
    if chosen["content"].strip() == rejected["content"].strip():
        log.warning("%s: chosen and rejected are the same reply; the pair is skipped", where)
        return []
    prompt_id = row.get("prompt_id") or row.get("id") or _prompt_hash(prompt)
    pair = _pair(prompt, chosen, rejected, weight, margin, str(prompt_id))
    if row.get("synthetic") is True:  # e.g. a run's safety_pairs.jsonl: it stays marked as not a therapist's
        pair |= {"synthetic": True, "origin": str(row.get("origin") or "synthetic")}
    return [pair]


def _pair(prompt, chosen, rejected, weight: float, margin: float, prompt_id: str) -> dict[str, Any]:
    return {
        "prompt": prompt,
        "chosen": [chosen],
        "rejected": [rejected],
        "weight": float(weight),
        "margin": float(margin),
        "prompt_id": prompt_id,
    }


def _ranked_pairs(row: dict[str, Any], where: str, mode: PairMode, problems: list[str]) -> list[dict[str, Any]]:
    """The written layout: each reply in a better tier beats each reply in a worse tier; ties give none."""
    found: list[str] = []
    prompt = prompt_messages(row.get("prompt"), where, found)
    replies, ranking = row["replies"], row["ranking"]
    texts: dict[str, str] = {}
    if not isinstance(replies, list) or not replies:
        found.append(f"{where}, field 'replies': expected a list of {{'id', 'text'}} objects")
        replies = []
    for i, reply in enumerate(replies):
        if not isinstance(reply, dict) or not isinstance(reply.get("text"), str) or not reply["text"].strip():
            found.append(f"{where}, field 'replies[{i}]': expected an object with an 'id' and a non-empty 'text'")
        else:
            texts[str(reply.get("id"))] = reply["text"]
    if not isinstance(ranking, list) or not all(isinstance(t, list) for t in ranking):
        found.append(f"{where}, field 'ranking': expected tiers best first, e.g. [['r1'], ['r2', 'r3']]")
    elif texts and sorted(str(r) for tier in ranking for r in tier) != sorted(texts):
        found.append(f"{where}, field 'ranking': must name each reply id once, found {ranking} for {sorted(texts)}")
    problems.extend(found)
    if found:
        return []
    pairs = []
    prompt_id = str(row.get("id") or _prompt_hash(prompt))
    for better, worse in combinations(range(len(ranking)), 2):
        if mode == "best_vs_rest" and better != 0:
            continue
        for a in ranking[better]:
            for b in ranking[worse]:
                chosen = {"role": "assistant", "content": texts[str(a)]}
                rejected = {"role": "assistant", "content": texts[str(b)]}
                pairs.append(_pair(prompt, chosen, rejected, 1.0, 0.0, prompt_id))
    return pairs


def _split_implicit_prompt(row: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any] | None:
    """TRL's implicit-prompt layout: two whole conversations; the shared beginning is the prompt."""
    chosen, rejected = row["chosen"], row["rejected"]
    if not (isinstance(chosen, list) and isinstance(rejected, list) and len(chosen) > 1 and len(rejected) > 1):
        problems.append(
            f"{where}: missing field 'prompt' (without it, 'chosen' and 'rejected' must be whole conversations "
            f"that share their beginning)"
        )
        return None
    shared = 0
    while shared < min(len(chosen), len(rejected)) - 1 and chosen[shared] == rejected[shared]:
        shared += 1
    return {**row, "prompt": chosen[:shared], "chosen": chosen[shared:], "rejected": rejected[shared:]}


def prompt_messages(value: Any, where: str, problems: list[str]) -> list[dict[str, str]]:
    """The prompt as messages: a string is one client message; a list must alternate and end with the client."""
    if isinstance(value, str):
        if not value.strip():
            problems.append(f"{where}, field 'prompt': empty prompt")
        return [{"role": "user", "content": value}]
    if not isinstance(value, list) or not value:
        problems.append(f"{where}, field 'prompt': expected text or a non-empty list of messages, found {value!r:.60}")
        return []
    found = []
    expected = "user"
    for i, message in enumerate(value):
        at = f"{where}, field 'prompt[{i}]'"
        found.extend(_message_problems(message, at))
        if found:
            continue
        if message["role"] == "system":
            if i != 0:
                found.append(f"{at}.role: a system message may only come first")
            continue
        if message["role"] != expected:
            found.append(f"{at}.role: expected {expected!r} here (turns alternate, starting with 'user')")
        expected = "assistant" if message["role"] == "user" else "user"
    if not found and value[-1]["role"] != "user":
        found.append(f"{where}, field 'prompt': must end with the client's ('user') message")
    problems.extend(found)
    return [{"role": m["role"], "content": m["content"]} for m in value] if not found else []


def reply_message(value: Any, where: str, name: str, problems: list[str]) -> dict[str, str]:
    """One counselor reply: a string, one assistant message, or a list holding exactly one."""
    if isinstance(value, str):
        value = {"role": "assistant", "content": value}
    if isinstance(value, list):
        if len(value) != 1:
            problems.append(f"{where}, field {name!r}: expected one assistant message, found {len(value)} messages")
            return {}
        value = value[0]
        name = f"{name}[0]"
    found = _message_problems(value, f"{where}, field {name!r}")
    if not found and value["role"] != "assistant":
        found.append(f"{where}, field {name!r}.role: expected 'assistant', found {value['role']!r}")
    problems.extend(found)
    return {"role": "assistant", "content": value["content"]} if not found else {}


def _message_problems(message: Any, at: str) -> list[str]:
    if not isinstance(message, dict):
        return [f"{at}: expected an object with 'role' and 'content', found {type(message).__name__}"]
    role, content = message.get("role"), message.get("content")
    if role not in ROLES:
        return [f"{at}.role: expected one of {list(ROLES)}, found {role!r}"]
    if not isinstance(content, str):
        return [f"{at}.content: expected text, found {type(content).__name__}"]
    if not content.strip():
        return [f"{at}.content: empty {'reply' if role == 'assistant' else 'message'}"]
    return []


def _number(value: Any, default: float, where: str, name: str, problems: list[str]) -> float | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{where}, field {name!r}: expected a number, found {value!r}")
        return None
    return float(value)


def _row_margin(row: dict[str, Any], where: str, problems: list[str]) -> float:
    if "margin" in row:
        return _number(row["margin"], 0.0, where, "margin", problems) or 0.0
    if "score_chosen" in row and "score_rejected" in row:
        chosen = _number(row["score_chosen"], None, where, "score_chosen", problems)
        rejected = _number(row["score_rejected"], None, where, "score_rejected", problems)
        if chosen is not None and rejected is not None:
            return max(0.0, chosen - rejected)
    return 0.0


def _prompt_hash(prompt: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(prompt, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- the preference store


def _store_pairs(target: str, mode: PairMode) -> list[dict[str, Any]]:
    """The store's majority-vote pairs (``annotate.export.preference_pairs``) as conversational rows."""
    from annotate.export import preference_pairs
    from annotate.models import Candidate, Prompt
    from annotate.store import RankingStore

    source = f"store:{target}"
    try:
        store = RankingStore(target)
    except Exception as exc:  # SQLAlchemy and Alembic raise many types for a bad URL or file
        raise DataError(source, [f"cannot open the preference store: {exc}"]) from None
    pairs = preference_pairs(store, mode)
    if not pairs:
        raise DataError(source, ["no ranked pairs yet: rankings need two candidates at different ranks"])
    rating = _mean_ratings(store)
    rows = []
    with store.session() as session:
        for pair in pairs:
            prompt = session.get(Prompt, pair["prompt_id"])
            chosen = session.get(Candidate, pair["chosen_id"]).text
            rejected = session.get(Candidate, pair["rejected_id"]).text
            gap = 0.0
            if pair["chosen_id"] in rating and pair["rejected_id"] in rating:
                gap = max(0.0, rating[pair["chosen_id"]] - rating[pair["rejected_id"]])
            rows.append(
                _pair(
                    prompt.conversation,
                    {"role": "assistant", "content": chosen},
                    {"role": "assistant", "content": rejected},
                    pair["weight"],
                    gap,
                    prompt.external_id,
                )
            )
    return rows


def _mean_ratings(store) -> dict[int, float]:
    """Each candidate's mean 1-5 rating over annotators and rated dimensions (candidates never rated are absent)."""
    totals: dict[int, list[int]] = {}
    for ranking in store.rankings():
        for candidate_id, entry in ranking["entries"].items():
            values = [getattr(entry, f) for f in RATING_FIELDS if getattr(entry, f) is not None]
            totals.setdefault(candidate_id, []).extend(values)
    return {c: sum(v) / len(v) for c, v in totals.items() if v}
