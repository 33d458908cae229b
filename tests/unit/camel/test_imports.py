"""Importing the stage modules and reading the data status stays light: no torch, no catalogue."""

from __future__ import annotations

from pathlib import Path

from tests.unit.camel.conftest import run_driver


def test_stage_modules_import_without_torch_or_catalogue(morph_data: Path) -> None:
    # A fresh interpreter: this pytest process may have imported torch for other tests.
    result = run_driver("imports", morph_data)
    assert result["loaded"] == {
        "torch": False,
        "transformers": False,
        "camel_tools.data": False,
        "camel_tools.morphology.database": False,
    }
    assert result["status"]["morphology"] is True
    assert result["status"]["ner"] is False


def test_imports_with_no_data_at_all(tmp_path: Path) -> None:
    # Without a catalogue, importing camel_tools.data would try to download it; we never do.
    empty = tmp_path / "none"
    empty.mkdir()
    result = run_driver("imports", empty)
    assert not any(result["loaded"].values())
    assert not any(result["status"].values())
    assert list(empty.iterdir()) == []
