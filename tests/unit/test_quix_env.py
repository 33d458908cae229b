"""The Quix peer's venv: its requirement, its key, when it is reused or rebuilt."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from streams.bench import quix_env

REPO = Path(__file__).parents[2]


def _fake_venv(root: Path, key: str) -> None:
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "python").write_text("")
    (root / quix_env.KEY_FILE).write_text(key, encoding="utf-8")


def test_the_requirement_is_the_bench_extra_and_never_a_runtime_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["optional-dependencies"]["bench"] == [quix_env.QUIX_REQUIREMENT]
    assert not any(
        d.lower().startswith(("quixstreams", "confluent")) for d in project["dependencies"]
    )


def test_the_venv_is_named_for_the_python_version(tmp_path: Path) -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert quix_env.venv_dir(tmp_path) == tmp_path / f"bench-quix-py{version}"


def test_the_key_names_the_requirement_python_and_shared_site_packages(tmp_path: Path) -> None:
    key = quix_env.QuixEnv(tmp_path).key.splitlines()
    assert key[0] == quix_env.QUIX_REQUIREMENT
    assert key[1] == f"python {sys.version_info.major}.{sys.version_info.minor}"
    assert key[2:] == quix_env.shared_site_packages() and key[2:]
    assert quix_env.QuixEnv(tmp_path, "quixstreams==9.9.9").key != quix_env.QuixEnv(tmp_path).key


def test_the_shared_site_packages_hold_this_environments_packages() -> None:
    import orjson

    assert any(Path(orjson.__file__).is_relative_to(p) for p in quix_env.shared_site_packages())


def test_the_peer_imports_this_streams_package() -> None:
    assert (quix_env.package_parent() / "streams" / "hop.py").is_file()


def test_a_current_venv_is_reused_without_running_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = quix_env.venv_dir(tmp_path)
    _fake_venv(root, quix_env.QuixEnv(root).key)

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a current venv must not be rebuilt")

    monkeypatch.setattr(quix_env, "_run", no_run)
    assert quix_env.ensure(tmp_path).is_current()
    assert (root / "bin" / "python").exists()


def test_a_venv_built_for_another_requirement_is_rebuilt_and_a_failed_install_removed(
    tmp_path: Path,
) -> None:
    root = quix_env.venv_dir(tmp_path)
    _fake_venv(root, quix_env.QuixEnv(root, "quixstreams==0.1").key)
    missing = tmp_path / "no-such-wheel-1.0-py3-none-any.whl"
    with pytest.raises(quix_env.QuixUnavailable, match="cannot be installed"):
        quix_env.ensure(tmp_path, requirement=str(missing))
    # The stale venv was removed before the rebuild, and the half-built one after it failed.
    assert not root.exists()
