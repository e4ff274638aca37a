"""Access to the engine Context from a request."""

from __future__ import annotations

from flask import current_app

from engine.services.context import Context


def engine_context() -> Context:
    """The Context built by the app factory."""
    ctx: Context = current_app.extensions["motcua"]
    return ctx
