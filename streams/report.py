"""Readable terminal summaries of enriched records and of a worker's stage counters."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

logger = logging.getLogger(__name__)


def _short(text: str | None, width: int) -> str:
    if not text:
        return "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def records_table(records: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title="enriched articles", show_lines=False)
    for column in (
        "id",
        "lang",
        "title",
        "published",
        "source",
        "countries",
        "dates",
        "duplicate of",
    ):
        table.add_column(column, overflow="fold")
    for record in records:
        structure = record["structure"]
        table.add_row(
            _short(record["id"], 28),
            record.get("language") or "—",
            _short(structure.get("title"), 48),
            structure.get("published_at") or "—",
            _short(structure.get("source"), 18),
            " ".join(f"{c['code']}×{c['mentions']}" for c in record.get("countries") or []) or "—",
            str(len(record.get("dates") or [])),
            record.get("duplicate_of") or "",
        )
    return table


def stage_table(stages: Mapping[str, Mapping[str, int]]) -> Table:
    statuses = sorted({status for counts in stages.values() for status in counts})
    table = Table(title="per-stage counts")
    table.add_column("stage")
    for status in statuses:
        table.add_column(status, justify="right")
    for stage, counts in stages.items():
        table.add_row(stage, *(str(counts.get(status, 0)) for status in statuses))
    return table


def wide_console() -> Console:
    """A console wide enough for Arabic titles even when stdout is not a terminal."""
    return Console(width=max(Console().width, 150))
