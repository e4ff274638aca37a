"""marshmallow schemas shared by resources: paging and the error shape (for OpenAPI)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

# Identifiers and filters never hold control characters (PostgreSQL cannot even compare NUL).
NO_CONTROL_CHARACTERS = validate.Regexp(
    r"^[^\x00-\x1f\x7f]*\Z", error="Must not contain control characters."
)


class PageArgsSchema(Schema):
    """Pagination query arguments."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ErrorDetailSchema(Schema):
    """One problem: a JSON pointer (forms) or a model location (deploy)."""

    pointer = fields.String()
    message = fields.String()
    code = fields.String()


class ErrorSchema(Schema):
    """The common error body."""

    class ErrorBody(Schema):
        status = fields.Integer()
        code = fields.String()
        message = fields.String()
        details = fields.List(fields.Dict())

    error = fields.Nested(ErrorBody)


class PageSchema(Schema):
    """A page of results."""

    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def text_responses(
    *mimetypes: str, json: Any = None, status: str = "200", description: str = "OK"
) -> dict[str, Any]:
    """`@blp.doc` arguments for a route that may also answer as text (HTML, CSV...); `json`
    is the schema of its JSON answer, which this declaration would otherwise hide."""
    content: dict[str, Any] = {m: {"schema": {"type": "string"}} for m in mimetypes}
    if json is not None:
        content["application/json"] = {"schema": json}
    return {"responses": {status: {"description": description, "content": content}}}


class HealthSchema(Schema):
    """The service and its database."""

    status = fields.String(metadata={"description": "ok or degraded"})
    database = fields.String()
    schema_revision = fields.String(allow_none=True)
