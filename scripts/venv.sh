#!/usr/bin/env bash
# Create or update the virtualenv, cached outside the clone and keyed by the Python version;
# it is reinstalled only when pyproject.toml changes (its hash is stamped in the venv).
# .venv in the repository is a symlink to it.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
pyver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
cache=${STREAMS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/arabic-news-streams}
venv="$cache/venv-py$pyver"
stamp=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -x "$venv/bin/python" ]; then
  echo "creating virtualenv $venv" >&2
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
fi
if [ "$(cat "$venv/.pyproject-stamp" 2>/dev/null)" != "$stamp" ] || [ ! -e "$venv/bin/streams" ]; then
  echo "installing dependencies into $venv (first time: torch and friends, several minutes)" >&2
  # One resolver run for everything: faust-streaming caps click, camel-tools would lift it.
  "$venv/bin/pip" install -q -e '.[dev]'
  echo "$stamp" > "$venv/.pyproject-stamp"
fi
# An editable install points at the clone it was made from; repoint it when the clone moves.
if ! "$venv/bin/python" -c 'import streams, pathlib, sys; sys.exit(pathlib.Path(streams.__file__).resolve().parents[1] != pathlib.Path.cwd().resolve())' 2>/dev/null; then
  "$venv/bin/pip" install -q --no-deps -e .
fi
ln -sfn "$venv" .venv
