"""The stage chain in-process: provenance tells what ran, skipped or failed, and why."""

from __future__ import annotations

import orjson
import pytest

from streams import pipeline
from streams.codec import decode_raw, validate
from streams.pipeline import Resources, run_chain
from streams.stages import data_stages

LIMIT = 1024 * 1024


def _raw(text: str, **fields: str) -> pipeline.RawArticle:
    return decode_raw(orjson.dumps({"text": text, **fields}), None, max_bytes=LIMIT)


def _runs(record: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {run["name"]: run for run in record["provenance"]["stages"]}


def test_seed_article_end_to_end(seed_text: str) -> None:
    record = run_chain(_raw(seed_text), Resources(chain=()))
    validate("enriched-article", record)
    structure = record["structure"]
    assert structure["published_at"] == "2025-01-07"
    assert structure["source"] == "البوابة نيوز"
    assert [r["title"] for r in structure["related"]] == [
        "الخارجية تؤكّد أهمية تعزيز أواصر التعاون مع أمريكا"
    ]
    values = {d["text"]: d["value"] for d in record["dates"]}
    assert values["أمس"] == "2025-01-06"
    assert values["يوليو الماضي"] == "2024-07"
    assert values["ديسمبر الماضي"] == "2024-12"
    assert values["الأول من يناير الجاري"] == "2025-01-01"
    assert not any("2+2" in d["text"] for d in record["dates"])
    codes = {c["code"] for c in record["countries"]}
    assert {"JP", "US", "CN", "UA", "KP", "KR"} <= codes and "LY" not in codes
    clean = record["text"]["clean"]
    for sentence in record["sentences"]:
        assert clean[sentence["start"] : sentence["end"]] == sentence["text"]


def test_data_stages_without_data_are_skipped_with_the_reason(seed_text: str) -> None:
    runs = _runs(run_chain(_raw(seed_text), Resources(chain=())))
    for stage in ("segment.clitics", *(spec.name for spec in data_stages())):
        assert runs[stage]["status"] == "skipped"
        assert runs[stage]["reason"]
    assert runs["dates"]["status"] == "ok"


def test_a_stage_that_fails_marks_the_article_and_it_flows_on(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, published_at: str | None) -> list[object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "extract_dates", broken)
    record = run_chain(_raw(seed_text), Resources(chain=()))
    validate("enriched-article", record)
    runs = _runs(record)
    assert runs["dates"]["status"] == "failed"
    assert "ZeroDivisionError: boom" in runs["dates"]["reason"]
    assert record["dates"] == []
    assert runs["countries"]["status"] == "ok" and record["countries"]


def test_an_english_article_gets_countries_entities_keywords_and_quotes() -> None:
    text = (
        "Markets rally as central bank holds rates\n"
        "The central bank kept its benchmark rate unchanged on Tuesday, citing easing "
        "inflation. Analysts had expected the decision.\nSource: Example Wire"
    )
    record = run_chain(_raw(text, published_at="2025-03-13"), Resources(chain=()))
    validate("enriched-article", record)
    assert record["language"] == "en"
    runs = _runs(record)
    for stage in ("dates", "countries", "entities", "keywords", "quotes"):
        assert runs[stage]["status"] == "ok"
    assert [(d["text"], d["value"]) for d in record["dates"]] == [("on Tuesday", "2025-03-11")]
    assert record["keywords"] and {"central", "bank"} <= {k["term"] for k in record["keywords"]}
    assert runs["duplicates"]["status"] == "ok"


def test_an_article_in_another_language_skips_the_wire_stages() -> None:
    text = (
        "Die Zentralbank belässt den Leitzins unverändert\n"
        "Die Zentralbank hat ihren Leitzins am Dienstag unverändert gelassen und verwies auf "
        "die nachlassende Inflation. Analysten hatten die Entscheidung erwartet."
    )
    record = run_chain(_raw(text), Resources(chain=()))
    validate("enriched-article", record)
    runs = _runs(record)
    assert record["language"] == "de"
    for stage in ("dates", "countries", "entities", "keywords", "quotes"):
        assert runs[stage]["status"] == "skipped"


def test_message_fields_are_the_fallback_when_the_page_says_nothing() -> None:
    record = run_chain(
        _raw("خبر قصير عن الطقس في عمّان اليوم.", published_at="2025-03-02", source="وكالة"),
        Resources(chain=()),
    )
    assert record["structure"]["published_at"] == "2025-03-02"
    assert record["structure"]["source"] == "وكالة"
