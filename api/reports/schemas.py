"""Query parameters of the report resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.services.report_render import CSV_TABLES


class ReportQuerySchema(Schema):
    """A period (month, or from/to), a scope and an output format."""

    period = fields.String(metadata={"description": "A month, e.g. 2025-07"})
    from_ = fields.Date(data_key="from", metadata={"description": "First day (with `to`)"})
    to = fields.Date(metadata={"description": "Last day, included"})
    unit = fields.String(validate=validate.Length(min=1, max=64))
    procedure = fields.String(validate=validate.Length(min=1, max=100))
    channel = fields.Integer(validate=validate.OneOf([1, 2, 3]))
    as_of = fields.AwareDateTime(
        metadata={"description": "See the figures as they stood then (default: period end)"}
    )
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "html"]))
    table = fields.String(load_default="indicators", validate=validate.OneOf(CSV_TABLES))
    limit = fields.Integer(
        load_default=200,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "Overdue dossiers listed (JSON, HTML); CSV lists them all"},
    )
    trend = fields.Integer(
        validate=validate.Range(min=0, max=24),
        metadata={"description": "Months of on-time trend (default 0 in JSON, 6 in HTML)"},
    )


class ReportSchema(Schema):
    """The report (see docs/reports.md for every field)."""

    period = fields.Dict()
    scope = fields.Dict()
    counts = fields.Dict()
    indicators = fields.List(fields.Dict())
    groups = fields.List(fields.Dict())
    total = fields.Dict()
    by_unit = fields.List(fields.Dict())
    overdue = fields.Dict()
    trend = fields.List(fields.Dict())
    data_keys = fields.List(fields.Dict())
