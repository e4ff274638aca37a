"""Routes of the incidents resource: messages that expired or could not be delivered."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.auth import allow, current_actor
from api.context import engine_context
from api.schemas import PageArgsSchema, PageSchema
from api.views import iso, page_json
from engine.services.access import ADMIN, AUDITOR, OPERATOR
from engine.services.messaging.incidents import (
    STATES,
    IncidentView,
    get_incident,
    list_incidents,
    retry_incident,
)

blp = Blueprint(
    "incidents",
    __name__,
    url_prefix="/incidents",
    description="Messages that expired unread or failed every delivery attempt",
)


class IncidentQuerySchema(PageArgsSchema):
    """Filter by state (open by default)."""

    state = fields.String(load_default="open", validate=validate.OneOf(STATES))


class IncidentSchema(Schema):
    """An incident and its message."""

    id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    case_code = fields.String(allow_none=True)
    error = fields.String()
    attempts = fields.Integer()
    created_at = fields.String()
    resolved_at = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    message = fields.Dict()


def incident_json(view: IncidentView) -> dict[str, Any]:
    """An incident as shown to operators."""
    i, m = view.incident, view.message
    message = None
    if m is not None:
        message = {
            "key": m.key,
            "channel": m.channel.value,
            "name": m.name,
            "state": m.state.value,
            "correlation": m.correlation,
            "source_case": m.source_case,
            "endpoint": m.endpoint,
            "attempts": m.attempts,
            "created_at": iso(m.created_at),
            "expires_at": iso(m.expires_at),
            "next_attempt_at": iso(m.next_attempt_at),
            "last_error": m.last_error,
            "payload": m.payload,
        }
    return {
        "id": i.id,
        "kind": i.kind,
        "state": i.state.value,
        "case_code": i.case_code,
        "error": i.error,
        "attempts": i.attempts,
        "created_at": iso(i.created_at),
        "resolved_at": iso(i.resolved_at),
        "resolved_by": i.resolved_by,
        "message": message,
    }


@blp.route("", methods=["GET"])
@allow(OPERATOR, AUDITOR, ADMIN)
@blp.arguments(IncidentQuerySchema, location="query")
@blp.response(200, PageSchema)
def list_all(args: dict[str, Any]) -> dict[str, Any]:
    """Incidents (open ones by default), oldest first."""
    items, total = list_incidents(
        engine_context(), current_actor(), args["state"], args["page"], args["per_page"]
    )
    return page_json([incident_json(v) for v in items], total, args["page"], args["per_page"])


@blp.route("/<int:incident_id>", methods=["GET"])
@allow(OPERATOR, AUDITOR, ADMIN)
@blp.response(200, IncidentSchema)
def show(incident_id: int) -> dict[str, Any]:
    """One incident with its message."""
    return incident_json(get_incident(engine_context(), current_actor(), incident_id))


@blp.route("/<int:incident_id>/retry", methods=["POST"])
@allow(OPERATOR, ADMIN)
@blp.response(200, IncidentSchema)
def retry(incident_id: int) -> dict[str, Any]:
    """Send the incident's message again (the worker delivers it in its dossier's order)."""
    return incident_json(retry_incident(engine_context(), current_actor(), incident_id))
