"""Where the CAMeL Tools data lives, which data-backed stages can run, and installing it.

Everything here looks at files on disk only: importing ``camel_tools.data`` (or any module that
imports it: morphology, disambig.mle, ner, dialectid, sentiment) loads the catalogue at import
time and tries to download it from GitHub when it is missing, so the status must be known
before any of those is imported.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The 26 labels of camel_tools' DIDModel26; it loads one char and one word LM per label.
DIALECT_LABELS = (
    "ALE", "ALG", "ALX", "AMM", "ASW", "BAG", "BAS", "BEI", "BEN", "CAI", "DAM", "DOH", "FES",
    "JED", "JER", "KHA", "MOS", "MSA", "MUS", "RAB", "RIY", "SAL", "SAN", "SFX", "TRI", "TUN",
)  # fmt: skip

_BERT_FILES = (("config.json",), ("vocab.txt",), ("model.safetensors", "pytorch_model.bin"))


@dataclass(frozen=True, slots=True)
class _Requirement:
    component: str
    # None: the component's default dataset.
    dataset: str | None
    # Each entry lists alternatives; one of them must exist in the dataset directory.
    files: tuple[tuple[str, ...], ...]
    # The camel_data package that installs it, for the hint in the reason.
    package: str


def _dialect_files() -> tuple[tuple[str, ...], ...]:
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    lms = tuple(
        (f"lm/{kind}/{label}.arpa",) for kind in ("char", "word") for label in DIALECT_LABELS
    )
    return ((f"did_pretrained_{py}.dill",), *lms)


_MORPHOLOGY = (
    _Requirement("MorphologyDB", None, (("morphology.db",),), "morphology-db-msa-r13"),
    _Requirement("DisambigMLE", None, (("model.json",),), "disambig-mle-calima-msa-r13"),
)
# The bundle to suggest per stage (`streams data install light|defaults`): "light" has the
# morphology DBs, MLE models and dialect model26; "defaults" adds the BERT models.
_BUNDLES = {
    "clitics": "light",
    "morphology": "light",
    "dialect": "light",
    "ner": "defaults",
    "sentiment": "defaults",
}
_REQUIREMENTS: dict[str, tuple[_Requirement, ...]] = {
    "clitics": _MORPHOLOGY,
    "morphology": _MORPHOLOGY,
    "ner": (_Requirement("NamedEntityRecognition", None, _BERT_FILES, "ner-arabert"),),
    "sentiment": (
        _Requirement("SentimentAnalysis", None, _BERT_FILES, "sentiment-analysis-arabert"),
    ),
    "dialect": (_Requirement("DialectID", "model26", _dialect_files(), "dialectid-model26"),),
}
# What needs CAMeL data: segment's clitics and the stages whose registry entry
# (streams.stages) names one of these as its `data`.
STAGES = tuple(_REQUIREMENTS)


@dataclass(frozen=True, slots=True)
class Availability:
    available: bool
    reason: str | None = None
    path: str | None = None


class StageUnavailable(Exception):
    """A data-backed stage cannot run here; ``reason`` says why in words a user can act on."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage} unavailable: {reason}")
        self.stage = stage
        self.reason = reason


class DataInstallError(RuntimeError):
    """``camel_data -i PACKAGE`` failed; the message says why and what to do."""


def data_dir() -> Path:
    """The CAMeL Tools data directory, resolved exactly as camel_tools resolves it."""
    env = os.environ.get("CAMELTOOLS_DATA")
    if env is not None:
        return Path(env).expanduser().absolute()
    if sys.platform == "win32":
        return Path(Path.home(), "AppData/Roaming/camel_tools")
    return Path(Path.home(), ".camel_tools")


def catalogue_path() -> Path:
    return data_dir() / "catalogue.json"


def _install_hint(stage: str, package: str | None = None) -> str:
    bundle = _BUNDLES[stage]
    package = package or bundle
    return (
        f"install CAMeL Tools package '{package}' (`camel_data -i {package}`, or "
        f"`streams data install {bundle}`) where GitHub is reachable, or point CAMELTOOLS_DATA "
        "at a directory holding the data"
    )


def _read_components(path: Path) -> dict[str, Any] | str:
    """The catalogue's ``components`` map, or the reason it cannot be used (without a hint)."""
    if not path.is_file():
        return f"no CAMeL Tools catalogue at {path}"
    try:
        catalogue = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"CAMeL Tools catalogue {path} is unreadable ({exc})"
    components = catalogue.get("components") if isinstance(catalogue, dict) else None
    if not isinstance(components, dict):
        return f"CAMeL Tools catalogue {path} has no 'components' map"
    return components


