"""The lists of the monthly publication: overdue dossiers by unit, late steps by officer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.domain.reporting import Cohort
from engine.services.context import UnitOfWork

REASONS = {
    "supplements": "Yêu cầu bổ sung hồ sơ quá 01 lần",
    "finished_late": "Giải quyết xong sau ngày hẹn trả",
    "open_late": "Quá ngày hẹn trả, chưa giải quyết xong",
}


@dataclass
class OverdueLists:
    """Overdue dossiers (each with the steps that ran late) and late steps per officer."""

    dossiers: list[dict[str, Any]] = field(default_factory=list)
    by_officer: list[dict[str, Any]] = field(default_factory=list)


def overdue_lists(
    uow: UnitOfWork,
    cohort: Cohort,
    late_irregular: list[tuple[str, Any, int]],
    limit: int | None,
) -> OverdueLists:
    """Overdue dossiers of the cohort, oldest first per unit, with who held each late step.

    `late_irregular`: (unit, received_at, id) of the overdue cases the legal clock judged.
    """
    first = sorted(uow.reports.overdue(cohort, limit) + late_irregular)[:limit]
    dossiers = uow.reports.cases_by_id([id_ for _, _, id_ in first])
    dossiers.sort(key=lambda d: (d["unit"], d["received_at"], d["id"]))
    steps: dict[int, list[dict[str, Any]]] = {}
    if dossiers:
        for step in uow.reports.late_steps(cohort, [d["id"] for d in dossiers]):
            steps.setdefault(step.pop("case_id"), []).append(_step(step))
    for dossier in dossiers:
        dossier["reason"] = _reason(dossier, cohort)
        dossier["late_steps"] = steps.get(dossier["id"], [])
    officers = [_officer(row) for row in uow.reports.late_by_officer(cohort)]
    return OverdueLists(dossiers, officers)


def _reason(dossier: dict[str, Any], cohort: Cohort) -> str:
    if int(dossier["supplement_count"] or 0) > 1:
        return "supplements"
    finished = dossier.get("finished_at")
    return "finished_late" if finished is not None and finished <= cohort.as_of else "open_late"


def _step(row: dict[str, Any]) -> dict[str, Any]:
    officer = row.pop("officer")
    groups = row.pop("candidate_groups") or ""
    row["officer"] = officer or f"(chưa nhận: {groups.strip(',')})"
    row["assigned"] = officer is not None
    return row


def _officer(row: dict[str, Any]) -> dict[str, Any]:
    officer = row["officer"]
    return {
        "officer": officer or f"(chưa nhận: {(row['groups'] or '').strip(',')})",
        "assigned": officer is not None,
        "unit": row["unit"],
        "late_steps": int(row["late_steps"]),
        "dossiers": int(row["dossiers"]),
        "still_open": int(row["still_open"] or 0),
    }
