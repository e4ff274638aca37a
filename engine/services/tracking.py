"""The tracking slip (Phiếu kiểm soát quá trình giải quyết hồ sơ, Mẫu 06) read from the history.

One row per hand-over: the step (a human task), who handed the dossier over (the actor of the
command that created the task) and who received it (who claimed or completed it), when, the
step's due time, and the verdict early / on time / late. The verdict follows the practice of
the 766 measurement on dates [I]: finished after its due instant is late (quá hạn); finished on
the due date's local day (Asia/Ho_Chi_Minh), not later, is on time (đúng hạn); finished on an
earlier day is early (trước hạn). A step with no allotment has no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.model import Case, CaseEvent

VN = ZoneInfo("Asia/Ho_Chi_Minh")
INPUT_EVENTS = {"case_received", "task_claimed", "task_unclaimed", "task_completed", "timer_fired"}
VERDICTS = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "in_progress": "Đang xử lý",
    "overdue": "Đang xử lý, đã quá hạn",
    "cancelled": "Không thực hiện",
}


@dataclass
class Handover:
    """One row of the tracking slip."""

    step: int
    task_id: str
    element_id: str
    name: str
    giver: str
    giver_unit: str
    received_at: datetime
    due_at: datetime | None
    receiver: str | None = None
    receiver_unit: str | None = None
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    result: str | None = None

    @property
    def result_label(self) -> str:
        """The Vietnamese wording printed on the slip."""
        return VERDICTS.get(self.result or "", "")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "step": self.step,
            "task_id": self.task_id,
            "element_id": self.element_id,
            "name": self.name,
            "giver": {"actor": self.giver, "unit": self.giver_unit},
            "receiver": {"actor": self.receiver, "unit": self.receiver_unit},
            "handed_over_at": _iso(self.received_at),
            "claimed_at": _iso(self.claimed_at),
            "due_at": _iso(self.due_at),
            "completed_at": _iso(self.completed_at),
            "result": self.result,
            "result_label": self.result_label,
        }


@dataclass
class TrackingSlip:
    """Mẫu 06: header of the dossier and its hand-overs."""

    case: Case
    procedure_name: str
    rows: list[Handover] = field(default_factory=list)
    generated_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        c = self.case
        return {
            "form": "mau_06",
            "title": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "dossier_code": c.code,
            "procedure": {
                "id": c.procedure_id,
                "tthc_code": c.tthc_code,
                "name": self.procedure_name,
            },
            "processing_unit": c.unit,
            "applicant": c.applicant.get("full_name"),
            "received_at": _iso(c.received_at),
            "appointment_at": _iso(c.appointment_at),
            "finished_at": _iso(c.finished_at),
            "returned_at": _iso(c.returned_at),
            "status": {"code": int(c.status), "label": c.status.label},
            "generated_at": _iso(self.generated_at),
            "handovers": [r.as_dict() for r in self.rows],
        }


def verdict(completed_at: datetime, due_at: datetime | None) -> str | None:
    """early / on_time / late of a finished step against its due instant."""
    if due_at is None:
        return None
    if completed_at > due_at:
        return "late"
    if completed_at.astimezone(VN).date() == due_at.astimezone(VN).date():
        return "on_time"
    return "early"


def build_slip(
    case: Case, events: list[CaseEvent], procedure_name: str, now: datetime
) -> TrackingSlip:
    """The slip of a case from its history (open steps judged against `now`)."""
    slip = TrackingSlip(case, procedure_name, generated_at=now)
    rows: dict[str, Handover] = {}
    giver = (case.created_by, case.unit)
    for event in events:
        if event.type in INPUT_EVENTS:
            giver = (event.actor, event.actor_unit)
        p = event.payload
        if event.type == "task_created" and event.task_id:
            row = Handover(
                step=len(slip.rows) + 1,
                task_id=event.task_id,
                element_id=str(p.get("element_id", "")),
                name=str(p.get("name", "")),
                giver=giver[0],
                giver_unit=giver[1],
                received_at=event.at,
                due_at=_parse(p.get("due_at")),
            )
            rows[event.task_id] = row
            slip.rows.append(row)
            continue
        known = rows.get(event.task_id or "")
        if known is None:
            continue
        row = known
        if event.type == "task_claimed":
            row.receiver, row.receiver_unit = p.get("assignee") or event.actor, event.actor_unit
            row.claimed_at = event.at
        elif event.type == "task_assigned":  # a leader's hand-over to an officer
            row.receiver = p.get("assignee")
            row.receiver_unit = event.actor_unit if row.receiver else None
            row.claimed_at = event.at if row.receiver else None
        elif event.type == "task_unclaimed":
            row.receiver = row.receiver_unit = row.claimed_at = None
        elif event.type == "task_completed":
            row.receiver = row.receiver or event.actor
            row.receiver_unit = row.receiver_unit or event.actor_unit
            row.completed_at = event.at
            # The verdict recorded with the completion wins (engine.services.recording).
            row.result = p.get("verdict") or verdict(event.at, row.due_at)
        elif event.type == "task_cancelled":
            row.completed_at, row.result = event.at, "cancelled"
    for row in slip.rows:
        if row.completed_at is None and row.due_at is not None:
            row.result = "overdue" if now > row.due_at else "in_progress"
        elif row.completed_at is None:
            row.result = "in_progress"
    return slip


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
