"""Escalation for every case, whatever its model (DOMAIN §1.4).

When the legal clock passes a milestone the case's SLA state moves on and the unit's leaders get
work that the model never drew:

* at the warning share of the legal time (default 75%): a ``sla_warning`` event and a warning
  task for the unit leader, who acknowledges it with an instruction;
* at the start of the working day before the appointment, if the case is not finished: an
  ``apology_required`` event and the mandatory apology and re-appointment task (Mẫu 04: reason,
  new date, signed by the head of the processing agency). A case is re-appointed at most once;
* past the appointment: a ``case_overdue`` event; the case stays listed as overdue.

A third engine task, kind ``handoff``, comes from the acknowledgement rule of handoffs
(engine.services.messaging.acknowledgement): the leaders of a unit whose handoff another agency
did not take up in time chase it. These engine tasks live in the same task projection as the
model's user tasks (kind ``warning``, ``apology`` or ``handoff``) and are completed through the
same API.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from engine.domain.errors import ConflictError, FormValidationError
from engine.domain.model import Actor, HumanTask, TaskState
from engine.services.legal_clock import SLA_APOLOGY_DUE, SLA_AT_RISK, SLA_OVERDUE, LegalClock
from forms import Form, load_form

LEADER_GROUP = "leader"
WARNING, APOLOGY, HANDOFF = "warning", "apology", "handoff"
BUILTIN_PREFIX = "builtin:"
ENGINE_TASKS: dict[str, dict[str, str]] = {
    WARNING: {
        "element_id": "sla_warning",
        "name": "Cảnh báo: hồ sơ sắp đến hạn trả kết quả",
        "form": BUILTIN_PREFIX + "sla_warning.schema.json",
    },
    APOLOGY: {
        "element_id": "apology_reappointment",
        "name": "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
        "form": BUILTIN_PREFIX + "apology.schema.json",
    },
    # A handoff the receiving agency did not acknowledge in time (messaging.acknowledgement).
    HANDOFF: {
        "element_id": "handoff_escalation",
        "name": "Đôn đốc cơ quan nhận hồ sơ liên thông chưa tiếp nhận",
        "form": BUILTIN_PREFIX + "handoff_escalation.schema.json",
    },
}
ONCE_ONLY = (
    "case {code} was already re-appointed: a dossier may be re-appointed only once "
    "(việc hẹn lại ngày trả kết quả được thực hiện không quá một lần)"
)


@cache
def builtin_form(name: str) -> Form:
    """A form shipped with the engine, by its ``builtin:`` reference or file name."""
    file = name.removeprefix(BUILTIN_PREFIX)
    text = resources.files("engine.services.builtin_forms").joinpath(file).read_text("utf-8")
    return load_form(text, name=file)


def escalate(recorder: Any) -> None:
    """Pass due milestones of the recorder's case and create the leaders' tasks they call for."""
    case = recorder.case
    clock = LegalClock(case, recorder.calendar, recorder.ctx.sla_warn_share)
    if case.finished_at is not None:
        _cancel_engine_tasks(recorder, "the case is resolved")
        return
    for state in clock.advance(recorder.now):
        marks = clock.milestones()
        appointment = case.appointment_at.isoformat() if case.appointment_at else None
        if state == SLA_AT_RISK:
            share = float(recorder.ctx.sla_warn_share)
            recorder.event("sla_warning", {"share": share, "appointment_at": appointment})
            _open_engine_task(recorder, WARNING, due_at=case.appointment_at)
        elif state == SLA_APOLOGY_DUE:
            recorder.event("apology_required", {"appointment_at": appointment})
            apology_at = marks["apology_at"]
            due = (
                recorder.calendar.end_of_working_day(
                    apology_at.astimezone(recorder.calendar.hours.tz).date()
                )
                if apology_at
                else case.appointment_at
            )
            _open_engine_task(recorder, APOLOGY, due_at=due)
        elif state == SLA_OVERDUE:
            recorder.event("case_overdue", {"appointment_at": appointment})


def _open_engine_task(recorder: Any, kind: str, due_at: datetime | None) -> None:
    if any(t.kind == kind for t in recorder.uow.tasks.open_for_case(recorder.case.id)):
        return
    open_engine_task(recorder, kind, due_at)


def open_engine_task(
    recorder: Any,
    kind: str,
    due_at: datetime | None,
    name: str | None = None,
    task_id: str | None = None,
) -> HumanTask:
    """Give the leaders of the case's unit an engine task of this kind (no duplicate check).

    `task_id`: a deterministic id, for a kind a case may hold several of at once (their order,
    by id, must then be the same when the case is replayed)."""
    spec = ENGINE_TASKS[kind]
    task = HumanTask(
        id=task_id or str(uuid.uuid4()),
        case_id=recorder.case.id,
        case_code=recorder.case.code,
        element_id=spec["element_id"],
        name=name or spec["name"],
        lane="",
        candidate_groups=[LEADER_GROUP],
        unit=recorder.case.unit,
        state=TaskState.OPEN,
        form=spec["form"],
        created_at=recorder.now,
        due_at=due_at,
        kind=kind,
    )
    recorder.uow.tasks.add(task)
    recorder.event(
        "task_created",
        {
            "element_id": task.element_id,
            "name": task.name,
            "kind": kind,
            "candidate_groups": task.candidate_groups,
            "unit": task.unit,
            "due_at": due_at.isoformat() if due_at else None,
        },
        task.id,
    )
    return task


def _cancel_engine_tasks(recorder: Any, why: str) -> None:
    # In a stable order (warning before apology), so that a replay records the same events.
    open_tasks = recorder.uow.tasks.open_for_case(recorder.case.id)
    for task in sorted(open_tasks, key=lambda t: (t.created_at, t.element_id, t.id)):
        if task.kind == "bpmn":
            continue
        task.state, task.completed_at = TaskState.CANCELLED, recorder.now
        recorder.uow.tasks.update(task)
        recorder.event("task_cancelled", {"element_id": task.element_id, "reason": why}, task.id)


def reappoint(
    recorder: Any, actor: Actor, data: dict[str, Any], task: HumanTask | None = None
) -> dict[str, Any]:
    """Validate a Mẫu 04 submission and move the appointment (once); return the slip issued."""
    case = recorder.case
    if task is None:  # asked directly, not through the apology task: the input, for replay
        recorder.event("reappointment_requested", {"data": data})
    if case.reappointments:
        raise ConflictError(ONCE_ONLY.format(code=case.code))
    if case.finished_at is not None or case.appointment_at is None:
        raise ConflictError(f"case {case.code} has no running appointment to move")
    form = builtin_form(ENGINE_TASKS[APOLOGY]["form"])
    _validate(form, data)
    new_date = datetime.fromisoformat(data["new_appointment_at"].replace("Z", "+00:00"))
    if new_date <= case.appointment_at:
        raise FormValidationError(
            "the new appointment must be later than the current one",
            details=[
                {
                    "pointer": "/new_appointment_at",
                    "message": "Thời gian hẹn mới phải sau thời gian hẹn trả kết quả hiện tại "
                    f"({case.appointment_at.isoformat()})",
                    "code": "minimum",
                }
            ],
        )
    calendar = recorder.calendar
    new_date = calendar.roll_deadline(new_date)
    before = case.appointment_at
    clock = LegalClock(case, calendar, recorder.ctx.sla_warn_share)
    recorder.record(clock.reappoint(recorder.now, new_date, data["reason"]))
    slip = {
        "form": "mau_04",
        "title": "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
        "number": f"{case.code}/04",
        "dossier_code": case.code,
        "applicant": {"full_name": (case.applicant or {}).get("full_name")},
        "reason": data["reason"],
        "previous_appointment_at": before.astimezone(calendar.hours.tz).isoformat(),
        "appointment_at": new_date.astimezone(calendar.hours.tz).isoformat(),
        "signed_by": data["signed_by"],
        "signer_title": data["signer_title"],
        "issued_at": recorder.now.astimezone(calendar.hours.tz).isoformat(),
        "issued_by": actor.sub,
        "delivery": "email/SMS" if int(case.channel) == 2 else "Bộ phận Một cửa",
    }
    recorder.event("slip_issued", {"element_id": "apology_reappointment", "slip": slip})
    for open_task in recorder.uow.tasks.open_for_case(case.id):
        if open_task.kind == APOLOGY and (task is None or open_task.id != task.id):
            open_task.state, open_task.completed_at = TaskState.CANCELLED, recorder.now
            recorder.uow.tasks.update(open_task)
            recorder.event(
                "task_cancelled",
                {"element_id": open_task.element_id, "reason": "re-appointed directly"},
                open_task.id,
            )
    return slip


def complete_engine_task(
    recorder: Any, actor: Actor, task: HumanTask, data: dict[str, Any]
) -> None:
    """Complete a warning, apology or handoff task: validate its built-in form and apply it."""
    if task.kind == APOLOGY:
        reappoint(recorder, actor, data, task)
    elif task.kind == HANDOFF:
        _validate(builtin_form(task.form), data)
        recorder.event("handoff_escalation_handled", dict(data))
    else:
        _validate(builtin_form(task.form), data)
        recorder.event("sla_warning_acknowledged", {"instruction": data.get("instruction", "")})


def _validate(form: Form, data: dict[str, Any]) -> None:
    errors = form.validate(data)
    if errors:
        raise FormValidationError(
            f"form data is invalid ({len(errors)} field(s))",
            details=[{"pointer": e.pointer, "message": e.message, "code": e.code} for e in errors],
        )
