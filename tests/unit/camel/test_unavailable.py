"""Without (usable) data every loader raises StageUnavailable with a reason."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from streams.nlp.camel.clitics import CliticSegmenter
from streams.nlp.camel.data import DIALECT_LABELS, StageUnavailable
from streams.nlp.camel.dialect import DialectClassifier
from streams.nlp.camel.morphology import MorphologyAnalyzer
from streams.nlp.camel.ner import EntityRecognizer
from streams.nlp.camel.sentiment import SentimentClassifier
from tests.fixtures import camel_data
from tests.unit.camel.conftest import run_driver

LOADERS: dict[str, Callable[[], object]] = {
    "clitics": CliticSegmenter.load,
    "morphology": MorphologyAnalyzer.load,
    "ner": EntityRecognizer.load,
    "dialect": DialectClassifier.load,
    "sentiment": SentimentClassifier.load,
}


def camel_dialect_files(model_dir: Path) -> list[Path]:
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    lms = [model_dir / "lm" / k / f"{lab}.arpa" for k in ("char", "word") for lab in DIALECT_LABELS]
    return [model_dir / f"did_pretrained_{py}.dill", *lms]


@pytest.mark.parametrize("stage", sorted(LOADERS))
def test_load_without_catalogue(empty_data: Path, stage: str) -> None:
    # In-process is safe: the loaders check the disk before importing any camel_tools module
    # that would try to download the catalogue.
    with pytest.raises(StageUnavailable) as info:
        LOADERS[stage]()
    assert info.value.stage == stage
    assert "no CAMeL Tools catalogue" in info.value.reason
    assert stage in str(info.value)


@pytest.mark.parametrize("stage", sorted(LOADERS))
def test_load_with_catalogue_but_no_dataset(empty_data: Path, stage: str) -> None:
    camel_data.write_catalogue(empty_data)
    with pytest.raises(StageUnavailable, match="missing"):
        LOADERS[stage]()


def test_unknown_dialect_model() -> None:
    with pytest.raises(ValueError, match="unknown dialect model"):
        DialectClassifier.load("model6")


def test_broken_db_reaches_camel_tools_and_is_reported(tmp_path: Path) -> None:
    """Files present but unusable: camel_tools' own error becomes the StageUnavailable reason."""
    root = camel_data.build(tmp_path / "broken", ["morphology"])
    db = root / "data/morphology_db/calima-msa-r13/morphology.db"
    db.write_text("###DEFINES###\nDEFINE\n", encoding="utf-8")

    reasons = run_driver("unavailable", root, {"stages": ["clitics", "morphology"]})

    for stage in ("clitics", "morphology"):
        assert reasons[stage]["stage"] == stage
        assert "DatabaseParseError" in reasons[stage]["reason"]
        assert "invalid DEFINES line" in reasons[stage]["reason"]


@pytest.mark.slow
def test_broken_models_reach_camel_tools_and_are_reported(tmp_path: Path) -> None:
    root = camel_data.build(tmp_path / "broken", [])
    for component in ("NamedEntityRecognition", "SentimentAnalysis"):
        model = camel_data.dataset_dir(root, component)
        model.mkdir(parents=True)
        for name in ("config.json", "vocab.txt", "model.safetensors"):
            (model / name).write_text("not a model", encoding="utf-8")
    model26 = camel_data.dataset_dir(root, "DialectID")
    for path in camel_dialect_files(model26):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not a model", encoding="utf-8")

    reasons = run_driver("unavailable", root, {"stages": ["ner", "sentiment", "dialect"]})

    assert reasons["ner"]["stage"] == "ner"
    assert "loading the NER model failed" in reasons["ner"]["reason"]
    assert "loading the sentiment model failed" in reasons["sentiment"]["reason"]
    # pretrained() unpickles the model before it loads the language models.
    assert "loading dialect model26 failed" in reasons["dialect"]["reason"]
    assert "UnpicklingError" in reasons["dialect"]["reason"]


def test_unknown_scheme_is_unavailable(morph_data: Path) -> None:
    reasons = run_driver(
        "unavailable", morph_data, {"stages": ["clitics"], "schemes": ["d3tok", "bwtok"]}
    )
    reason = reasons["clitics"]["reason"]
    assert "no tokenisation scheme bwtok" in reason
    assert "d3tok" in reason  # lists what the DB has
