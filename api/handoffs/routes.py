"""Routes of the handoffs resource: what a case sent to other agencies, and what they took up."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import allow, current_actor
from api.context import engine_context
from api.handoffs.schemas import CaseHandoffsSchema, HandoffQuerySchema
from api.schemas import PageSchema
from api.views import iso, page_json
from engine.services.access import ADMIN, AUDITOR, OFFICER
from engine.services.messaging.handoffs import HandoffView, case_handoffs, list_handoffs

blp = Blueprint(
    "handoffs",
    __name__,
    description="Handoffs between agencies (liên thông) and the receiving side's acknowledgement",
)
STATE_LABELS = {
    "awaiting": "Chờ cơ quan nhận tiếp nhận",
    "acknowledged": "Cơ quan nhận đã tiếp nhận",
    "escalated": "Quá thời gian tiếp nhận, đã báo lãnh đạo đơn vị gửi",
}


def handoff_json(view: HandoffView) -> dict[str, Any]:
    """A handoff as officers and leaders read it."""
    h = view.handoff
    return {
        "key": h.key,
        "message": h.name,
        "direction": view.direction,
        "sender": {"case": h.source_case, "unit": h.source_unit},
        "receiver": {"case": h.target_case, "unit": h.target_unit, "endpoint": h.endpoint},
        "sent_at": iso(h.sent_at),
        "allotment": h.allotment,
        "ack_due_at": iso(h.ack_due_at),
        "delivered_at": iso(h.delivered_at),
        "state": h.state.value,
        "state_label": STATE_LABELS[h.state.value],
        "acknowledged_at": iso(h.acknowledged_at),
        "acknowledged_by": h.acknowledged_by,
        "acknowledged_how": h.acknowledged_how,
        "late": view.late,
        "escalated_at": iso(h.escalated_at),
        "escalation_task": h.escalation_task_id,
    }


@blp.route("/handoffs", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.arguments(HandoffQuerySchema, location="query")
@blp.response(200, PageSchema)
def list_all(args: dict[str, Any]) -> dict[str, Any]:
    """Handoffs my units sent or received, newest first (state: awaiting, acknowledged,
    escalated)."""
    items, total = list_handoffs(
        engine_context(), current_actor(), args["state"], args["page"], args["per_page"]
    )
    return page_json([handoff_json(v) for v in items], total, args["page"], args["per_page"])


@blp.route("/cases/<string:code>/handoffs", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.response(200, CaseHandoffsSchema)
def of_case(code: str) -> dict[str, Any]:
    """The handoffs a case sent to other agencies and received from them, with their
    acknowledgement."""
    case, views = case_handoffs(engine_context(), current_actor(), code)
    return {"code": case.code, "items": [handoff_json(v) for v in views]}
