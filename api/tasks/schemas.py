"""Payloads of the tasks resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import NO_CONTROL_CHARACTERS, PageArgsSchema


class TaskQuerySchema(PageArgsSchema):
    """Which tasks: mine (claimed by me), units (my units and groups), all (admin)."""

    scope = fields.String(load_default="units", validate=validate.OneOf(["mine", "units", "all"]))
    case = fields.String(validate=NO_CONTROL_CHARACTERS, metadata={"description": "dossier code"})
    element_id = fields.String(validate=NO_CONTROL_CHARACTERS)
    unit = fields.String(validate=NO_CONTROL_CHARACTERS)
    unassigned = fields.Boolean()
    state = fields.String(validate=validate.OneOf(["open", "completed", "cancelled"]))


class CompleteTaskSchema(Schema):
    """Form data of the task."""

    data = fields.Dict(required=True)


class AssignTaskSchema(Schema):
    """Who works on the task from now on (null: back to the group)."""

    assignee = fields.String(
        required=True,
        allow_none=True,
        validate=[validate.Length(min=1, max=200), NO_CONTROL_CHARACTERS],
        metadata={"description": "the officer's subject (token sub)"},
    )


class TaskSchema(Schema):
    """A task."""

    id = fields.String()
    case_code = fields.String()
    element_id = fields.String()
    name = fields.String()
    lane = fields.String()
    candidate_groups = fields.List(fields.String())
    unit = fields.String()
    state = fields.String()
    assignee = fields.String(allow_none=True)
    created_at = fields.String()
    claimed_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    form = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "bpmn (model step), warning, apology or handoff"})
    verdict = fields.String(allow_none=True, metadata={"description": "early, on_time, late"})
    verdict_label = fields.String(allow_none=True)
    schema = fields.Dict(allow_none=True)
    ui_schema = fields.Dict(allow_none=True)
    prefill = fields.Dict()
    can_act = fields.Boolean()
    case = fields.Dict()
