"""Routes of the messages resource: inbound messages from systems that are not motcua."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import allow, current_actor
from api.context import engine_context
from api.messages.schemas import InboundMessageSchema, InboundResultSchema
from api.views import iso
from engine.services.access import ADMIN, INTEGRATION
from engine.services.messaging.inbound import InboundResult, receive_message

blp = Blueprint(
    "messages",
    __name__,
    url_prefix="/messages",
    description="Messages from other systems (tax, police, social insurance)",
)


def _json(result: InboundResult) -> dict[str, Any]:
    return {
        "idempotency_key": result.key,
        "state": result.state,
        "duplicate": result.duplicate,
        "case": result.case_code,
        "element_id": result.element_id,
        "started": result.started,
        "expires_at": iso(result.expires_at),
    }


@blp.route("", methods=["POST"])
@allow(INTEGRATION, ADMIN)
@blp.arguments(InboundMessageSchema)
@blp.response(200, InboundResultSchema)
@blp.alt_response(202, schema=InboundResultSchema, description="Kept or queued, not yet delivered")
def post_message(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Deliver a message to the case waiting for it; a repeated idempotency key is answered
    with the first result and changes nothing."""
    result = receive_message(
        engine_context(),
        current_actor(),
        body["name"],
        body["correlation"],
        body["payload"],
        body["idempotency_key"],
        body["ttl_seconds"],
    )
    status = 200 if result.duplicate or result.state == "delivered" else 202
    return _json(result), status
