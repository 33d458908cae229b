"""The separate virtualenv the Quix Streams peer runs in (the ``bench`` extra).

Quix Streams and confluent-kafka are a benchmark extra, never a dependency of the workers, so
they do not go into the workers' environment. ``streams bench`` creates (or reuses) a venv
under the cache dir, ``bench-quix-py3.11``, with only the pinned requirement installed in it.
Everything else the peer imports (our ``streams`` package and its dependencies: orjson,
pydantic-settings, camel-tools, ...) comes from the environment ``streams bench`` itself runs
in: a ``.pth`` file in the Quix venv's site-packages appends that environment's site-packages
after its own, and ``PYTHONPATH`` puts the directory holding ``streams`` first. Where both have
a package (pip installs a dependency of Quix Streams into the Quix venv only when the
running environment lacks a compatible version), the Quix venv's copy wins, for the peer only.

The venv is keyed by the requirement, the Python version and the shared site-packages: a venv
whose key file differs (another pin, another interpreter or environment) is rebuilt.
"""

from __future__ import annotations

import logging
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import streams

logger = logging.getLogger(__name__)

# Kept equal to the ``bench`` extra in pyproject.toml (a unit test checks).
QUIX_REQUIREMENT = "quixstreams==3.28.1"
KEY_FILE = "streams-bench-key.txt"
PTH_FILE = "streams-bench-shared.pth"


class QuixUnavailable(RuntimeError):
    """The bench extra could not be installed (no network, no index, a failed build)."""


@dataclass(frozen=True)
class QuixEnv:
    root: Path
    requirement: str = QUIX_REQUIREMENT

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def key(self) -> str:
        """What the venv was built for: the requirement, this interpreter's version and the
        site-packages it sees after its own (another shared environment: rebuilt)."""
        version = f"python {sys.version_info.major}.{sys.version_info.minor}"
        return "\n".join([self.requirement, version, *shared_site_packages()]) + "\n"

    def is_current(self) -> bool:
        key_file = self.root / KEY_FILE
        return (
            self.python.exists()
            and key_file.exists()
            and key_file.read_text(encoding="utf-8") == self.key
        )

    def env(self) -> dict[str, str]:
        """Environment for the peer's process: our package first on the path."""
        return {"PYTHONPATH": str(package_parent())}


def venv_dir(cache_root: Path) -> Path:
    version = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return cache_root / f"bench-quix-{version}"


def package_parent() -> Path:
    """The directory that holds the ``streams`` package in use (the repo or site-packages)."""
    return Path(streams.__file__).resolve().parent.parent


def shared_site_packages() -> list[str]:
    """This environment's site-packages, which the Quix venv sees after its own."""
    paths = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    paths += [p for p in site.getsitepackages() if p not in paths]
    return list(dict.fromkeys(p for p in paths if Path(p).is_dir()))


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    full_env = {**os.environ, **env} if env else None
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=full_env)
    if done.returncode != 0:
        output = (done.stderr or done.stdout)[-2000:]
        raise QuixUnavailable(f"`{' '.join(args)}` failed ({done.returncode}):\n{output}")


def ensure(cache_root: Path, requirement: str = QUIX_REQUIREMENT) -> QuixEnv:
    """The Quix venv, created or rebuilt as needed; raises :class:`QuixUnavailable`."""
    quix = QuixEnv(venv_dir(cache_root), requirement)
    if quix.is_current():
        return quix
    if quix.root.exists():
        logger.info("rebuilding %s (built for another requirement or Python)", quix.root)
        shutil.rmtree(quix.root)
    quix.root.parent.mkdir(parents=True, exist_ok=True)
    try:
        _run([sys.executable, "-m", "venv", str(quix.root)])
        purelib = subprocess.run(
            [str(quix.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        # Written before the install, so pip sees what the running environment already has
        # and installs only what is missing or incompatible (into the Quix venv: pip never
        # uninstalls outside the environment it runs in).
        (Path(purelib) / PTH_FILE).write_text(
            "".join(f"{path}\n" for path in shared_site_packages()), encoding="utf-8"
        )
        _run(
            [
                str(quix.python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                requirement,
            ]
        )
        _run([str(quix.python), "-c", "import quixstreams, streams.hop"], quix.env())
    except (QuixUnavailable, OSError, subprocess.CalledProcessError) as exc:
        shutil.rmtree(quix.root, ignore_errors=True)
        raise QuixUnavailable(
            f"the bench extra ({requirement}) cannot be installed: {exc}"
        ) from exc
    (quix.root / KEY_FILE).write_text(quix.key, encoding="utf-8")
    return quix
