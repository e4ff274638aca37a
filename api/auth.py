"""Bearer tokens: issue (for trying the API) and verify; the actor comes from the token only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import jwt
from flask import current_app, g, request

from engine.domain.model import Actor
from engine.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class AuthError(Exception):
    """No token, or a token that fails verification: answered with 401."""


def public(view: F) -> F:
    """Mark a view as open to anyone (no token): every other route needs one."""
    view.motcua_public = True  # type: ignore[attr-defined]
    return view


def issue_token(
    settings: Settings,
    sub: str,
    roles: list[str],
    units: list[str],
    *,
    now: datetime,
    ttl: timedelta = timedelta(hours=8),
    name: str = "",
) -> str:
    """A signed HS256 token carrying subject, roles and units."""
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": sorted(set(roles)),
        "units": sorted(set(units)),
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def verify_token(settings: Settings, token: str) -> Actor:
    """The actor of a valid token, else AuthError saying why."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=["HS256"],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    roles, units = claims.get("roles", []), claims.get("units", [])
    if not isinstance(roles, list) or not isinstance(units, list):
        raise AuthError("invalid token: roles and units must be lists")
    return Actor(
        sub=str(claims["sub"]),
        roles=frozenset(map(str, roles)),
        units=frozenset(map(str, units)),
        name=str(claims.get("name", "")),
    )


def current_actor() -> Actor:
    """The authenticated actor of this request (401 when missing or invalid)."""
    actor = g.get("actor")
    if actor is not None:
        return actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("missing bearer token (Authorization: Bearer <token>)")
    actor = verify_token(current_app.config["MOTCUA_SETTINGS"], token.strip())
    g.actor = actor
    return actor
