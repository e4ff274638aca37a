"""Test-only access to the history tables as a DBA would have it (past the append-only triggers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from engine.adapters.audit_repository import APPEND_ONLY, sqlite_append_only


@contextmanager
def as_dba(ctx: Any) -> Iterator[Connection]:
    """A transaction past the append-only trigger: superuser on PostgreSQL, no trigger on SQLite."""
    with ctx.db_engine.begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            for table in APPEND_ONLY:
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield conn
        if sqlite:
            for table in APPEND_ONLY:
                for statement in sqlite_append_only(table):
                    conn.execute(text(statement))