def _dataset_dir(root: Path, components: dict[str, Any], req: _Requirement) -> Path | str:
    component = components.get(req.component)
    if not isinstance(component, dict) or not isinstance(component.get("datasets"), dict):
        return f"the catalogue has no component {req.component!r}"
    name = req.dataset or component.get("default")
    dataset = component["datasets"].get(name)
    if not isinstance(dataset, dict) or not isinstance(dataset.get("path"), str):
        return f"the catalogue has no dataset {name!r} for {req.component!r}"
    return root / "data" / dataset["path"]


def _check(stage: str, root: Path, components: dict[str, Any]) -> Availability:
    first_dir: Path | None = None
    for req in _REQUIREMENTS[stage]:
        directory = _dataset_dir(root, components, req)
        if isinstance(directory, str):
            return Availability(False, directory, str(catalogue_path()))
        first_dir = first_dir or directory
        if not directory.is_dir():
            reason = f"{req.component} data directory {directory} is missing; "
            return Availability(False, reason + _install_hint(stage, req.package), str(directory))
        missing = [alts for alts in req.files if not any((directory / f).is_file() for f in alts)]
        if missing:
            names = ", ".join(" or ".join(alts) for alts in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            reason = f"{names}{more} missing in {directory}; "
            return Availability(False, reason + _install_hint(stage, req.package), str(directory))
    return Availability(True, None, str(first_dir) if first_dir else None)


def stage_availability(stage: str) -> Availability:
    """Whether the data of one stage is on disk; never imports camel_tools."""
    if stage not in _REQUIREMENTS:
        raise ValueError(f"unknown CAMeL stage {stage!r}; known: {', '.join(STAGES)}")
    path = catalogue_path()
    components = _read_components(path)
    if isinstance(components, str):
        return Availability(False, f"{components}; {_install_hint(stage)}", str(path))
    return _check(stage, data_dir(), components)


def data_status() -> dict[str, Availability]:
    """Availability of every data-backed stage, from the files on disk."""
    path = catalogue_path()
    components = _read_components(path)
    if isinstance(components, str):
        return {
            stage: Availability(False, f"{components}; {_install_hint(stage)}", str(path))
            for stage in STAGES
        }
    root = data_dir()
    return {stage: _check(stage, root, components) for stage in STAGES}


def require(stage: str) -> Availability:
    """The stage's availability; raises StageUnavailable with the reason when it is absent."""
    availability = stage_availability(stage)
    if not availability.available:
        raise StageUnavailable(stage, availability.reason or "data missing")
    return availability


# --- installing ------------------------------------------------------------------------------

_ERROR_LINE = re.compile(r"^(?:Error: .*|\w+(?:\.\w+)*(?:Error|Exception): .*)$", re.MULTILINE)
_UNREACHABLE = re.compile(
    r"Failed to resolve '([^']+)'|host='([^']+)'.*?(?:refused|timed out|unreachable)",
)


def _failure_message(package: str, returncode: int, stderr: str) -> str:
    errors = _ERROR_LINE.findall(stderr)
    detail = errors[-1].strip() if errors else (stderr.strip().splitlines() or ["no output"])[-1]
    message = (
        f"installing CAMeL Tools data package {package!r} into {data_dir()} failed "
        f"(camel_data exit status {returncode}): {detail}"
    )
    unreachable = _UNREACHABLE.search(stderr)
    if unreachable:
        host = unreachable.group(1) or unreachable.group(2)
        message += (
            f". {host} could not be reached: camel_data downloads its catalogue and packages "
            "from GitHub (raw.githubusercontent.com, github.com release assets). Run the install "
            "where GitHub is reachable and copy the directory here, or set CAMELTOOLS_DATA to a "
            "copy of it"
        )
    elif "Invalid package name" in detail:
        message += ". `camel_data -l` lists the packages of the installed catalogue"
    return message


def install(package: str = "light", *, timeout: float | None = 3600.0) -> None:
    """Install a CAMeL Tools data package with camel_tools' own ``camel_data -i PACKAGE``.

    Raises DataInstallError with a readable reason when it fails. camel_data exits 0 even when
    a package download fails (it only prints ``Error: ...``), so its stderr is checked too.
    """
    root = data_dir()
    # camel_data writes the catalogue into the directory without creating it.
    root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "camel_tools.cli.camel_data", "-i", package]
    env = {**os.environ, "CAMELTOOLS_DATA": str(root)}
    logger.info("running %s with CAMELTOOLS_DATA=%s", " ".join(cmd[1:]), root)
    try:
        proc = subprocess.run(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DataInstallError(
            f"installing CAMeL Tools data package {package!r} did not finish within {timeout:g} s "
            "(camel_data has no network timeout of its own; is GitHub reachable?)"
        ) from exc
    if proc.returncode != 0 or _ERROR_LINE.search(proc.stderr):
        raise DataInstallError(_failure_message(package, proc.returncode, proc.stderr))
    logger.info("installed CAMeL Tools data package %s into %s", package, root)
