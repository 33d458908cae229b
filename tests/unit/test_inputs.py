from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams.inputs import InputError, iter_messages


def test_txt_files_become_json_with_the_stem_as_id(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("خبر ثان", encoding="utf-8")
    (tmp_path / "a.txt").write_text("خبر أول", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored")
    messages = list(iter_messages([str(tmp_path)]))
    assert [m.key for m in messages] == [b"a", b"b"]
    assert orjson.loads(messages[0].value) == {"id": "a", "text": "خبر أول"}


def test_jsonl_lines_are_sent_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"id": "x1", "text": "a"}\n\n{broken\n{"text": "b"}\n')
    messages = list(iter_messages([str(path)]))
    assert [m.value for m in messages] == [
        b'{"id": "x1", "text": "a"}',
        b"{broken",
        b'{"text": "b"}',
    ]
    assert [m.key for m in messages] == [b"x1", None, None]


def _error(paths: list[str], **options: bool) -> str:
    with pytest.raises(InputError) as info:
        list(iter_messages(paths, **options))
    return str(info.value)


def test_binary_and_non_utf8_files_are_refused_unless_raw(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _error([str(png)]) and "--raw" in _error([str(png)])
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("سطر أول\n".encode() + "خبر عاجل".encode("cp1256"))
    message = _error([str(legacy)])
    assert "not valid UTF-8 (line 2" in message and str(legacy) in message
    lines = tmp_path / "batch.jsonl"
    lines.write_bytes(b'{"text": "a"}\n{"text": "\xe1\xe4"}\n')
    assert f"{lines}:2: not valid UTF-8" in _error([str(lines)])
    raw = list(iter_messages([str(png), str(legacy)], raw=True))
    assert [m.value for m in raw] == [png.read_bytes(), legacy.read_bytes()]
    assert [m.key for m in raw] == [b"photo", b"legacy"]


def test_a_json_file_is_one_message_or_an_array_of_them(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text('{\n  "id": "a1",\n  "text": "خبر"\n}\n', encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text('[{"id": "b1", "text": "x"}, {"text": "y"}]', encoding="utf-8")
    messages = list(iter_messages([str(one), str(many)]))
    assert [orjson.loads(m.value) for m in messages] == [
        {"id": "a1", "text": "خبر"},
        {"id": "b1", "text": "x"},
        {"text": "y"},
    ]
    assert [m.key for m in messages] == [b"a1", b"b1", None]
    assert messages[2].origin == f"{many}[2]"


def test_a_broken_json_file_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "text": "a",\n  oops\n}', encoding="utf-8")
    assert "not valid JSON (line 3" in _error([str(broken)])
    scalars = tmp_path / "scalars.json"
    scalars.write_text('[{"text": "a"}, 42]', encoding="utf-8")
    assert "element 2 is not a JSON object" in _error([str(scalars)])
