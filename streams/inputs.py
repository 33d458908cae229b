"""Turn files, folders and stdin into raw messages (key, value), as ``streams produce`` sends
them and ``streams enrich`` reads them, so both paths see the same bytes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".jsonl", ".json")


@dataclass(frozen=True)
class Message:
    key: bytes | None
    value: bytes
    origin: str


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix in SUFFIXES:
                yield child
    else:
        yield path


def _text_message(text: str, article_id: str | None, origin: str) -> Message:
    fields = {"id": article_id, "text": text} if article_id else {"text": text}
    return Message(
        key=article_id.encode() if article_id else None, value=orjson.dumps(fields), origin=origin
    )


def _jsonl_messages(lines: Iterable[bytes], origin: str) -> Iterator[Message]:
    for number, line in enumerate(lines, 1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        key = None
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            parsed = None  # sent as is: the worker dead-letters it with the reason
        if isinstance(parsed, dict) and isinstance(parsed.get("id"), str | int):
            key = str(parsed["id"]).encode()
        yield Message(key=key, value=line, origin=f"{origin}:{number}")


def iter_messages(paths: Iterable[str]) -> Iterator[Message]:
    """``.txt`` = one article (id = file stem), ``.jsonl``/``.json`` = one message per line,
    folders recursively in name order, ``-`` = stdin (JSON lines when it starts with ``{``,
    else one plain-text article)."""
    for name in paths:
        if name == "-":
            data = sys.stdin.buffer.read()
            if data.lstrip().startswith(b"{"):
                yield from _jsonl_messages(data.splitlines(), "stdin")
            elif data.strip():
                yield Message(key=None, value=data, origin="stdin")
            continue
        path = Path(name)
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {name}")
        for file in _files(path):
            if file.suffix in (".jsonl", ".json"):
                with file.open("rb") as handle:
                    yield from _jsonl_messages(handle, str(file))
            else:
                text = file.read_bytes().decode("utf-8", errors="replace")
                yield _text_message(text, file.stem, str(file))
