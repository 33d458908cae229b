"""Load a gold corpus: article files plus ``gold*.jsonl`` lines describing what each should give.

The format is described in ``samples/wire/README.md``: a ``.txt`` file is a plain-text page
(sent as the message's ``text``), a ``.json`` file is one raw message with its own fields
(``published_at``, ``source`` ...). Every gold line names its file; the loader turns each into
the raw message bytes a producer would send, so scorers run the real decode path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson


@dataclass(frozen=True)
class GoldArticle:
    file: str
    message: bytes  # what a producer sends to the raw topic
    expected: dict[str, Any]


class GoldFormatError(ValueError):
    """A gold line or its article file is not in the documented format."""


def _message(path: Path) -> bytes:
    if path.suffix == ".json":
        document = orjson.loads(path.read_bytes())
        if not isinstance(document, dict) or not isinstance(document.get("text"), str):
            raise GoldFormatError(f"{path}: a .json article is one message with a 'text' string")
        return orjson.dumps(document)
    if path.suffix == ".txt":
        return orjson.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")})
    raise GoldFormatError(f"{path}: articles are .txt or .json files")


def load_gold(folder: Path) -> Iterator[GoldArticle]:
    """Every article of ``folder``'s ``gold*.jsonl`` files, in file-name order."""
    for gold_file in sorted(folder.glob("gold*.jsonl")):
        for number, line in enumerate(gold_file.read_bytes().splitlines(), 1):
            if not line.strip():
                continue
            try:
                expected = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise GoldFormatError(f"{gold_file}:{number}: {exc}") from None
            if not isinstance(expected, dict) or not isinstance(expected.get("file"), str):
                raise GoldFormatError(f"{gold_file}:{number}: an object with a 'file' name")
            path = folder / expected["file"]
            if not path.is_file():
                raise GoldFormatError(f"{gold_file}:{number}: no article file {path.name}")
            yield GoldArticle(file=expected["file"], message=_message(path), expected=expected)
