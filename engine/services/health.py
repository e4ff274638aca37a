"""Health checks."""

from __future__ import annotations

from engine.services.context import Context


def check_database(ctx: Context) -> tuple[bool, str]:
    """True and 'ok' when a trivial query answers."""
    try:
        with ctx.reader() as uow:
            uow.models.latest("__health__")
        return True, "ok"
    except Exception as exc:  # any failure means degraded; the reason helps operators
        return False, f"unreachable: {type(exc).__name__}"
