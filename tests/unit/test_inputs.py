from __future__ import annotations

from pathlib import Path

import orjson

from streams.inputs import iter_messages


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
