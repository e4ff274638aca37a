"""Payloads of the handoffs resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import PageArgsSchema
from engine.services.messaging.handoffs import STATES


class HandoffQuerySchema(PageArgsSchema):
    """Filter by acknowledgement state (every state by default)."""

    state = fields.String(load_default=None, validate=validate.OneOf(STATES))


class HandoffSchema(Schema):
    """A message sent to another agency and where its acknowledgement stands."""

    key = fields.String(metadata={"description": "the message's idempotency key"})
    message = fields.String(metadata={"description": "the message name"})
    direction = fields.String(metadata={"description": "sent or received, seen from the reader"})
    sender = fields.Dict(metadata={"description": "case and unit that sent it"})
    receiver = fields.Dict(metadata={"description": "case and unit (or endpoint) that got it"})
    sent_at = fields.String()
    allotment = fields.String(metadata={"description": "acknowledgement allotment, e.g. 2WH"})
    ack_due_at = fields.String()
    delivered_at = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "awaiting, acknowledged or escalated"})
    state_label = fields.String()
    acknowledged_at = fields.String(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_how = fields.String(
        allow_none=True,
        metadata={"description": "delivered, task_claimed, task_completed or http_2xx"},
    )
    late = fields.Boolean(metadata={"description": "acknowledged after the allotment"})
    escalated_at = fields.String(allow_none=True)
    escalation_task = fields.String(allow_none=True)


class CaseHandoffsSchema(Schema):
    """The handoffs a case sent and received."""

    code = fields.String()
    items = fields.List(fields.Nested(HandoffSchema))
