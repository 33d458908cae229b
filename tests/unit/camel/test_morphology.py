"""Clitics and morphology through the real camel_tools classes, on the fixture DB and MLE model.

The expected values are what the fixture DB encodes (tests/fixtures/camel_data.py); the point
is that our code drives camel_tools' MorphologyDB, Analyzer, MLEDisambiguator and
MorphologicalTokenizer correctly and returns their output aligned with the input tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.camel.conftest import run_driver

# token -> (d3tok, atbtok)
SEGMENTS = {
    "والكتاب": ("و+_ال+_كتاب", "و+_الكتاب"),
    "الخارجية": ("ال+_خارجية", "الخارجية"),
    "لليابان": ("ل+_ال+_يابان", "ل+_اليابان"),
    "دعمه": ("دعم_+ه", "دعم_+ه"),
    "البلدين": ("ال+_بلدين", "البلدين"),
    "وذكرت": ("و+_ذكرت", "و+_ذكرت"),
    "اليابانية": ("ال+_يابانية", "اليابانية"),
    "وزيرا": ("وزيرا", "وزيرا"),
    "أهمية": ("أهمية", "أهمية"),
    "بلينكن": ("بلينكن", "بلينكن"),  # unknown: proper-noun backoff
    "2": ("2", "2"),
    "UNSMIL": ("UNSMIL", "UNSMIL"),
    "،": ("،", "،"),
}

# token -> (lemma, pos, gloss, root, diac)
ANALYSES = {
    "والكتاب": ("كِتاب", "noun", "and+the+book", "ك.ت.ب", "وَالكِتاب"),
    "الخارجية": ("خارِجِيَّة", "noun", "the+foreign_affairs", "خ.ر.ج", "الخارِجِيَّة"),
    "لليابان": ("يابان", "noun_prop", "for/to+the+Japan", "NTWS", "لِليابان"),
    "وذكرت": ("ذَكَر", "verb", "and+mention+she/it", "ذ.ك.ر", "وَذَكَرَتْ"),
    "دعمه": ("دَعْم", "noun", "support+his/its", "د.ع.م", "دَعْمهُ"),
    "أهمية": ("أَهَمِّيَّة", "noun", "importance", "ه.م.م", "أَهَمِّيَّة"),
    # In the MLE model: its analysis wins over the DB's more probable "writers" reading.
    "كتاب": ("كِتاب", "noun", "book", "ك.ت.ب", "كِتاب"),
    # Not in the MLE model: the pos-lex probability decides.
    "وكتاب": ("كاتِب", "noun", "and+writers", "ك.ت.ب", "وَكُتّاب"),
    "2": ("2", "digit", "2", "DIGIT", "2"),
    "UNSMIL": ("UNSMIL", "foreign", "UNSMIL", "FOREIGN", "UNSMIL"),
}

WORDS = [*SEGMENTS, "كتاب", "وكتاب", "الخارجية", "والكتاب", "", "بلينكن"]


@pytest.fixture(scope="module")
def result(morph_data: Path) -> Any:
    return run_driver("morphology", morph_data, {"words": WORDS})


def test_segments_are_aligned_per_scheme(result: Any) -> None:
    assert set(result["segments"]) == {"d3tok", "atbtok"}
    for segments in result["segments"].values():
        assert len(segments) == len(WORDS)


@pytest.mark.parametrize("token", sorted(SEGMENTS))
def test_clitic_segments(result: Any, token: str) -> None:
    i = WORDS.index(token)
    d3tok, atbtok = SEGMENTS[token]
    assert result["segments"]["d3tok"][i] == d3tok
    assert result["segments"]["atbtok"][i] == atbtok


def test_empty_token_passes_through(result: Any) -> None:
    i = WORDS.index("")
    assert result["segments"]["d3tok"][i] == ""
    assert result["analyses"][i] == {
        "token": "", "lemma": None, "pos": None, "gloss": None, "root": None, "diac": None,
    }  # fmt: skip


@pytest.mark.parametrize("token", sorted(ANALYSES))
def test_analysis_fields(result: Any, token: str) -> None:
    analysis = result["analyses"][WORDS.index(token)]
    lemma, pos, gloss, root, diac = ANALYSES[token]
    assert analysis == {
        "token": token, "lemma": lemma, "pos": pos, "gloss": gloss, "root": root, "diac": diac,
    }  # fmt: skip


def test_backoff_for_unknown_word(result: Any) -> None:
    analysis = result["analyses"][WORDS.index("بلينكن")]
    assert analysis["pos"] == "noun_prop"
    assert analysis["lemma"] == "بلينكن"


def test_analyses_are_aligned_and_repeatable(result: Any) -> None:
    assert [a["token"] for a in result["analyses"]] == WORDS
    assert result["analyses_again"] == result["analyses"]


def test_cache_counts_and_hit_rate_rises(result: Any) -> None:
    distinct = len(set(WORDS))
    after_segment = result["stats_segment"]
    # Two schemes: each distinct word is disambiguated once, every other lookup is a hit.
    assert after_segment["misses"] == distinct
    assert after_segment["hits"] == 2 * len(WORDS) - distinct
    first, second = result["stats_first"], result["stats_second"]
    assert first["misses"] == second["misses"] == distinct
    assert second["hits"] - first["hits"] == len(WORDS)
    assert after_segment["hit_rate"] < first["hit_rate"] < second["hit_rate"] < 1
    assert second["size"] == distinct


def test_loader_is_memoised(result: Any) -> None:
    assert result["same_loader"] is True


def test_hostile_tokens_stay_aligned(result: Any) -> None:
    sizes = result["hostile_sizes"]
    n = sizes["tokens"]
    assert sizes["d3tok"] == sizes["atbtok"] == sizes["analyses"] == n
    assert sizes["analysis_tokens_match"] is True
