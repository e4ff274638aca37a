"""Payloads of the messages resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import NO_CONTROL_CHARACTERS


class InboundMessageSchema(Schema):
    """A message from another system for a waiting case (or a procedure that starts on it)."""

    name = fields.String(
        required=True, validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS]
    )
    correlation = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=100)),
        values=fields.Raw(),
        required=True,
        metadata={"description": 'Correlation keys, e.g. {"dossier": "UBND-PHUCXA-250304-0001"}'},
    )
    payload = fields.Raw(load_default=None, metadata={"description": "Any JSON value"})
    idempotency_key = fields.String(
        required=True, validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS]
    )
    ttl_seconds = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "Keep the message this long when nobody waits for it yet"},
    )


class InboundResultSchema(Schema):
    """What became of the message (the same answer again for a duplicate)."""

    idempotency_key = fields.String()
    state = fields.String(metadata={"description": "delivered, kept or pending (queued)"})
    duplicate = fields.Boolean()
    case = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    started = fields.Boolean()
    expires_at = fields.String(allow_none=True)
