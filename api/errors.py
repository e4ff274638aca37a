"""The one place where errors become HTTP responses, all in one JSON shape."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from api.auth import AuthError
from engine.domain.errors import (
    ConflictError,
    EngineError,
    FormValidationError,
    InvalidInputError,
    ModelRejectedError,
    NotFoundError,
    PermissionDeniedError,
    ScriptFailedError,
)

log = logging.getLogger("motcua.api")

STATUS = {
    NotFoundError: 404,
    ConflictError: 409,
    PermissionDeniedError: 403,
    InvalidInputError: 400,
    FormValidationError: 422,
    ModelRejectedError: 422,
    ScriptFailedError: 422,
}


def error_body(status: int, code: str, message: str, details: list[Any] | None = None) -> Any:
    """The common error shape: {"error": {"status", "code", "message", "details"}}."""
    response = jsonify(
        {"error": {"status": status, "code": code, "message": message, "details": details or []}}
    )
    response.status_code = status
    return response


LOCATIONS = ("json", "query", "form", "files", "headers", "cookies", "view_args")


def _webargs_details(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow/webargs messages as one {pointer, message} per problem (RFC 6901 pointers)."""
    details: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            # "_schema" is a problem with the object itself (e.g. not an object): its own pointer.
            if key == "_schema" or (key in LOCATIONS and not prefix):
                pointer = prefix
            else:
                pointer = f"{prefix}/{_escape(str(key))}"
            details.extend(_webargs_details(value, pointer))
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                details.extend(_webargs_details(item, prefix))
            else:
                details.append({"pointer": prefix, "message": str(item)})
    return details


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def register_error_handlers(app: Flask) -> None:
    """Map engine errors, auth errors and HTTP errors to the common shape."""

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> Any:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        return error_body(status, exc.code, exc.message, exc.details)

    @app.errorhandler(AuthError)
    def _auth_error(exc: AuthError) -> Any:
        response = error_body(401, "unauthorized", str(exc))
        response.headers["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        data = getattr(exc, "data", None) or {}
        details = _webargs_details(data.get("messages")) if isinstance(data, dict) else []
        status = exc.code or 500
        code = (
            "request_invalid" if status == 422 else (exc.name or "error").lower().replace(" ", "_")
        )
        message = (
            "request body or parameters are invalid"
            if status == 422
            else (exc.description or exc.name)
        )
        if status == 429:  # flask-limiter's description is the limit that was hit
            message = f"too many requests: the limit is {exc.description}; retry after Retry-After"
        return error_body(status, code, message, details)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unexpected error")
        return error_body(500, "internal_error", "internal error; it has been logged")
