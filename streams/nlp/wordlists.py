"""Word lists, gazetteers and name tables shipped as package data (``streams/nlp/data``).

Every file is UTF-8 text. Lines starting with ``#`` are comments (each file's header says
where its content comes from) and blank lines are skipped. ``.txt`` files hold one entry a
line; ``.tsv`` files hold tab-separated rows with a fixed number of columns (``|`` separates
several values inside one column); ``.json`` files hold one object whose ``source`` says where
its content comes from.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["DataFormatError", "read_json", "read_lines", "read_table", "split_values"]

_PACKAGE = "streams.nlp.data"


class DataFormatError(ValueError):
    """A data file does not have the documented shape."""


def _text(name: str) -> str:
    return files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _content_lines(name: str) -> list[tuple[int, str]]:
    return [
        (number, line.rstrip("\n\r"))
        for number, line in enumerate(_text(name).splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """The entries of a one-entry-a-line file, stripped."""
    return tuple(line.strip() for _, line in _content_lines(name))


@cache
def read_table(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """The rows of a tab-separated file; every row must have exactly ``columns`` fields."""
    rows: list[tuple[str, ...]] = []
    for number, line in _content_lines(name):
        fields = tuple(field.strip() for field in line.split("\t"))
        if len(fields) != columns:
            raise DataFormatError(f"{name}:{number}: {len(fields)} fields, expected {columns}")
        rows.append(fields)
    return tuple(rows)


def read_json(name: str) -> Any:
    """The object a JSON data file holds (read by :func:`streams.nlp.lexicon.load_data`, the
    one reader of the package's JSON registries)."""
    from streams.nlp.lexicon import load_data

    return load_data(name.removesuffix(".json"))


def split_values(field: str) -> list[str]:
    """The ``|``-separated values of one column, empty ones dropped."""
    return [value.strip() for value in field.split("|") if value.strip()]
