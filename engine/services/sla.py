"""Use cases of the legal clock: re-appointment (Mẫu 04) and the overdue and at-risk lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from engine.domain.errors import PermissionDeniedError
from engine.domain.model import Actor, Case, HumanTask
from engine.runtime.instance import Instance
from engine.services.access import READ_ALL_ROLES, require_staff, visible_case
from engine.services.context import Context
from engine.services.escalation import reappoint
from engine.services.legal_clock import SLA_APOLOGY_DUE, SLA_AT_RISK, SLA_OVERDUE, SLA_REAPPOINTED
from engine.services.recording import CaseRecorder

LEADER_ROLES = ("leader", "admin")
STATE_GROUPS = {
    "overdue": [SLA_OVERDUE],
    "at_risk": [SLA_AT_RISK, SLA_APOLOGY_DUE],
    "reappointed": [SLA_REAPPOINTED],
}


def reappoint_case(ctx: Context, actor: Actor, code: str, data: dict[str, Any]) -> Case:
    """Apologise and move the appointment once (the head of the processing agency signs)."""
    with ctx.uow() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code, lock=True), code)
        if not actor.has_role(*LEADER_ROLES):
            raise PermissionDeniedError("only a leader of the processing unit may re-appoint")
        deployed = ctx.catalog.get(uow, case.model_version_id)
        recorder = CaseRecorder(ctx, uow, case, deployed, actor, ctx.clock.now())
        reappoint(recorder, actor, data)
        timers = Instance.load(deployed.model, case.state, ctx.runtime_env(case.unit)).next_due_at()
        recorder.schedule(timers)
        uow.cases.save(case)
        uow.commit()
        return case


def _scope(actor: Actor) -> frozenset[str] | None:
    """Admins see every unit; everybody else (auditors included) their own units."""
    require_staff(actor, "reading the legal-clock lists")
    return None if actor.has_role(*READ_ALL_ROLES) else actor.units


def sla_cases(
    ctx: Context, actor: Actor, state: str, filters: dict[str, Any], page: Any
) -> tuple[list[Case], int]:
    """Cases of the actor's units in an SLA state group (overdue, at risk, re-appointed)."""
    query = {k: v for k, v in filters.items() if v is not None}
    query["sla_states"] = STATE_GROUPS[state]
    units = _scope(actor)
    if units is not None:
        query["units"] = units
    with ctx.reader() as uow:
        return uow.cases.search(query, page)


@dataclass(frozen=True)
class SlaSummary:
    """Overdue and at-risk counts by unit and procedure; late steps by officer."""

    by_unit: list[dict[str, Any]]
    by_procedure: list[dict[str, Any]]
    by_officer: list[dict[str, Any]]
    late_tasks: list[HumanTask]


def sla_summary(ctx: Context, actor: Actor) -> SlaSummary:
    """Where the delays are: cases by unit and procedure, late steps by the officer holding them."""
    units = _scope(actor)
    states = [s for group in STATE_GROUPS.values() for s in group]
    with ctx.reader() as uow:
        rows = uow.cases.sla_counts(units, states)
        late = uow.tasks.late(ctx.clock.now(), units)
    return SlaSummary(
        by_unit=_group(rows, "unit"),
        by_procedure=_group(rows, "procedure_id"),
        by_officer=_officers(late),
        late_tasks=late,
    )


def _group(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    totals: dict[str, Counter[str]] = {}
    for row in rows:
        group = next(g for g, members in STATE_GROUPS.items() if row["sla_state"] in members)
        totals.setdefault(row[key], Counter())[group] += row["count"]
    return [
        {key: name, **{g: counts.get(g, 0) for g in STATE_GROUPS}}
        for name, counts in sorted(totals.items())
    ]


def _officers(tasks: list[HumanTask]) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = {}
    for task in tasks:
        who = (
            task.completed_by or task.assignee or f"(unassigned: {','.join(task.candidate_groups)})"
        )
        counts.setdefault(who, Counter())["late_done" if task.verdict else "late_open"] += 1
    return [
        {"officer": who, "late_open": c.get("late_open", 0), "late_done": c.get("late_done", 0)}
        for who, c in sorted(counts.items(), key=lambda item: -sum(item[1].values()))
    ]
