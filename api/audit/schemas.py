"""Payloads of the audit resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="Must be a 64-character hex digest.")


class VerifyQuerySchema(Schema):
    """Which history to verify."""

    case = fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "one case (dossier code)"}
    )
    expect = fields.String(
        validate=HEX64, metadata={"description": "a digest kept outside the database"}
    )


class VerifyReportSchema(Schema):
    """The outcome of a verification."""

    ok = fields.Boolean()
    scope = fields.String()
    cases = fields.Integer()
    events = fields.Integer()
    seconds = fields.Float()
    breaks = fields.List(fields.Dict())
    digests = fields.Dict()
    protection = fields.Dict()


class DigestSchema(Schema):
    """One link of the digest chain."""

    id = fields.Integer()
    kind = fields.String()
    created_at = fields.String()
    created_by = fields.String()
    case_count = fields.Integer()
    event_count = fields.Integer()
    prev_digest = fields.String()
    digest = fields.String()
    note = fields.Dict()


class DigestListSchema(Schema):
    """The digest chain, newest first."""

    items = fields.List(fields.Nested(DigestSchema))


class ReplaySchema(Schema):
    """What a replay found."""

    code = fields.String()
    model_hash = fields.String()
    model_version = fields.Integer()
    events = fields.Integer()
    commands = fields.Integer()
    through_seq = fields.Integer()
    matched = fields.Boolean()
    divergence = fields.Dict(allow_none=True)
    replayed = fields.Dict(allow_none=True)
    seconds = fields.Float()


class AsOfQuerySchema(Schema):
    """The event, or the instant, to see the case at (one of them; neither: now)."""

    event = fields.Integer(validate=validate.Range(min=1), metadata={"description": "event seq"})
    at = fields.AwareDateTime(default_timezone=None, metadata={"description": "ISO-8601 instant"})


class AsOfSchema(Schema):
    """The case as it stood after an event."""

    code = fields.String()
    requested = fields.Dict()
    through_seq = fields.Integer()
    at = fields.String()
    status = fields.Dict()
    completed = fields.Boolean()
    appointment_at = fields.String(allow_none=True)
    accepted_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    returned_at = fields.String(allow_none=True)
    next_due_at = fields.String(allow_none=True)
    open_tasks = fields.List(fields.Dict())
    data = fields.Dict()
    legal_clock = fields.Dict()
    replay_seconds = fields.Float()


class SlipQuerySchema(Schema):
    """Output format of the tracking slip."""

    format = fields.String(load_default="json", validate=validate.OneOf(["json", "html"]))


class TrackingSlipSchema(Schema):
    """Mẫu 06, Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    form = fields.String()
    title = fields.String()
    dossier_code = fields.String()
    procedure = fields.Dict()
    processing_unit = fields.String()
    applicant = fields.String(allow_none=True)
    received_at = fields.String(allow_none=True)
    appointment_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    returned_at = fields.String(allow_none=True)
    status = fields.Dict()
    generated_at = fields.String(allow_none=True)
    handovers = fields.List(fields.Dict())


class AccessQuerySchema(Schema):
    """Filter of the access log."""

    case = fields.String(validate=validate.Length(min=1, max=64))


class AccessListSchema(Schema):
    """Recorded reads of personal data, newest first."""

    items = fields.List(fields.Dict())
