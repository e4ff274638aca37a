"""Rate limits (flask-limiter): per token subject, or per remote address without a valid token.

One limit (MOTCUA_RATE_LIMIT, e.g. "600 per minute" or "20/second;600/minute") applies to every
route that authenticates; /health and the API docs are exempt. The counters live in memory by
default, which is per process: with several API processes give them a shared store
(MOTCUA_RATE_LIMIT_STORAGE=redis://host:6379/0). If that store cannot be reached, requests go
through and the failure is logged: a province's counters must not stop because of a cache.
A refused request gets 429 in the common error shape, with Retry-After.
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter
from limits import parse_many

from api.auth import AuthError, current_actor
from api.guards import is_public_request
from engine.settings import Settings


def rate_key() -> str:
    """Whose budget a request spends: the token's subject (hashed: keys are logged on breach;
    a citizen's subject may be their ID number), else the client's address."""
    try:
        subject = current_actor().sub
    except AuthError:
        return f"ip:{request.remote_addr or 'unknown'}"
    return "sub:" + hashlib.sha256(subject.encode()).hexdigest()[:24]


def install_rate_limits(app: Flask, settings: Settings) -> Limiter | None:
    """Register the limiter (before the guards, so that floods without a token are limited)."""
    if not settings.rate_limit_enabled:
        return None
    try:
        parse_many(settings.rate_limit)
    except ValueError as exc:
        raise RuntimeError(f"MOTCUA_RATE_LIMIT: {exc}") from exc
    limiter = Limiter(
        key_func=rate_key,
        default_limits=[settings.rate_limit],
        default_limits_exempt_when=is_public_request,
        storage_uri=settings.rate_limit_storage,
        headers_enabled=True,
        swallow_errors=True,
        key_prefix="motcua",
    )
    limiter.init_app(app)
    return limiter
