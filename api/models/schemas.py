"""Payloads of the process-models resource (responses, and the multipart upload for OpenAPI)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields


class ModelVersionSchema(Schema):
    """One deployed version of a procedure."""

    procedure_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    process_id = fields.String()
    name = fields.String()
    tthc_code = fields.String()
    time_limit = fields.String(allow_none=True)
    deployed_by = fields.String()
    deployed_at = fields.String()


class ModelListSchema(Schema):
    """Deployed procedures with their newest version."""

    items = fields.List(fields.Nested(ModelVersionSchema))


class ModelSchema(ModelVersionSchema):
    """A procedure's newest version, its files and every version."""

    files = fields.List(fields.String())
    versions = fields.List(fields.Nested(ModelVersionSchema))


class DeployResultSchema(ModelVersionSchema):
    """The version a deployment resolved to: `created` is false when the content was known."""

    files = fields.List(fields.String())
    created = fields.Boolean()
    warnings = fields.List(fields.Dict())


class ValidationSchema(Schema):
    """A bundle that passed every check (refused bundles answer 422 with the problems)."""

    ok = fields.Boolean()
    procedure_id = fields.String(allow_none=True)
    content_hash = fields.String()
    problems = fields.List(fields.Dict(), metadata={"description": "warnings"})


UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "bundle files; each part's file name is its path "
                        "in the bundle (procedure.json, x.bpmn, forms/a.schema.json)",
                    },
                    "bundle": {
                        "type": "string",
                        "format": "binary",
                        "description": "or: one zip archive of the procedure folder",
                    },
                },
            }
        }
    },
}
