"""Routes of the cases resource."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import allow, current_actor
from api.cases.schemas import (
    CaseQuerySchema,
    CaseSchema,
    HistorySchema,
    ReappointmentSchema,
    StartCaseSchema,
    SupplementSchema,
)
from api.context import engine_context
from api.schemas import PageSchema
from api.views import case_json, event_json, page_json
from engine.adapters.repository import Page
from engine.services import cases, citizen, sla
from engine.services.access import ADMIN, AUDITOR, CITIZEN, LEADER, OFFICER, is_citizen

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Dossiers (hồ sơ)")


@blp.route("", methods=["POST"])
@allow(OFFICER, ADMIN)
@blp.arguments(StartCaseSchema)
@blp.response(201, CaseSchema)
def start_case(body: dict[str, Any]) -> dict[str, Any]:
    """Receive a dossier and start its case."""
    view = cases.start_case(
        engine_context(),
        current_actor(),
        body["procedure_id"],
        body["channel"],
        body["unit"],
        body["data"],
        body.get("applicant"),
        body.get("receiving_unit"),
    )
    return case_json(view.case, view.open_tasks, data=True)


@blp.route("", methods=["GET"])
@allow(CITIZEN, OFFICER, AUDITOR, ADMIN)
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, PageSchema)
def list_cases(args: dict[str, Any]) -> dict[str, Any]:
    """List cases of my units, with filters and pagination."""
    page = Page(args.pop("page"), args.pop("per_page"))
    items, total = cases.list_cases(engine_context(), current_actor(), args, page)
    return page_json([case_json(c) for c in items], total, page.page, page.per_page)


@blp.route("/<string:code>", methods=["GET"])
@allow(CITIZEN, OFFICER, AUDITOR, ADMIN)
@blp.response(200, CaseSchema)
def show_case(code: str) -> dict[str, Any]:
    """Show a case: status, open tasks, appointment and data (a citizen: status and appointment)."""
    actor = current_actor()
    view = cases.get_case(engine_context(), actor, code)
    if is_citizen(actor):  # their dossier's state, not the officers' working data
        return case_json(view.case)
    return case_json(view.case, view.open_tasks, data=True)


@blp.route("/<string:code>/history", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.response(200, HistorySchema)
def show_history(code: str) -> dict[str, Any]:
    """The ordered events of a case."""
    case, events = cases.case_history(engine_context(), current_actor(), code)
    return {"code": case.code, "events": [event_json(e) for e in events]}


@blp.route("/<string:code>/slips", methods=["GET"])
@allow(CITIZEN, OFFICER, AUDITOR, ADMIN)
@blp.response(200, HistorySchema)
def show_slips(code: str) -> dict[str, Any]:
    """The slips issued for a case (Mẫu 01 receipt, 02 supplement request, 03 refusal...)."""
    case, events = cases.case_history(engine_context(), current_actor(), code)
    slips = [e.payload["slip"] for e in events if e.type == "slip_issued"]
    return {"code": case.code, "events": slips}


@blp.route("/<string:code>/reappointment", methods=["POST"])
@allow(LEADER, ADMIN)
@blp.arguments(ReappointmentSchema)
@blp.response(200, CaseSchema)
def reappoint(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Apologise and set a new appointment (Mẫu 04); allowed once per dossier."""
    case = sla.reappoint_case(engine_context(), current_actor(), code, body)
    return case_json(case, data=True)


@blp.route("/<string:code>/supplement", methods=["POST"])
@allow(CITIZEN)
@blp.arguments(SupplementSchema)
@blp.response(200, CaseSchema)
def submit_supplement(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Hand in the missing papers of my dossier (citizen; status 5, procedures that take them online)."""
    view = citizen.submit_supplement(engine_context(), current_actor(), code, body["data"])
    return case_json(view.case)
