"""Payloads of the cases resource."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, fields, validate

from api.schemas import NO_CONTROL_CHARACTERS, PageArgsSchema
from engine.domain.model import Channel
from engine.services.cases import UNIT_CODE

CHANNELS = [int(c) for c in Channel]
# Bounds every database stores and converts to UTC without overflowing (year 1 or 9999 would).
RECEIVED_RANGE = validate.Range(
    min=datetime(1900, 1, 1, tzinfo=UTC), max=datetime(9000, 1, 1, tzinfo=UTC)
)


class ApplicantSchema(Schema):
    """Who lodges the dossier, when it is not the start form's applicant (other keys dropped)."""

    class Meta:
        unknown = EXCLUDE

    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    personal_id = fields.String(validate=validate.Length(max=32))
    address = fields.String(validate=validate.Length(max=500))
    phone = fields.String(validate=validate.Length(max=32))
    email = fields.String(validate=validate.Length(max=254))


class StartCaseSchema(Schema):
    """Receive a dossier."""

    procedure_id = fields.String(
        required=True, validate=[validate.Length(min=1, max=100), NO_CONTROL_CHARACTERS]
    )
    channel = fields.Integer(
        required=True,
        strict=True,
        validate=validate.OneOf(CHANNELS),
        metadata={"description": "1 in person, 2 online, 3 postal"},
    )
    unit = fields.String(
        required=True,
        validate=validate.Regexp(UNIT_CODE, error="Not a unit code (letters, digits, . _ -)."),
        metadata={"description": "the unit that handles the dossier"},
    )
    receiving_unit = fields.String(
        load_default=None,
        validate=validate.Regexp(UNIT_CODE, error="Not a unit code (letters, digits, . _ -)."),
        metadata={
            "description": "the counter that receives it, when not `unit` itself: a "
            "province-wide counter receives for any unit of its province (phi địa giới)"
        },
    )
    applicant = fields.Nested(
        ApplicantSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "defaults to data.applicant"},
    )
    data = fields.Dict(load_default=dict, metadata={"description": "start form data"})


class CaseQuerySchema(PageArgsSchema):
    """Filters of the case list."""

    status = fields.Integer(validate=validate.Range(min=1, max=10))
    procedure_id = fields.String(validate=NO_CONTROL_CHARACTERS)
    unit = fields.String(validate=NO_CONTROL_CHARACTERS)
    channel = fields.Integer(validate=validate.OneOf(CHANNELS))
    received_from = fields.AwareDateTime(default_timezone=None, validate=RECEIVED_RANGE)
    received_to = fields.AwareDateTime(default_timezone=None, validate=RECEIVED_RANGE)


class CaseSchema(Schema):
    """A case."""

    code = fields.String()
    procedure_id = fields.String()
    tthc_code = fields.String()
    model_hash = fields.String()
    status = fields.Dict()
    channel = fields.Dict()
    unit = fields.String()
    receiving_unit = fields.String(metadata={"description": "the counter that received it"})
    applicant = fields.Dict()
    received_at = fields.String(allow_none=True)
    accepted_at = fields.String(allow_none=True)
    appointment_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    returned_at = fields.String(allow_none=True)
    completed = fields.Boolean()
    row_version = fields.Integer()
    sla = fields.Dict(metadata={"description": "legal-clock state: on track, at risk, overdue..."})
    legal_clock = fields.Dict(metadata={"description": "intervals, milestones, appointments"})
    open_tasks = fields.List(fields.Dict())
    data = fields.Dict()


class SupplementSchema(Schema):
    """The missing papers, as the procedure's supplement form asks for them."""

    data = fields.Dict(required=True, metadata={"description": "the supplement step's form data"})


class HistorySchema(Schema):
    """The ordered events of a case."""

    code = fields.String()
    events = fields.List(fields.Dict())


class ReappointmentSchema(Schema):
    """Mẫu 04: apology and new appointment, signed by the head of the processing agency."""

    reason = fields.String(required=True, metadata={"description": "Lý do chậm trả kết quả"})
    new_appointment_at = fields.String(
        required=True, metadata={"description": "ISO-8601 date-time with offset"}
    )
    signed_by = fields.String(required=True)
    signer_title = fields.String(required=True)


class SlaQuerySchema(PageArgsSchema):
    """Which cases: overdue or at risk (at risk includes apology due), within my units."""

    state = fields.String(
        load_default="overdue", validate=validate.OneOf(["overdue", "at_risk", "reappointed"])
    )
    unit = fields.String(validate=NO_CONTROL_CHARACTERS)
    procedure_id = fields.String(validate=NO_CONTROL_CHARACTERS)
