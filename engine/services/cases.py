"""Use cases on dossiers: start, show, list, history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.errors import (
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.domain.model import Actor, Case, CaseEvent, CaseStatus, Channel, HumanTask
from engine.runtime.instance import Instance
from engine.services.access import READ_ALL_ROLES, case_scope, require_staff, visible_case
from engine.services.context import Context
from engine.services.recording import CaseRecorder

UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z")
APPLICANT_FIELDS = ("full_name", "personal_id", "address", "phone", "email")


@dataclass(frozen=True)
class CaseView:
    """A case with its open tasks, as shown to a person."""

    case: Case
    open_tasks: list[HumanTask]


def _applicant(explicit: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    source = explicit if explicit else data.get("applicant")
    if not isinstance(source, dict) or not source.get("full_name"):
        raise InvalidInputError("the applicant (at least full_name) is required")
    return {k: source.get(k) for k in APPLICANT_FIELDS if source.get(k) is not None}


def start_case(
    ctx: Context,
    actor: Actor,
    procedure_id: str,
    channel: int,
    unit: str,
    data: dict[str, Any],
    applicant: dict[str, Any] | None = None,
    receiving_unit: str | None = None,
) -> CaseView:
    """Receive a dossier: validate the start form, create the case and run it to its first task.

    `unit` handles the case; `receiving_unit` (default: `unit`) is the counter that received it,
    which may differ only for a province-wide counter receiving for a unit of its province.
    """
    receiving = receiving_unit or unit
    for code in (unit, receiving):
        if not UNIT_CODE.match(code or ""):
            raise InvalidInputError(f"unit {code!r} is not a unit code")
    require_staff(actor, "receiving a dossier")
    if receiving not in actor.units and not actor.has_role(*READ_ALL_ROLES, "system"):
        raise PermissionDeniedError(f"you do not belong to unit {receiving}")
    refusal = ctx.units.receipt_refusal(receiving, unit)
    if refusal:
        raise PermissionDeniedError(refusal)
    try:
        channel_enum = Channel(channel)
    except ValueError:
        raise InvalidInputError(
            f"channel {channel!r} must be 1 (in person), 2 (online) or 3 (postal)"
        ) from None
    with ctx.uow() as uow:
        latest_id = uow.models.latest_id(procedure_id)
        if latest_id is None:
            raise NotFoundError(f"procedure {procedure_id} not found")
        deployed = ctx.catalog.get(uow, latest_id)  # built once per process
        latest = deployed.version
        if deployed.model.starts_only_by_message:
            names = ", ".join(deployed.model.start_messages)
            raise InvalidInputError(
                f"procedure {procedure_id} starts only on a message from another agency ({names})"
            )
        if channel not in deployed.meta.channels:
            raise InvalidInputError(f"procedure {procedure_id} does not accept channel {channel}")
        form = deployed.start_form
        if form is not None:
            errors = form.validate(data)
            if errors:
                raise FormValidationError(
                    f"start form data is invalid ({len(errors)} field(s))",
                    details=[
                        {"pointer": e.pointer, "message": e.message, "code": e.code} for e in errors
                    ],
                )
        now = ctx.clock.now()
        case = Case(
            id=0,
            code=uow.cases.next_code(unit, _local_day(now)),
            procedure_id=deployed.meta.id,
            tthc_code=deployed.meta.tthc_code,
            model_version_id=latest.id,
            model_hash=latest.content_hash,
            status=CaseStatus.NEW,
            channel=channel_enum,
            unit=unit,
            applicant=_applicant(applicant, data),
            received_at=now,
            accepted_at=None,
            appointment_at=None,
            finished_at=None,
            returned_at=None,
            completed=False,
            state="",
            data={},
            row_version=0,
            created_by=actor.sub,
            receiving_unit=receiving if receiving != unit else "",
        )
        uow.cases.add(case)
        uow.tasks.none_yet(case.id)
        recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
        recorder.event(
            "case_received",
            {
                "procedure_id": deployed.meta.id,
                "model_version": latest.version,
                "channel": int(channel_enum),
                "unit": unit,
                # Only when another counter received it, so other cases' history keeps its shape.
                **({"receiving_unit": receiving} if receiving != unit else {}),
                "data": data,
                # Replay needs the applicant when it was given apart from the form data.
                **({"applicant": applicant} if applicant else {}),
                **recorder.calendar_at_receipt(),
            },
        )
        instance = Instance.start(deployed.model, data, ctx.runtime_env(unit, user=actor.sub))
        recorder.finish(instance)
        uow.cases.save(case)
        open_tasks = uow.tasks.open_for_case(case.id)
        uow.commit()
    return CaseView(case, open_tasks)


def _local_day(now: datetime) -> datetime:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))


def get_case(ctx: Context, actor: Actor, code: str) -> CaseView:
    """A case with its open tasks, within the actor's scope."""
    with ctx.reader() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code), code)
        return CaseView(case, uow.tasks.open_for_case(case.id))


def list_cases(
    ctx: Context, actor: Actor, filters: dict[str, Any], page: Any
) -> tuple[list[Case], int]:
    """Cases the actor may see (their units', or a citizen's own) matching the filters."""
    filters = {**filters, **case_scope(actor)}
    with ctx.reader() as uow:
        return uow.cases.search(filters, page)


def case_history(ctx: Context, actor: Actor, code: str) -> tuple[Case, list[CaseEvent]]:
    """The ordered events of a case."""
    with ctx.reader() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code), code)
        return case, uow.events.for_case(case.id)
