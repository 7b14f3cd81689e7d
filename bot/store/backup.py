"""Backups of the durable store as JSON lines, independent of the database engine (PostgreSQL -> SQLite works).

The first line describes the export (`{"dev_agent_export": 1, "revision": ..., "at": ...}`); every other line is
one row: `{"table": "...", "row": {...}}`, tables in an order that satisfies their foreign keys. Times are ISO
8601. The export holds the session signing secret and API key hashes: keep it as private as the database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlalchemy import Date, DateTime, Integer, Table, func, insert, select, text

from bot.errors import DevAgentError
from bot.store import schema
from bot.store.db import Database, utc

FORMAT = 1
TABLES: tuple[Table, ...] = tuple(schema.metadata.sorted_tables)  # parents before children


class RestoreError(DevAgentError):
    """The file is not a dev-agent export, or the database is not empty."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_lines(database: Database) -> Iterator[str]:
    """The whole store as JSON lines (header first)."""
    header = {"dev_agent_export": FORMAT, "revision": database.revision(),
              "at": dt.datetime.now(dt.UTC).isoformat(), "tables": [t.name for t in TABLES]}
    yield json.dumps(header, sort_keys=True) + "\n"
    with database.read() as conn:
        for table in TABLES:
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)):
                values = {k: _plain(v) for k, v in row._mapping.items()}
                yield json.dumps({"table": table.name, "row": values}, sort_keys=True) + "\n"


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in row.items():
        if name not in table.c:
            raise RestoreError(f"table {table.name} has no column {name!r} (export from a newer release?)")
        kind = table.c[name].type
        if value is not None and isinstance(kind, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = dt.date.fromisoformat(value)
        values[name] = value
    return values


def import_lines(database: Database, lines: Iterable[str] | IO[str]) -> dict[str, int]:
    """Load an export into an empty database (migrated to this release's schema); rows per table."""
    rows = iter(lines)
    try:
        header = json.loads(next(rows))
    except (StopIteration, ValueError):
        raise RestoreError("not a dev-agent export: the first line is not its JSON header") from None
    if not isinstance(header, dict) or header.get("dev_agent_export") != FORMAT:
        raise RestoreError(f"not a dev-agent export (format {FORMAT}): the first line is {str(header)[:80]}")
    by_name = {t.name: t for t in TABLES}
    counts = dict.fromkeys(by_name, 0)
    with database.write() as conn:
        filled = [t.name for t in TABLES if conn.execute(select(func.count()).select_from(t)).scalar_one()]
        if filled:
            raise RestoreError(f"the database is not empty ({', '.join(filled)} have rows): restore into a new one")
        for number, line in enumerate(rows, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                table = by_name[item["table"]]
            except (ValueError, KeyError, TypeError):
                raise RestoreError(f"line {number}: not a row of a known table") from None
            conn.execute(insert(table).values(**_typed(table, item["row"])))
            counts[table.name] += 1
        if database.dialect == "postgresql":  # serial ids continue after the restored ones
            for table in TABLES:
                for column in table.primary_key.columns:
                    if isinstance(column.type, Integer) and column.autoincrement is True:
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                          f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
    return counts
