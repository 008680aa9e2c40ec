"""Reading the rows of a data source, each with its location, for every stage's loaders.

A source is a local ``.jsonl``, ``.json``, ``.csv`` or ``.parquet`` file, a folder written by
``datasets.save_to_disk`` (a ``DatasetDict`` folder reads its ``train`` split; its split
subfolders read as themselves), or ``hub:NAME[:SPLIT]``: anything ``datasets.load_dataset``
can open (a hub name when online, or a local folder of data files). Each row comes with
where it is (``line 12`` / ``row 3``) so a loader can name file, line and field in a
``DataError``. What the rows mean is the loader's business (``sft.data``,
``align.preference_data``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from align.schema import DataError


def _decode_lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(str(path), ["the file is empty"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            str(path), [f"line {line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8"]
        ) from None
    return text.splitlines()


def _jsonl_rows(path: Path) -> Iterator[tuple[str, Any]]:
    problems = []
    rows = []
    for number, line in enumerate(_decode_lines(path), start=1):
        if not line.strip():
            continue
        try:
            rows.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
    if problems:
        raise DataError(str(path), problems)
    yield from rows


def _json_rows(path: Path) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads("\n".join(_decode_lines(path)))
    except json.JSONDecodeError as exc:
        raise DataError(str(path), [f"line {exc.lineno}: invalid JSON ({exc.msg})"]) from None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"data": [...]}
    if not isinstance(data, list):
        raise DataError(str(path), ["expected a JSON list of rows (or use .jsonl, one row per line)"])
    for index, row in enumerate(data):
        yield f"row {index}", row


def _csv_rows(path: Path) -> Iterator[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO("\n".join(_decode_lines(path)) + "\n"))
    for row in reader:
        yield f"line {reader.line_num}", row


def _parquet_rows(path: Path) -> Iterator[tuple[str, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise DataError(str(path), [f"cannot read Parquet: {exc}"]) from None
    if table.num_rows == 0:
        raise DataError(str(path), ["the file has no rows"])
    for index, row in enumerate(table.to_pylist()):
        yield f"row {index}", row


def _hub_rows(name: str) -> Iterator[tuple[str, Any]]:
    import datasets

    repo, _, split = name.partition(":")
    try:
        dataset = datasets.load_dataset(repo, split=split or "train")
    except Exception as exc:  # datasets raises many types: missing repo, offline, bad split
        raise DataError(f"hub:{name}", [f"cannot load dataset: {exc}"]) from None
    for index, row in enumerate(dataset):
        yield f"row {index}", row


def is_saved_dataset(path: Path) -> bool:
    """Whether a folder was written by ``Dataset.save_to_disk`` or ``DatasetDict.save_to_disk``."""
    return (path / "dataset_dict.json").is_file() or (path / "state.json").is_file()


def _saved_dataset_rows(path: Path) -> Iterator[tuple[str, Any]]:
    import datasets

    try:
        dataset = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a broken folder
        raise DataError(str(path), [f"cannot load the saved dataset: {exc}"]) from None
    if isinstance(dataset, datasets.DatasetDict):
        if "train" not in dataset:
            raise DataError(
                str(path),
                [
                    f"a dataset folder with splits {sorted(dataset)} and no 'train': name a split's folder instead, "
                    f"e.g. {path / sorted(dataset)[0]}"
                ],
            )
        dataset = dataset["train"]
    for index, row in enumerate(dataset):
        yield f"row {index}", row


READERS = {".jsonl": _jsonl_rows, ".json": _json_rows, ".csv": _csv_rows, ".parquet": _parquet_rows}


def read_rows(source: str, suffixes: tuple[str, ...] = tuple(READERS)) -> list[tuple[str, dict[str, Any]]]:
    """All rows of a source, each with its location (``line 12`` / ``row 3``) for error messages.

    ``suffixes`` limits the file types a loader accepts (all of ``READERS`` by default).
    """
    if source.startswith("hub:"):
        rows = list(_hub_rows(source[4:]))
    else:
        path = Path(source)
        if path.is_dir() and is_saved_dataset(path):
            rows = list(_saved_dataset_rows(path))
        elif not path.is_file():
            raise DataError(source, ["file not found" if not path.is_dir() else "a folder, but not a saved dataset"])
        elif path.suffix.lower() not in suffixes:
            raise DataError(source, [f"unsupported file type {path.suffix!r}; use one of {sorted(suffixes)}"])
        else:
            rows = list(READERS[path.suffix.lower()](path))
    if not rows:
        raise DataError(source, ["no rows found"])
    bad = [
        f"{where}: expected an object with named fields, found {type(row).__name__}"
        for where, row in rows
        if not isinstance(row, dict)
    ]
    if bad:
        raise DataError(source, bad)
    return rows
