"""Word lists and registries the nlp stages read, kept as package data (``streams/nlp/data``).

Each file is JSON with a ``source`` sentence saying where its content comes from. They are read
once, on first use, through importlib.resources (so they work from a wheel as from a checkout),
and a key that appears twice in one object is an error rather than a silent overwrite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = [
    "AgencyEntry",
    "LexiconError",
    "agencies",
    "furniture",
    "gregorian_months",
    "hijri_months",
    "load_data",
    "weekdays",
]

DATA_PACKAGE = "streams.nlp.data"


class LexiconError(ValueError):
    """A data file is not in its documented format."""


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    code: str  # Latin abbreviation, e.g. "SPA"
    name: str  # canonical Arabic name
    country: str  # ISO 3166 alpha-2 of its home country
    names: tuple[str, ...]  # every form it is credited by: Arabic abbreviation, names, Latin


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise LexiconError(f"key {key!r} appears twice")
        out[key] = value
    return out


@cache
def load_data(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.json``; raises LexiconError when it is malformed."""
    text = (files(DATA_PACKAGE) / f"{name}.json").read_text(encoding="utf-8")
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
    except LexiconError as exc:
        raise LexiconError(f"{name}.json: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("source"), str):
        raise LexiconError(f"{name}.json: an object with a 'source' sentence")
    return document


def _number_table(table: object, low: int, high: int, where: str) -> dict[str, int]:
    if not isinstance(table, dict) or not table:
        raise LexiconError(f"{where}: a non-empty object of name -> number")
    for key, value in table.items():
        if not isinstance(key, str) or not key.strip() or not isinstance(value, int):
            raise LexiconError(f"{where}: {key!r} -> {value!r} is not name -> number")
        if not low <= value <= high:
            raise LexiconError(f"{where}: {key!r} -> {value} is outside {low}..{high}")
    return dict(table)


@cache
def gregorian_months() -> dict[str, dict[str, int]]:
    """Naming system (msa, levantine, moroccan, ..., english, french) -> name -> month."""
    families = load_data("calendar")["gregorian_months"]
    return {
        family: _number_table(table, 1, 12, f"calendar.json gregorian_months.{family}")
        for family, table in families.items()
    }


@cache
def hijri_months() -> dict[str, int]:
    return _number_table(load_data("calendar")["hijri_months"], 1, 12, "calendar.json hijri")


@cache
def weekdays(language: str) -> dict[str, int]:
    """Weekday name -> Python weekday number (Monday 0) for ``ar``, ``en`` or ``fr``."""
    table = load_data("calendar")["weekdays"][language]
    return _number_table(table, 0, 6, f"calendar.json weekdays.{language}")


@cache
def zone_names() -> dict[str, str]:
    """English zone name a date line uses ("ksa", "mecca") -> IANA zone ("UTC" for Greenwich)."""
    table = load_data("calendar")["zone_names"]
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and k == k.lower() and isinstance(v, str) and v for k, v in table.items()
    ):
        raise LexiconError("calendar.json: zone_names maps lower-case names to IANA zones")
    return dict(table)


@cache
def agencies() -> tuple[AgencyEntry, ...]:
    entries = []
    for item in load_data("agencies")["agencies"]:
        names = item.get("names")
        fields = (item.get("code"), item.get("name"), item.get("country"))
        if not all(isinstance(f, str) and f for f in fields) or not (
            isinstance(names, list) and names and all(isinstance(n, str) and n for n in names)
        ):
            raise LexiconError(f"agencies.json: malformed entry {item!r}")
        code, name, country = fields
        if len(country) != 2 or not country.isupper():
            raise LexiconError(f"agencies.json: {code}: country {country!r} is not ISO alpha-2")
        entries.append(AgencyEntry(code, name, country, tuple(names)))
    return tuple(entries)


@cache
def furniture(kind: str) -> tuple[str, ...]:
    """One list of ``furniture.json`` (byline_labels, section_words, social_words ...)."""
    words = load_data("furniture")[kind]
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise LexiconError(f"furniture.json: {kind} is a list of non-empty strings")
    return tuple(words)
