"""Data status, data directory and install: files on disk only, no camel_tools data import."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from streams.nlp.camel import data
from streams.nlp.camel.data import (
    STAGES,
    Availability,
    DataInstallError,
    data_dir,
    data_status,
    install,
    stage_availability,
)
from tests.fixtures import camel_data


def test_data_dir_follows_cameltools_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"


def test_data_dir_defaults_to_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAMELTOOLS_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_dir() == tmp_path / ".camel_tools"


BUNDLES = {
    "clitics": "light",
    "morphology": "light",
    "dialect": "light",
    "ner": "defaults",
    "sentiment": "defaults",
}


def test_empty_dir_every_stage_unavailable_with_reason(empty_data: Path) -> None:
    status = data_status()
    assert set(status) == set(STAGES) == set(BUNDLES)
    for stage, availability in status.items():
        assert isinstance(availability, Availability)
        assert availability.available is False
        assert availability.reason is not None
        assert "no CAMeL Tools catalogue" in availability.reason
        assert str(empty_data / "catalogue.json") in availability.reason
        assert f"streams data install {BUNDLES[stage]}" in availability.reason
        assert availability == stage_availability(stage)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "unreadable"),
        ('{"version": "1.6.0", "packages": {}}', "no 'components' map"),
        ('["a list"]', "no 'components' map"),
    ],
)
def test_bad_catalogue(empty_data: Path, content: str, expected: str) -> None:
    (empty_data / "catalogue.json").write_text(content, encoding="utf-8")
    for availability in data_status().values():
        assert not availability.available
        assert availability.reason is not None and expected in availability.reason


@pytest.mark.parametrize(
    ("stage", "missing", "package"),
    [
        ("clitics", "morphology_db/calima-msa-r13", "morphology-db-msa-r13"),
        ("morphology", "morphology_db/calima-msa-r13", "morphology-db-msa-r13"),
        ("ner", "ner/arabert", "ner-arabert"),
        ("sentiment", "sentiment_analysis/arabert", "sentiment-analysis-arabert"),
        ("dialect", "dialectid/model26", "dialectid-model26"),
    ],
)
def test_catalogue_only_names_missing_directory_and_package(
    empty_data: Path, stage: str, missing: str, package: str
) -> None:
    camel_data.write_catalogue(empty_data)
    availability = stage_availability(stage)
    assert not availability.available
    assert availability.reason is not None
    assert str(empty_data / "data" / missing) in availability.reason
    assert f"camel_data -i {package}" in availability.reason
    assert availability.path == str(empty_data / "data" / missing)


def test_morphology_fixture_makes_only_its_stages_available(empty_data: Path) -> None:
    camel_data.build(empty_data, ["morphology"])
    status = data_status()
    assert {s for s, a in status.items() if a.available} == {"clitics", "morphology"}
    assert status["clitics"].path == str(empty_data / "data/morphology_db/calima-msa-r13")


def test_missing_mle_model_is_named(empty_data: Path) -> None:
    camel_data.build(empty_data, ["morphology"])
    (empty_data / "data/disambig_mle/calima-msa-r13/model.json").unlink()
    reason = stage_availability("morphology").reason
    assert reason is not None and "model.json missing" in reason
    assert "disambig-mle-calima-msa-r13" in reason


def test_dialect_needs_pickle_for_this_python_and_all_lms(empty_data: Path) -> None:
    camel_data.write_catalogue(empty_data)
    model = empty_data / "data/dialectid/model26"
    (model / "lm/char").mkdir(parents=True)
    (model / "lm/word").mkdir(parents=True)
    (model / "did_pretrained_39.dill").write_bytes(b"")
    reason = stage_availability("dialect").reason
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    assert reason is not None and f"did_pretrained_{py}.dill" in reason
    assert "and 50 more" in reason  # 52 language models (26 char, 26 word) are missing too


def test_bert_weights_in_either_format(empty_data: Path) -> None:
    camel_data.write_catalogue(empty_data)
    model = empty_data / "data/ner/arabert"
    model.mkdir(parents=True)
    for name in ("config.json", "vocab.txt"):
        (model / name).write_text("{}", encoding="utf-8")
    assert "model.safetensors or pytorch_model.bin" in (stage_availability("ner").reason or "")
    (model / "pytorch_model.bin").write_bytes(b"")
    assert stage_availability("ner").available


def test_unknown_stage() -> None:
    with pytest.raises(ValueError, match="unknown CAMeL stage"):
        stage_availability("parser")


def test_install_fails_clearly_without_github(empty_data: Path) -> None:
    """Runs the real camel_data; on this machine GitHub is unreachable and it fails at once."""
    started = time.perf_counter()
    with pytest.raises(DataInstallError) as info:
        install("light", timeout=120)
    message = str(info.value)
    assert "'light'" in message
    assert str(empty_data) in message
    assert "DownloaderError" in message or "Error:" in message
    assert "GitHub" in message
    assert time.perf_counter() - started < 120
    assert not (empty_data / "catalogue.json").exists()


def test_install_unknown_package_names_it(empty_data: Path) -> None:
    # With a catalogue present camel_data gets as far as looking the package up.
    camel_data.write_catalogue(empty_data)
    with pytest.raises(DataInstallError, match=r"Invalid package name 'nope'.*camel_data -l"):
        install("nope", timeout=120)


def test_install_times_out_clearly(empty_data: Path) -> None:
    with pytest.raises(DataInstallError, match="did not finish within"):
        install("light", timeout=0.001)


def test_install_creates_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "not" / "yet"
    monkeypatch.setenv("CAMELTOOLS_DATA", str(root))
    with pytest.raises(DataInstallError):
        install("light", timeout=120)
    assert root.is_dir()


@pytest.mark.parametrize(
    ("stderr", "returncode", "expected"),
    [
        (
            "Traceback ...\nurllib3.exceptions.NameResolutionError: HTTPSConnection("
            "host='raw.githubusercontent.com', port=443): Failed to resolve "
            "'raw.githubusercontent.com'\ncamel_tools.data.downloader.DownloaderError: "
            "An error occured while downloading data.\n",
            1,
            "raw.githubusercontent.com could not be reached",
        ),
        ("Error: An error occured while downloading data.", 0, "exit status 0"),
        ("", 3, "no output"),
    ],
)
def test_failure_message(stderr: str, returncode: int, expected: str) -> None:
    assert expected in data._failure_message("light", returncode, stderr)


def test_catalogue_fixture_has_camel_tools_shape() -> None:
    catalogue = json.loads(json.dumps(camel_data.catalogue_json()))
    assert catalogue["packages"] == {}
    assert catalogue["components"]["MorphologyDB"]["datasets"]["calima-msa-r13"] == {
        "path": "morphology_db/calima-msa-r13"
    }
    assert set(catalogue["components"]["DialectID"]["datasets"]) == {"model26", "model6"}
