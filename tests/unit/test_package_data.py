"""pyproject.toml lists the package data that exists, and all of it."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _package_data() -> dict[str, list[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    return data


def _package_dir(package: str) -> Path:
    return REPO.joinpath(*package.split("."))


def test_every_package_data_pattern_matches_a_file() -> None:
    for package, patterns in _package_data().items():
        for pattern in patterns:
            assert list(_package_dir(package).glob(pattern)), (
                f"{package}: {pattern} matches nothing"
            )


def test_every_data_file_in_the_package_is_listed() -> None:
    """A file the code reads at run time that the wheel leaves out works only from a clone."""
    listed = {
        path.resolve()
        for package, patterns in _package_data().items()
        for pattern in patterns
        for path in _package_dir(package).glob(pattern)
    }
    tracked = subprocess.run(
        ["git", "ls-files", "streams"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    data = {(REPO / name).resolve() for name in tracked if not name.endswith(".py")}
    assert data, "git ls-files found nothing"
    assert sorted(str(p.relative_to(REPO)) for p in data - listed) == []


def test_typing_is_claimed_with_py_typed() -> None:
    assert (REPO / "streams" / "py.typed").exists()
    assert "py.typed" in _package_data()["streams"]


def test_the_license_is_an_spdx_expression() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(config["project"]["license"], str)
