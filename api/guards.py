"""Checks every request passes before its route runs: a bearer token, and no NUL characters."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import NotFound, UnprocessableEntity

from api.auth import current_actor

# flask-smorest's OpenAPI JSON and Swagger UI, and Flask's static files, are open to anyone.
PUBLIC_BLUEPRINTS = {"api-docs"}
PUBLIC_ENDPOINTS = {"static"}


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None:  # no route matched: the 404/405 that follows needs no token
        return True
    if endpoint in PUBLIC_ENDPOINTS or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "motcua_public", False))


def authenticate() -> None:
    """401 before anything else (payload validation included) unless the route is public."""
    if request.method != "OPTIONS" and not _is_public(request.endpoint):
        current_actor()


def refuse_nul_characters() -> None:
    """No identifier or filter holds NUL (PostgreSQL cannot even compare one): 404 or 422."""
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        raise NotFound()
    bad = sorted({key for key, value in request.args.items(multi=True) if "\x00" in key + value})
    if bad:
        error = UnprocessableEntity()
        error.data = {  # type: ignore[attr-defined]
            "messages": {"query": {key: ["Must not contain NUL characters."] for key in bad}}
        }
        raise error


def install_guards(app: Flask) -> None:
    """Register the checks, authentication first."""
    app.before_request(authenticate)
    app.before_request(refuse_nul_characters)
