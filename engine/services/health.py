"""Health checks."""

from __future__ import annotations

from engine.adapters.database import revision_of
from engine.services.context import Context


def check_database(ctx: Context) -> tuple[bool, str]:
    """True and 'ok' when a trivial query answers."""
    try:
        with ctx.reader() as uow:
            uow.models.latest("__health__")
        return True, "ok"
    except Exception as exc:  # any failure means degraded; the reason helps operators
        return False, f"unreachable: {type(exc).__name__}"


def schema_revision(ctx: Context) -> str | None:
    """The migration revision the database is at, for operators checking a deployment."""
    try:
        return revision_of(ctx.db_engine) if ctx.db_engine is not None else None
    except Exception:  # reported as unknown; check_database says why the database is down
        return None
