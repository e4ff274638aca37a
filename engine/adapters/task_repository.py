"""The human-task projection: queryable rows rewritten with each command on the case."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.adapters.command_write import TASK_MUTABLE
from engine.adapters.repository import Page
from engine.adapters.rows import CaseRow, TaskRow, table_of
from engine.domain.model import HumanTask, TaskState


def _task(row: Any) -> HumanTask:
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


_TASK_COLUMNS = (
    "id",
    "case_id",
    "case_code",
    "element_id",
    "name",
    "lane",
    "unit",
    "form",
    "created_at",
    "assignee",
    "claimed_at",
    "due_at",
    "completed_at",
    "completed_by",
    "kind",
    "verdict",
)
_TASK_TABLE = table_of(TaskRow)
_UPSERTS = {
    name: upsert(_TASK_TABLE).on_conflict_do_update(
        index_elements=[_TASK_TABLE.c.id],
        set_={column: getattr(upsert(_TASK_TABLE).excluded, column) for column in TASK_MUTABLE},
    )
    for name, upsert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_TASK_BY_ID = select(_TASK_TABLE).where(_TASK_TABLE.c.id == bindparam("id"))
# The case of a task, locked, with its open tasks: one round trip to start a task command.
_CASE_TABLE = table_of(CaseRow)
_TASK_PREFIX = "task__"
_CASE_OF_TASK = (
    select(
        _CASE_TABLE,
        *[column.label(_TASK_PREFIX + column.name) for column in _TASK_TABLE.columns],
    )
    .select_from(
        _CASE_TABLE.outerjoin(
            _TASK_TABLE,
            (_TASK_TABLE.c.case_id == _CASE_TABLE.c.id)
            & (_TASK_TABLE.c.state == TaskState.OPEN.value),
        )
    )
    .where(
        _CASE_TABLE.c.id
        == select(_TASK_TABLE.c.case_id)
        .where(_TASK_TABLE.c.id == bindparam("task_id"))
        .scalar_subquery()
    )
    .with_for_update(of=_CASE_TABLE)
)
_OPEN_FOR_CASE = select(_TASK_TABLE).where(
    _TASK_TABLE.c.case_id == bindparam("case_id"),
    _TASK_TABLE.c.state == TaskState.OPEN.value,
)


class TaskRepository:
    """The human-task projection.

    A command works on one case under its lock, so the open tasks of that case read in the
    transaction stay true until the command itself changes them: they are kept here, and the
    command's own writes keep them current (no second SELECT once the engine has run). Writes
    are buffered and sent as one upsert when the unit of work commits, or before a query.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._open: dict[int, dict[str, HumanTask]] = {}
        self.pending: dict[str, dict[str, Any]] = {}

    def forget(self) -> None:
        """Drop what this transaction knows of open tasks (after a rollback or a savepoint's)."""
        self._open.clear()

    def take(self) -> list[dict[str, Any]]:
        """The buffered task rows, handed to a caller that writes them (and no longer here)."""
        rows, self.pending = list(self.pending.values()), {}
        return rows

    def flush(self) -> None:
        """Write the buffered task rows: one statement for all of them."""
        if self.pending:
            rows = self.take()
            dialect = self.session.get_bind().dialect.name
            self.session.execute(_UPSERTS[dialect], rows)

    def none_yet(self, case_id: int) -> None:
        """A case created in this transaction: it has no tasks to read."""
        self._open[case_id] = {}

    def lock_case_of(self, task_id: str) -> Any | None:
        """Lock the case of a task and learn its open tasks in the same round trip; returns
        the case row (None for an unknown task)."""
        self.flush()
        rows = self.session.execute(_CASE_OF_TASK, {"task_id": task_id}).all()
        if not rows:
            return None
        known = self._open[rows[0].id] = {}
        width = len(_TASK_PREFIX)
        for row in rows:
            values = {k[width:]: v for k, v in row._mapping.items() if k.startswith(_TASK_PREFIX)}
            if values["id"] is not None:
                known[values["id"]] = _task(SimpleNamespace(**values))
        return rows[0]

    def _write(self, task: HumanTask) -> None:
        row = {name: getattr(task, name) for name in _TASK_COLUMNS}
        row.update(state=task.state.value, candidate_groups=",".join(task.candidate_groups))
        self.pending[task.id] = row
        known = self._open.get(task.case_id)
        if known is not None:
            if task.state == TaskState.OPEN:
                known[task.id] = task
            else:
                known.pop(task.id, None)

    def add(self, task: HumanTask) -> None:
        """Insert a task row."""
        self._write(task)

    def update(self, task: HumanTask) -> None:
        """Write a task's changed fields."""
        self._write(task)

    def get(self, task_id: str) -> HumanTask | None:
        """A task by id, as this transaction last wrote or read it."""
        for known in self._open.values():
            if task_id in known:
                return known[task_id]
        self.flush()
        row = self.session.execute(_TASK_BY_ID, {"id": task_id}).first()
        return _task(row) if row else None

    def prefetch_open(self, case_ids: list[int]) -> None:
        """Learn the open tasks of several cases (locked by this transaction) in one query."""
        wanted = [i for i in case_ids if i not in self._open]
        if not wanted:
            return
        self.flush()
        for case_id in wanted:
            self._open[case_id] = {}
        rows = self.session.execute(
            select(_TASK_TABLE).where(
                _TASK_TABLE.c.case_id.in_(wanted), _TASK_TABLE.c.state == TaskState.OPEN.value
            )
        )
        for row in rows:
            self._open[row.case_id][row.id] = _task(row)

    def open_for_case(self, case_id: int) -> list[HumanTask]:
        """Open tasks of a case, oldest first (this transaction's own changes included)."""
        known = self._open.get(case_id)
        if known is None:
            self.flush()
            rows = self.session.execute(_OPEN_FOR_CASE, {"case_id": case_id})
            known = self._open[case_id] = {row.id: _task(row) for row in rows}
        return sorted(known.values(), key=lambda t: (t.created_at, t.id))

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
        self.flush()
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
        self.flush()
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
