"""The human-task projection: queryable rows rewritten with each command on the case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from engine.adapters.repository import Page
from engine.adapters.rows import TaskRow
from engine.domain.model import HumanTask, TaskState


def _task(row: TaskRow) -> HumanTask:
    return HumanTask(
        id=row.id,
        case_id=row.case_id,
        case_code=row.case_code,
        element_id=row.element_id,
        name=row.name,
        lane=row.lane,
        candidate_groups=[g for g in row.candidate_groups.split(",") if g],
        unit=row.unit,
        state=TaskState(row.state),
        form=row.form,
        created_at=row.created_at,
        assignee=row.assignee,
        claimed_at=row.claimed_at,
        due_at=row.due_at,
        completed_at=row.completed_at,
        completed_by=row.completed_by,
        kind=row.kind,
        verdict=row.verdict,
    )


_TASK_FIELDS = ("assignee", "claimed_at", "due_at", "completed_at", "completed_by", "verdict")
_TASK_TABLE = TaskRow.__table__
_TASK_UPDATE = (
    update(_TASK_TABLE)
    .where(_TASK_TABLE.c.id == bindparam("_id"))
    .values(
        {
            name: bindparam(name)
            for name in (*_TASK_FIELDS, "state", "name", "lane", "candidate_groups", "form")
        }
    )
)


class TaskRepository:
    """The human-task projection."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, task: HumanTask) -> None:
        """Insert a task row."""
        self.session.add(
            TaskRow(
                id=task.id,
                case_id=task.case_id,
                case_code=task.case_code,
                element_id=task.element_id,
                name=task.name,
                lane=task.lane,
                candidate_groups=",".join(task.candidate_groups),
                unit=task.unit,
                state=task.state.value,
                form=task.form,
                created_at=task.created_at,
                assignee=task.assignee,
                claimed_at=task.claimed_at,
                due_at=task.due_at,
                completed_at=task.completed_at,
                completed_by=task.completed_by,
                kind=task.kind,
                verdict=task.verdict,
            )
        )

    def update(self, task: HumanTask) -> None:
        """Write a task's changed fields (labels, lane, groups and form change on migration)."""
        values = {name: getattr(task, name) for name in _TASK_FIELDS}
        values.update(
            _id=task.id,
            state=task.state.value,
            name=task.name,
            lane=task.lane,
            candidate_groups=",".join(task.candidate_groups),
            form=task.form,
        )
        self.session.execute(_TASK_UPDATE, values)

    def get(self, task_id: str, *, fresh: bool = False) -> HumanTask | None:
        """A task by id; `fresh` reads the database again rather than this session's copy."""
        row = self.session.get(TaskRow, task_id, populate_existing=fresh)
        return _task(row) if row else None

    def open_for_case(self, case_id: int) -> list[HumanTask]:
        """Open tasks of a case (pending inserts of this transaction included)."""
        self.session.flush()
        rows = self.session.scalars(
            select(TaskRow)
            .where(TaskRow.case_id == case_id, TaskRow.state == TaskState.OPEN.value)
            .order_by(TaskRow.created_at, TaskRow.id)
        )
        return [_task(r) for r in rows]

    def search(self, filters: dict[str, Any], page: Page) -> tuple[list[HumanTask], int]:
        """Tasks matching the filters (units, groups, assignee, state, case, element), oldest first."""
        conds = []
        if filters.get("units") is not None:
            conds.append(TaskRow.unit.in_(sorted(filters["units"])))
        if filters.get("groups") is not None:
            groups = sorted(filters["groups"])
            conds.append(_any_group(groups))
        for name in ("assignee", "case_id", "element_id", "unit", "case_code"):
            if filters.get(name) is not None:
                conds.append(getattr(TaskRow, name) == filters[name])
        if filters.get("unassigned"):
            conds.append(TaskRow.assignee.is_(None))
        if filters.get("state") is not None:
            conds.append(TaskRow.state == filters["state"])
        total = self.session.scalar(select(func.count()).select_from(TaskRow).where(*conds)) or 0
        rows = self.session.scalars(
            select(TaskRow)
            .where(*conds)
            # Oldest first; tasks created in the same instant come in the order cases arrived.
            .order_by(TaskRow.created_at, TaskRow.case_id, TaskRow.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return [_task(r) for r in rows], total

    def late(self, now: datetime, units: frozenset[str] | None) -> list[HumanTask]:
        """Open tasks past their due time and completed tasks handed over late, oldest first."""
        from sqlalchemy import and_, or_

        conds = [
            or_(
                and_(TaskRow.state == TaskState.OPEN.value, TaskRow.due_at < now),
                TaskRow.verdict == "late",
            )
        ]
        if units is not None:
            conds.append(TaskRow.unit.in_(sorted(units)))
        rows = self.session.scalars(
            select(TaskRow).where(*conds).order_by(TaskRow.due_at, TaskRow.id).limit(10_000)
        )
        return [_task(r) for r in rows]


def _any_group(groups: list[str]) -> Any:
    from sqlalchemy import false, or_

    if not groups:
        return false()
    # candidate_groups is a comma-joined list; match whole items only.
    return or_(*[("," + TaskRow.candidate_groups + ",").contains("," + g + ",") for g in groups])
