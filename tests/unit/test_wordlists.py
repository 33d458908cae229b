"""The package data files behind places, entities and keywords: format, sources, sizes."""

from __future__ import annotations

from collections import Counter

import pycountry
import pytest

from streams.nlp import wordlists
from streams.nlp.data.build_places import ARAB_LEAGUE
from streams.nlp.wordlists import DataFormatError, read_json, read_lines, read_table, split_values

CODES = {c.alpha_2 for c in pycountry.countries} | {"XK"}
TABLES = {
    "places.tsv": 8,
    "places_curated.tsv": 4,
    "demonyms.tsv": 5,
    "institutions.tsv": 2,
    "known_orgs.tsv": 2,
    "leaders.tsv": 3,
    "org_heads_ar.txt": 2,
}
LISTS = (
    "person_titles_ar.txt",
    "person_titles_latin.txt",
    "given_names_ar.txt",
    "given_names_latin.txt",
    "org_heads_latin.txt",
    "org_complement_stops_ar.txt",
    "keyword_furniture.txt",
    "stopwords_fr.txt",
)


@pytest.mark.parametrize(("name", "columns"), sorted(TABLES.items()))
def test_tables_have_their_columns_and_a_header(name: str, columns: int) -> None:
    rows = read_table(name, columns)
    assert rows
    header = wordlists._text(name).splitlines()[0]
    assert header.startswith("#"), f"{name} names its source in a comment header"


@pytest.mark.parametrize("name", LISTS)
def test_lists_have_no_duplicates_or_blank_entries(name: str) -> None:
    entries = read_lines(name)
    assert entries and all(entries)
    duplicates = [entry for entry, n in Counter(entries).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize(
    "name", ["places.tsv", "places_curated.tsv", "demonyms.tsv", "institutions.tsv"]
)
def test_country_columns_are_iso_codes(name: str) -> None:
    for row in read_table(name, TABLES[name]):
        assert row[0] in CODES, f"{name}: {row}"


def test_leaders_country_column() -> None:
    for row in read_table("leaders.tsv", 3):
        assert row[0] in CODES or row[0] == "-"
        assert split_values(row[1])


def test_known_orgs_kinds_and_no_name_twice() -> None:
    names: Counter[str] = Counter()
    for kind, values in read_table("known_orgs.tsv", 2):
        assert kind in ("org", "agency")
        names.update(split_values(values))
    assert [n for n, count in names.items() if count > 1] == []


def test_org_heads_strength_and_bare_form() -> None:
    rows = read_table("org_heads_ar.txt", 2)
    assert {strength for _, strength in rows} == {"strong", "weak"}
    heads = [head for head, _ in rows]
    assert len(set(heads)) == len(heads)
    assert not any(head.startswith("ال") for head in heads), "heads are listed without the article"


def test_gazetteer_covers_the_arab_league_with_coordinates() -> None:
    rows = read_table("places.tsv", 8)
    arab = [r for r in rows if r[0] in ARAB_LEAGUE]
    curated = [r for r in read_table("places_curated.tsv", 4) if r[0] in ARAB_LEAGUE]
    assert len(arab) + len(curated) >= 600
    assert {r[0] for r in arab} | {r[0] for r in curated} == set(ARAB_LEAGUE)
    for row in arab:
        assert -90 <= float(row[2]) <= 90 and -180 <= float(row[3]) <= 180
        assert split_values(row[7]), "every place has an Arabic name"
    # Maghrebi and Levantine towns as well as Gulf and Egyptian ones.
    by_country = Counter(r[0] for r in arab)
    for code in ("MA", "DZ", "TN", "LB", "SY", "JO", "SA", "EG"):
        assert by_country[code] >= 15


def test_place_rules_shape() -> None:
    rules = read_json("place_rules.json")
    for key in ("country_variants", "blockers", "not_cities", "cities_needing_country"):
        assert rules[key]
    for code, names in rules["cities_needing_country"].items():
        assert set(names) <= CODES, code


def test_name_rules_shape() -> None:
    rules = read_json("name_rules_ar.json")
    for key in ("role_links", "name_stops", "facilities"):
        assert rules[key] and len(set(rules[key])) == len(rules[key])


def test_a_malformed_row_is_reported_with_its_line() -> None:
    with pytest.raises(DataFormatError, match=r"demonyms.tsv:\d+: 5 fields, expected 4"):
        read_table("demonyms.tsv", 4)
