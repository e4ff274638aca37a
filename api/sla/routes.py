"""Routes of the SLA resource: overdue and at-risk dossiers, late steps by officer."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.auth import allow, current_actor
from api.cases.schemas import SlaQuerySchema
from api.context import engine_context
from api.schemas import PageSchema
from api.views import case_json, page_json, task_json
from engine.adapters.repository import Page
from engine.services import sla
from engine.services.access import ADMIN, AUDITOR, OFFICER

blp = Blueprint(
    "sla", __name__, url_prefix="/sla", description="Legal clock: overdue and at-risk dossiers"
)


class SlaSummarySchema(Schema):
    """Delays by unit, procedure and officer."""

    by_unit = fields.List(fields.Dict())
    by_procedure = fields.List(fields.Dict())
    by_officer = fields.List(fields.Dict())
    late_tasks = fields.List(fields.Dict())


@blp.route("/cases", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.arguments(SlaQuerySchema, location="query")
@blp.response(200, PageSchema)
def list_sla_cases(args: dict[str, Any]) -> dict[str, Any]:
    """Overdue, at-risk (incl. apology due) or re-appointed dossiers of my units."""
    page = Page(args.pop("page"), args.pop("per_page"))
    state = args.pop("state")
    items, total = sla.sla_cases(engine_context(), current_actor(), state, args, page)
    return page_json([case_json(c) for c in items], total, page.page, page.per_page)


@blp.route("/summary", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.response(200, SlaSummarySchema)
def sla_summary() -> dict[str, Any]:
    """Counts of overdue and at-risk dossiers by unit and procedure; late steps by officer."""
    summary = sla.sla_summary(engine_context(), current_actor())
    return {
        "by_unit": summary.by_unit,
        "by_procedure": summary.by_procedure,
        "by_officer": summary.by_officer,
        "late_tasks": [task_json(t) for t in summary.late_tasks[:500]],
    }
