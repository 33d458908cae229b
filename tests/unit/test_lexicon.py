"""The package data files: their format, and the registry's coverage the stages rely on."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from streams.nlp import lexicon
from streams.nlp.lexicon import LexiconError, load_data

ARAB_LEAGUE = {
    "SA", "AE", "QA", "KW", "BH", "OM", "SY", "IQ", "JO", "LB", "PS", "EG", "SD", "LY", "TN",
    "DZ", "MA", "MR", "YE", "SO", "DJ", "KM",
}  # fmt: skip
DATA_FILES = sorted(
    p.name.removesuffix(".json")
    for p in files(lexicon.DATA_PACKAGE).iterdir()
    if p.name.endswith(".json")
)


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_file_loads_with_a_source(name: str) -> None:
    document = load_data(name)
    assert document["source"].strip()


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(LexiconError):
        json.loads('{"a": 1, "a": 2}', object_pairs_hook=lexicon._unique_keys)


def test_agency_registry_covers_every_arab_league_state() -> None:
    entries = lexicon.agencies()
    assert len(entries) >= 45
    assert {e.country for e in entries} >= ARAB_LEAGUE
    codes = [e.code for e in entries]
    assert len(codes) == len(set(codes))
    for entry in entries:
        assert entry.names, entry.code


def test_month_families() -> None:
    months = lexicon.gregorian_months()
    for family in ("msa", "levantine", "moroccan", "algerian_tunisian", "english", "french"):
        assert family in months
    assert sorted(set(months["msa"].values())) == list(range(1, 13))
    assert sorted(set(months["levantine"].values())) == list(range(1, 13))
    assert sorted(set(lexicon.hijri_months().values())) == list(range(1, 13))
    for language in ("ar", "en", "fr"):
        assert sorted(set(lexicon.weekdays(language).values())) == list(range(7))


@pytest.mark.parametrize(
    "kind",
    ["byline_labels", "author_roles", "section_words", "photo_credit_labels", "social_words"],
)
def test_furniture_lists(kind: str) -> None:
    words = lexicon.furniture(kind)
    assert words
    assert len(words) == len(set(words)), kind


def test_zone_names_resolve_in_the_tz_database() -> None:
    from zoneinfo import ZoneInfo

    names = lexicon.zone_names()
    assert {"ksa", "uae", "mecca", "muscat", "cairo", "gmt"} <= set(names)
    for name, zone in names.items():
        assert name == name.lower().strip()
        assert ZoneInfo(zone).key == zone
