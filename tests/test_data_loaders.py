"""Every loader, and every kind of bad input named by file, line/row and field."""

import csv
import json
from pathlib import Path

import pytest

from align.schema import DataError
from sft.data import SAMPLE_SPLITS, load_conversations, with_system_prompt


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_sample_data_is_complete_and_valid():
    splits = {s: load_conversations(f"sample:{s}") for s in SAMPLE_SPLITS}
    everything = [c for rows in splits.values() for c in rows]
    single = [c for c in everything if len(c["messages"]) == 2]
    multi = [c for c in everything if len(c["messages"]) > 2]
    assert len(single) >= 300 and len(multi) >= 30
    assert len({c["topic"] for c in everything}) >= 15
    assert {"low", "moderate", "high"} <= {c["risk"] for c in everything}
    ids = [c["id"] for c in everything]
    assert len(ids) == len(set(ids)), "a conversation appears in two splits"
    at_risk = [c for c in everything if c["risk"] in ("moderate", "high")]
    counselor_text = [" ".join(m["content"] for m in c["messages"] if m["role"] == "assistant") for c in at_risk]
    resources = ("988", "116 123", "911", "999", "112", "emergency", "1-800")
    assert all(any(k in text for k in resources) for text in counselor_text)


def test_messages_jsonl(tiny_data):
    rows = load_conversations(str(tiny_data["train"]))
    assert len(rows) == 32 and rows[0]["messages"][0]["role"] == "user"


def test_context_response_csv_json_and_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = [
        ["I feel stuck at work.", "That sounds frustrating. What feels most stuck?"],
        ["I miss my mum.", "Missing her sounds so painful. What do you miss most?"],
    ]
    csv_file = write_csv(tmp_path / "cc.csv", ["Context", "Response"], data)
    json_file = tmp_path / "cc.json"
    json_file.write_text(json.dumps([{"Context": c, "Response": r} for c, r in data]))
    parquet_file = tmp_path / "cc.parquet"
    pq.write_table(pa.table({"Context": [c for c, _ in data], "Response": [r for _, r in data]}), parquet_file)
    for path in (csv_file, json_file, parquet_file):
        rows = load_conversations(str(path))
        assert [m["role"] for m in rows[1]["messages"]] == ["user", "assistant"]
        assert rows[1]["messages"][0]["content"] == "I miss my mum."


def test_hub_layout_from_a_local_folder(tmp_path):
    """The hub path (datasets.load_dataset by name) on a local folder with the CounselChat layout."""
    folder = tmp_path / "mental_health_counseling_conversations"
    folder.mkdir()
    rows = [{"Context": f"client message {i}", "Response": f"counselor reply {i}"} for i in range(5)]
    (folder / "combined_dataset.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    loaded = load_conversations(f"hub:{folder}")
    assert len(loaded) == 5 and loaded[4]["messages"][1]["content"] == "counselor reply 4"


def test_column_mapping(tmp_path):
    path = write_csv(tmp_path / "qa.csv", ["question", "answer"], [["I am lonely.", "Lonely how?"]])
    rows = load_conversations(str(path), "context_response", {"context": "question", "response": "answer"})
    assert rows[0]["messages"][1]["content"] == "Lonely how?"


def test_empathetic_dialogues_layout(tmp_path):
    header = ["conv_id", "utterance_idx", "context", "prompt", "speaker_idx", "utterance"]
    path = write_csv(
        tmp_path / "ed.csv",
        header,
        [
            ["hit:1_conv:2", 2, "sad", "x", 2, "Oh no_comma_ I am sorry. How are you holding up?"],
            ["hit:1_conv:2", 1, "sad", "x", 1, "My dog died last week."],
            ["hit:1_conv:2", 3, "sad", "x", 1, "Not great."],
        ],
    )
    rows = load_conversations(str(path))
    assert rows[0]["topic"] == "sad"
    assert rows[0]["messages"] == [
        {"role": "user", "content": "My dog died last week."},
        {"role": "assistant", "content": "Oh no, I am sorry. How are you holding up?"},
    ]


def test_system_prompt_is_prepended_once():
    conversation = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    messages = with_system_prompt(conversation, "Be kind.")
    assert messages[0] == {"role": "system", "content": "Be kind."} and len(messages) == 3
    assert with_system_prompt({"messages": messages}, "Other.")[0]["content"] == "Be kind."


# ---------------------------------------------------------------- bad input


def bad_jsonl(tmp_path: Path, *rows) -> str:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return str(path)


GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"text": "no messages"}, "line 2: missing field 'messages'"),
        ({"messages": 5}, "line 2, field 'messages': expected a list of messages, found int"),
        (
            {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "  "}]},
            "line 2, field 'messages[1]'.content: empty reply",
        ),
        (
            {"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "x"}]},
            "line 2, field 'messages[0]'.content: expected text, found int",
        ),
        (
            {"messages": [{"role": "assistant", "content": "x"}, {"role": "user", "content": "y"}]},
            "line 2, field 'messages[0]'.role: unknown role order: expected 'user'",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}, {"role": "therapist", "content": "y"}]},
            "line 2, field 'messages[1]'.role: expected one of ['system', 'user', 'assistant'], found 'therapist'",
        ),
        ({"messages": [{"role": "user", "content": "x"}]}, "must end with a counselor ('assistant') reply"),
        ({**GOOD, "risk": "extreme"}, "line 2, field 'risk': expected one of"),
        ("{not json", "line 2: invalid JSON"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, row, expected):
    source = bad_jsonl(tmp_path, GOOD, row)
    with pytest.raises(DataError) as info:
        load_conversations(source)
    assert source in str(info.value)
    assert expected in str(info.value)


def test_every_bad_row_is_listed(tmp_path):
    source = bad_jsonl(tmp_path, GOOD, {"x": 1}, GOOD, {"y": 2})
    with pytest.raises(DataError) as info:
        load_conversations(source, "messages")
    assert [p.split(":")[0] for p in info.value.problems] == ["line 2", "line 4"]


def test_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"messages": "caf\xe9"}'.encode("latin-1") + b"\n")
    with pytest.raises(DataError, match="line 2: not valid UTF-8"):
        load_conversations(str(path))


def test_empty_file_and_unknown_layout(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(DataError, match="the file is empty"):
        load_conversations(str(empty))
    other = bad_jsonl(tmp_path, {"question": "a", "answer": "b"})
    with pytest.raises(DataError, match="cannot tell the data layout"):
        load_conversations(other)


def test_context_response_missing_and_empty_fields(tmp_path):
    path = write_csv(tmp_path / "cc.csv", ["Context", "Response"], [["hello", ""]])
    with pytest.raises(DataError, match="line 2, field 'Response'.*empty reply"):
        load_conversations(str(path), "context_response")
    path = write_csv(tmp_path / "cc2.csv", ["Context"], [["hello"]])
    with pytest.raises(DataError, match="line 2: missing field"):
        load_conversations(str(path), "context_response")


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(DataError, match="unsupported file type"):
        load_conversations(str(tmp_path / "x.txt"))
    with pytest.raises(DataError, match="file not found"):
        load_conversations(str(tmp_path / "missing.jsonl"))
