"""The wire gold corpus scored by streams.evaluation.entities (countries, people, organisations).

Targets (issue: who and where): countries recall >= 0.85 at precision >= 0.95; persons and
organisations precision >= 0.9 and recall >= 0.6 each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.evaluation.entities import Scores, evaluate, match_names, normal_name

WIRE = Path(__file__).parents[2] / "samples" / "wire"


@pytest.fixture(scope="module")
def scores() -> Scores:
    if not any(WIRE.glob("gold*.jsonl")):
        pytest.skip("no wire gold corpus")
    return evaluate(WIRE)


def test_countries_target(scores: Scores) -> None:
    countries = scores.tallies[("countries", "all")]
    assert countries.precision >= 0.95 and countries.recall >= 0.85, scores.table()


@pytest.mark.parametrize("field", ["persons", "orgs"])
def test_people_and_organisations_targets(scores: Scores, field: str) -> None:
    tally = scores.tallies[(field, "all")]
    assert tally.precision >= 0.9 and tally.recall >= 0.6, scores.table()


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_every_language_is_scored(scores: Scores, language: str) -> None:
    for field in ("countries", "persons", "orgs"):
        assert scores.tallies[(field, language)].expected > 0


def test_table_has_a_row_per_field_and_language(scores: Scores) -> None:
    table = scores.table()
    assert table.count("\n") == 1 + 3 * 4


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("والجيش اللبناني", ("الجيش", "اللبناني")),
        ("للقوات المسلحة", ("القوات", "المسلحه")),
        ("وزارة الخارجية", ("وزاره", "الخارجيه")),
        ("بلينكن", ("بلينكن",)),
        ("Organisation des Nations unies", ("organisation", "des", "nations", "unies")),
        ("Al-Jadaan", ("al", "jadaan")),
    ],
)
def test_normal_name(name: str, form: tuple[str, ...]) -> None:
    assert normal_name(name) == form


def test_matching_rule() -> None:
    # exact, containment of two words or more, a found name absorbed by a longer found one
    assert match_names(["وزارة الخارجية"], ["وزارة الخارجية الأردنية"]) == (1, 1, 1)
    assert match_names(["السيسي", "عبد الفتاح السيسي"], ["عبد الفتاح السيسي"]) == (1, 1, 1)
    assert match_names(["السيسي"], ["عبد الفتاح السيسي"]) == (0, 1, 1)
    assert match_names(["Public Investment Fund", "PIF"], ["Public Investment Fund"]) == (1, 1, 1)
    assert match_names(["وزارة المالية"], ["وزارة الخارجية"]) == (0, 1, 1)
