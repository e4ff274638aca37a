"""Checks every request passes before its route runs: token, body size, no NUL, plain JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

from api.auth import ANYONE, current_actor
from engine.domain.errors import PermissionDeniedError

# Forms nest a few levels; deeper bodies would only exercise recursion in the layers below.
MAX_JSON_DEPTH = 64
TOO_DEEP = f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels"
# flask-smorest's OpenAPI JSON and Swagger UI, and Flask's static files, are open to anyone.
PUBLIC_BLUEPRINTS = {"api-docs"}
PUBLIC_ENDPOINTS = {"static"}


F = TypeVar("F", bound=Callable[..., Any])


def accepts_uploads(view: F) -> F:
    """Mark a view that takes bundle uploads: its body may reach MAX_CONTENT_LENGTH."""
    view.motcua_uploads = True  # type: ignore[attr-defined]
    return view


def _view_flag(name: str) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, name, False))


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None:  # no route matched: the 404/405 that follows needs no token
        return True
    if endpoint in PUBLIC_ENDPOINTS or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS:
        return True
    return _view_flag("motcua_public")


def is_public_request() -> bool:
    """True for the routes anyone may call (health, docs) and for requests no route matched."""
    return request.method == "OPTIONS" or _is_public(request.endpoint)


def authenticate() -> None:
    """401 before anything else (payload validation included) unless the route is public."""
    if request.method != "OPTIONS" and not _is_public(request.endpoint):
        current_actor()


def authorize() -> None:
    """403 before the route runs when the token holds none of the roles the route allows."""
    if request.method == "OPTIONS" or _is_public(request.endpoint):
        return
    view = current_app.view_functions[request.endpoint or ""]
    allowed: frozenset[str] = cast(Any, view).motcua_roles
    actor = current_actor()
    if ANYONE not in allowed and not actor.roles & allowed:
        raise PermissionDeniedError(
            f"{request.method} {request.url_rule} needs one of the roles: "
            + ", ".join(sorted(allowed))
        )


def unguarded_routes(app: Flask) -> list[str]:
    """Routes that are neither public nor declare their roles (api.auth.allow)."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "motcua_public", False) and not hasattr(view, "motcua_roles"):
            missing.append(f"{sorted(rule.methods or ())} {rule.rule} ({rule.endpoint})")
    return missing


def limit_body_size() -> None:
    """JSON bodies stay under settings.max_request_bytes; only bundle uploads may be larger."""
    if not _view_flag("motcua_uploads"):
        request.max_content_length = current_app.config["MOTCUA_SETTINGS"].max_request_bytes


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


def _not_json_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def refuse_unsafe_json() -> None:
    """400 for bodies Python's parser takes but JSON forbids (NaN, Infinity) or nests too deep.

    Python reads NaN and Infinity, which PostgreSQL's json type then refuses on insert, and
    raises RecursionError (not a decoding error) on very deep nesting: both would end in a 500.
    """
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    try:
        body = json.loads(raw, parse_constant=_not_json_constant)
    except RecursionError:
        _bad_json(TOO_DEEP)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
        _bad_json(f"invalid JSON body: {exc}")
    if _depth(body) > MAX_JSON_DEPTH:
        _bad_json(TOO_DEEP)


def _depth(value: object) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (iteratively: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _bad_json(message: str) -> NoReturn:
    error = BadRequest(message)
    error.data = {"messages": {"json": [message]}}  # type: ignore[attr-defined]
    raise error


def install_guards(app: Flask) -> None:
    """Register the checks, authentication first; refuse to start if a route declares no roles."""
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError(
            "routes must be @public or declare their roles with @allow: " + "; ".join(missing)
        )
    app.before_request(authenticate)
    app.before_request(authorize)
    app.before_request(limit_body_size)
    app.before_request(refuse_nul_characters)
    app.before_request(refuse_unsafe_json)
