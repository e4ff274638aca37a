"""Domain objects turned into the JSON the API returns (one place, shared by resources)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.model import Case, CaseEvent, HumanTask, ModelVersion

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Labels of the tracking slip (Mẫu 06) and of the case's legal clock, as officers read them.
VERDICT_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
SLA_LABELS = {
    "none": "Chưa tính hạn",
    "on_track": "Trong hạn",
    "at_risk": "Sắp đến hạn",
    "apology_due": "Phải xin lỗi, hẹn lại",
    "reappointed": "Đã hẹn lại",
    "overdue": "Quá hạn",
    "paused": "Tạm dừng tính thời gian",
    "done": "Đã kết thúc",
}


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in Vietnam time (+07:00, as on the slips), whatever zone the value came in."""
    return value.astimezone(VN).isoformat() if value else None


def task_json(task: HumanTask) -> dict[str, Any]:
    """A task as listed."""
    return {
        "id": task.id,
        "case_code": task.case_code,
        "element_id": task.element_id,
        "name": task.name,
        "lane": task.lane,
        "candidate_groups": task.candidate_groups,
        "unit": task.unit,
        "state": task.state.value,
        "assignee": task.assignee,
        "created_at": iso(task.created_at),
        "claimed_at": iso(task.claimed_at),
        "due_at": iso(task.due_at),
        "completed_at": iso(task.completed_at),
        "completed_by": task.completed_by,
        "form": task.form or None,
        "kind": task.kind,
        "verdict": task.verdict,
        "verdict_label": VERDICT_LABELS.get(task.verdict or ""),
    }


def case_json(
    case: Case, open_tasks: list[HumanTask] | None = None, *, data: bool = False
) -> dict[str, Any]:
    """A case as listed, or shown (with data and open tasks)."""
    body: dict[str, Any] = {
        "code": case.code,
        "procedure_id": case.procedure_id,
        "tthc_code": case.tthc_code,
        "model_hash": case.model_hash,
        "status": {"code": int(case.status), "label": case.status.label},
        "channel": {"code": int(case.channel), "label": case.channel.label},
        "unit": case.unit,
        "receiving_unit": case.receiver,
        "applicant": case.applicant,
        "received_at": iso(case.received_at),
        "accepted_at": iso(case.accepted_at),
        "appointment_at": iso(case.appointment_at),
        "finished_at": iso(case.finished_at),
        "returned_at": iso(case.returned_at),
        "completed": case.completed,
        "row_version": case.row_version,
        "sla": {
            "state": case.sla_state,
            "label": SLA_LABELS.get(case.sla_state, case.sla_state),
            "next_milestone_at": iso(case.sla_next_at),
            "supplement_requests": case.supplement_count,
            "reappointments": case.reappointments,
            "paused_working_hours": case.paused_hours,
            "on_time": case.on_time,
        },
    }
    if data:
        body["legal_clock"] = clock_json(case.legal_clock)
    if open_tasks is not None:
        body["open_tasks"] = [task_json(t) for t in open_tasks]
    if data:
        body["data"] = case.data
    return body


def clock_json(clock: dict[str, Any]) -> dict[str, Any]:
    """The legal clock with its instants in Vietnam time."""
    body = dict(clock)
    for key, value in clock.items():
        if isinstance(value, str) and key.endswith(("_at", "_appointment", "counting_start")):
            body[key] = iso(datetime.fromisoformat(value))
    body["intervals"] = [
        {
            **interval,
            "from": iso(datetime.fromisoformat(interval["from"])),
            "to": iso(datetime.fromisoformat(interval["to"])) if interval.get("to") else None,
        }
        for interval in clock.get("intervals", [])
    ]
    return body


def event_json(event: CaseEvent) -> dict[str, Any]:
    """A history event."""
    return {
        "seq": event.seq,
        "type": event.type,
        "at": iso(event.at),
        "actor": event.actor,
        "actor_unit": event.actor_unit,
        "task_id": event.task_id,
        "payload": event.payload,
        "model_hash": event.model_hash,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def version_json(version: ModelVersion, *, files: bool = False) -> dict[str, Any]:
    """A model version."""
    body = {
        "procedure_id": version.procedure_id,
        "version": version.version,
        "content_hash": version.content_hash,
        "process_id": version.process_id,
        "name": version.name,
        "tthc_code": version.tthc_code,
        "time_limit": version.meta.get("time_limit"),
        "deployed_by": version.deployed_by,
        "deployed_at": iso(version.deployed_at),
    }
    if files:
        body["files"] = sorted(version.files)
    return body


def page_json(items: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    """A page of results."""
    return {"items": items, "total": total, "page": page, "per_page": per_page}
