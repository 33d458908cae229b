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


# Bytes that never occur in text: a file holding one in its first block is binary.
_BINARY_PROBE = 8192


class InputError(ValueError):
    """An input file that is not what ``streams produce`` sends (binary, not UTF-8, bad JSON)."""


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


def _check_text(data: bytes, origin: str) -> str:
    """``data`` as text; :class:`InputError` when it is binary or not UTF-8."""
    if b"\x00" in data[:_BINARY_PROBE]:
        raise InputError(
            f"{origin}: looks like a binary file (a NUL byte in its first {_BINARY_PROBE} "
            "bytes); send it as it is with --raw"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{origin}: not valid UTF-8 (line {line}, byte {exc.start}: {exc.reason}); "
            "convert it (e.g. iconv -f WINDOWS-1256 -t UTF-8) or send it as it is with --raw"
        ) from None


def _text_message(text: str, article_id: str | None, origin: str) -> Message:
    fields = {"id": article_id, "text": text} if article_id else {"text": text}
    return Message(
        key=article_id.encode() if article_id else None, value=orjson.dumps(fields), origin=origin
    )


def _key_of(parsed: object) -> bytes | None:
    if isinstance(parsed, dict) and isinstance(parsed.get("id"), str | int):
        return str(parsed["id"]).encode()
    return None


def _jsonl_messages(lines: Iterable[bytes], origin: str, *, raw: bool) -> Iterator[Message]:
    for number, line in enumerate(lines, 1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        if not raw:
            _check_text(line, where)
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            parsed = None  # sent as is: the worker dead-letters it with the reason
        yield Message(key=_key_of(parsed), value=line, origin=where)


def _json_messages(data: bytes, origin: str) -> Iterator[Message]:
    """A ``.json`` file: one message (an object), or one per element of an array."""
    _check_text(data, origin)
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "a .json file holds one message or an array of them, .jsonl one message a line"
        ) from None
    items = parsed if isinstance(parsed, list) else [parsed]
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise InputError(
                f"{origin}: element {number} is not a JSON object; a .json file holds one "
                "message (an object) or an array of them"
            )
        where = f"{origin}[{number}]" if isinstance(parsed, list) else origin
        yield Message(key=_key_of(item), value=orjson.dumps(item), origin=where)


def _file_messages(file: Path, *, raw: bool) -> Iterator[Message]:
    if file.suffix == ".jsonl":
        with file.open("rb") as handle:
            yield from _jsonl_messages(handle, str(file), raw=raw)
        return
    data = file.read_bytes()
    if raw:
        # As it is: the worker decides (and dead-letters what it cannot read).
        yield Message(key=file.stem.encode(), value=data, origin=str(file))
    elif file.suffix == ".json":
        yield from _json_messages(data, str(file))
    else:
        yield _text_message(_check_text(data, str(file)), file.stem, str(file))


def iter_messages(paths: Iterable[str], *, raw: bool = False) -> Iterator[Message]:
    """``.txt`` = one article (id = file stem), ``.jsonl`` = one message per line, ``.json`` =
    one message or an array of them, folders recursively in name order, ``-`` = stdin (JSON
    lines when it starts with ``{``, else one plain-text article).

    Binary and non-UTF-8 input raises :class:`InputError` naming the file and line, unless
    ``raw``: then every file is one message of its bytes as they are (``.jsonl``: every line).
    """
    for name in paths:
        if name == "-":
            data = sys.stdin.buffer.read()
            if data.lstrip().startswith(b"{"):
                yield from _jsonl_messages(data.splitlines(), "stdin", raw=raw)
            elif data.strip():
                if not raw:
                    _check_text(data, "stdin")
                yield Message(key=None, value=data, origin="stdin")
            continue
        path = Path(name)
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {name}")
        for file in _files(path):
            yield from _file_messages(file, raw=raw)
