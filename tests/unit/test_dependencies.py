"""Every package the code imports is declared in pyproject.toml, so a fresh install has it.

A module that came only as some other package's dependency worked in a long-lived venv and
failed in a fresh one (pydantic-settings, pycountry, tashaphyne once did).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Imported only inside camel_tools' own stages, to quiet a library camel_tools brings.
COMES_WITH = {"transformers": "camel-tools"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"runtime": project["dependencies"], **project["optional-dependencies"]}
    return {
        group: {_canonical(re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0]) for req in reqs}
        for group, reqs in groups.items()
    }


def _imported() -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for path in (ROOT / "streams").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "streams":
                    found.setdefault(top, set()).add(path.relative_to(ROOT))
    return found


def test_every_imported_package_is_declared() -> None:
    declared = _declared()
    anywhere = set().union(*declared.values())
    distributions = packages_distributions()
    missing = {}
    for module, paths in _imported().items():
        if module in COMES_WITH:
            assert _canonical(COMES_WITH[module]) in declared["runtime"]
            continue
        names = {_canonical(d) for d in distributions.get(module, [module])}
        if not names & anywhere:
            missing[module] = sorted(map(str, paths))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_runtime_code_needs_no_extra() -> None:
    """Outside streams/bench (which has the dev and bench extras), only runtime packages."""
    declared = _declared()
    distributions = packages_distributions()
    extra_only = {}
    for module, paths in _imported().items():
        if module in COMES_WITH:
            continue
        names = {_canonical(d) for d in distributions.get(module, [module])}
        runtime_paths = [p for p in paths if p.parts[:2] != ("streams", "bench")]
        if runtime_paths and not names & declared["runtime"]:
            extra_only[module] = sorted(map(str, runtime_paths))
    assert not extra_only, f"runtime code imports packages of an extra only: {extra_only}"
