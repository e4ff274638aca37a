"""Repositories: turn rows into domain objects and back; no business rules here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.adapters.rows import CaseRow, DossierSequenceRow, rowcount, table_of
from engine.domain.errors import ConflictError
from engine.domain.model import (
    Case,
    CaseStatus,
    Channel,
)
from engine.runtime.serializer import SERIALIZER_VERSION

if TYPE_CHECKING:
    from engine.adapters.task_repository import TaskRepository


@dataclass(frozen=True)
class Page:
    """Pagination request."""

    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.per_page


def _case(row: Any) -> Case:
    return Case(
        id=row.id,
        code=row.code,
        procedure_id=row.procedure_id,
        tthc_code=row.tthc_code,
        model_version_id=row.model_version_id,
        model_hash=row.model_hash,
        status=CaseStatus(row.status),
        channel=Channel(row.channel),
        unit=row.unit,
        applicant=row.applicant,
        received_at=row.received_at,
        accepted_at=row.accepted_at,
        appointment_at=row.appointment_at,
        finished_at=row.finished_at,
        returned_at=row.returned_at,
        completed=row.completed,
        state=row.state,
        data=row.data,
        row_version=row.row_version,
        next_due_at=row.next_due_at,
        created_by=row.created_by,
        last_event_seq=row.last_event_seq,
        last_event_hash=row.last_event_hash,
        legal_clock=dict(row.legal_clock or {}),
        sla_state=row.sla_state,
        sla_next_at=row.sla_next_at,
        supplement_count=row.supplement_count,
        reappointments=row.reappointments,
        paused_hours=row.paused_hours,
        on_time=row.on_time,
        receiving_unit=row.receiving_unit or "",
    )


_CLOCK_FIELDS = (
    "legal_clock",
    "sla_state",
    "sla_next_at",
    "supplement_count",
    "reappointments",
    "paused_hours",
    "on_time",
)
_CASE_FIELDS = _CLOCK_FIELDS + (
    "status",
    "accepted_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "completed",
    "state",
    "data",
    "next_due_at",
    "last_event_seq",
    "last_event_hash",
    "applicant",
    # A migration moves a running case to another version of its model.
    "model_version_id",
    "model_hash",
)
# Built once: an UPDATE compiled per call costs more than the round trip it makes.
_CASE_TABLE = table_of(CaseRow)
CASE_UPDATE = (
    update(_CASE_TABLE)
    .where(_CASE_TABLE.c.id == bindparam("_id"), _CASE_TABLE.c.row_version == bindparam("_seen"))
    .values(
        {name: bindparam(name) for name in (*_CASE_FIELDS, "row_version", "serializer_version")}
    )
)


_NEW_CASE_FIELDS = (
    *(f for f in _CASE_FIELDS if f not in ("status",)),
    "code",
    "procedure_id",
    "tthc_code",
    "unit",
    "received_at",
    "created_by",
)
_INSERT_COLUMNS = (
    *_NEW_CASE_FIELDS,
    "status",
    "channel",
    "serializer_version",
    "row_version",
    "receiving_unit",
    "applicant_id",
)
_CASE_INSERT = insert(_CASE_TABLE).returning(_CASE_TABLE.c.id)
# A new case whose id was reserved (PostgreSQL): written with the command's other writes.
CASE_INSERT_RESERVED = insert(_CASE_TABLE).values(
    {name: bindparam(name) for name in ("id", *_INSERT_COLUMNS)}
)
_SEQUENCE = table_of(DossierSequenceRow)


def _number_upsert(insert_of: Any) -> Any:
    """The day's next dossier number: the first dossier creates the counter, the others bump
    it under the row lock; two transactions at once never collide nor share a number."""
    return (
        insert_of(_SEQUENCE)
        .values(unit=bindparam("unit"), day=bindparam("day"), last=1)
        .on_conflict_do_update(
            index_elements=[_SEQUENCE.c.unit, _SEQUENCE.c.day],
            set_={"last": _SEQUENCE.c.last + 1},
        )
        .returning(_SEQUENCE.c.last)
    )


_NUMBER = _number_upsert(sqlite_insert)
# PostgreSQL: the number and an id for the case, in one round trip.
_NUMBER_AND_ID = select(
    _number_upsert(pg_insert).cte("number").c.last,
    func.nextval(func.pg_get_serial_sequence('"case"', "id")),
)
_CASE_BY_ID = select(_CASE_TABLE).where(_CASE_TABLE.c.id == bindparam("id"))
_CASE_BY_ID_LOCKED = _CASE_BY_ID.with_for_update()
_CASE_BY_CODE = select(_CASE_TABLE).where(_CASE_TABLE.c.code == bindparam("code"))
_CASE_BY_CODE_LOCKED = _CASE_BY_CODE.with_for_update()


@dataclass
class QueuedCase:
    """A saved case not written yet: the parameters of its UPDATE (with the version check) or,
    for a new case whose id was reserved, of its first INSERT."""

    id: int
    code: str
    params: dict[str, Any]
    new: bool = False

    @property
    def statement(self) -> Any:
        """The statement that writes it."""
        return CASE_INSERT_RESERVED if self.new else CASE_UPDATE


class CaseRepository:
    """Cases, loaded under lock and saved with an optimistic version check."""

    def __init__(self, session: Session, tasks: TaskRepository) -> None:
        self.session = session
        self.tasks = tasks
        self.pending: QueuedCase | None = None  # the saved case, not yet written
        self._reserved: dict[str, int] = {}  # dossier code -> the id reserved for its case

    def add(self, case: Case) -> Case:
        """Insert a new case; sets its id. A case whose id next_code reserved (PostgreSQL) is
        queued instead, like a saved one: its first write then goes with the command's task
        rows and history (one INSERT of the finished row, not an INSERT and an UPDATE)."""
        values = _insert_values(case, row_version=1)
        reserved = self._reserved.pop(case.code, None)
        case.row_version = 1
        if reserved is None:
            case.id = self.session.execute(_CASE_INSERT, values).scalar_one()
            return case
        self.flush()
        case.id = reserved
        self.pending = QueuedCase(reserved, case.code, {**values, "id": reserved}, new=True)
        return case

    def get_by_code(self, code: str, *, lock: bool = False) -> Case | None:
        """A case by its dossier code, locked FOR UPDATE when asked (PostgreSQL)."""
        stmt = _CASE_BY_CODE_LOCKED if lock else _CASE_BY_CODE
        row = self.session.execute(stmt, {"code": code}).first()
        return _case(row) if row else None

    def get(self, case_id: int, *, lock: bool = False) -> Case | None:
        """A case by id, locked FOR UPDATE when asked."""
        stmt = _CASE_BY_ID_LOCKED if lock else _CASE_BY_ID
        row = self.session.execute(stmt, {"id": case_id}).first()
        return _case(row) if row else None

    def lock_of_task(self, task_id: str) -> Case | None:
        """The case a task belongs to, locked FOR UPDATE: one round trip for a task command."""
        row = self.tasks.lock_case_of(task_id)  # its open tasks come in the same round trip
        return _case(row) if row else None

    def save(self, case: Case) -> None:
        """Queue the changed case; it is written, with a check that nobody else changed it
        since it was loaded (else ConflictError), before the transaction's next statement
        or at commit, where PostgreSQL sends it together with the task rows and history."""
        queued = self.pending
        if queued is not None and queued.id != case.id:
            self.flush()
            queued = None
        if queued is not None and queued.new:
            # Not written yet: the insert takes the case as it stands now.
            queued.params = {**_insert_values(case, case.row_version + 1), "id": case.id}
            case.row_version += 1
            return
        params = {name: getattr(case, name) for name in _CASE_FIELDS}
        params.update(
            status=int(case.status),
            _id=case.id,
            # Saved twice in one command: still one check, against the row it read.
            _seen=queued.params["_seen"] if queued is not None else case.row_version,
            row_version=case.row_version + 1,
            serializer_version=SERIALIZER_VERSION,
        )
        self.pending = QueuedCase(case.id, case.code, params)
        case.row_version += 1

    def take(self) -> QueuedCase | None:
        """The queued case, handed to a caller that writes it (and no longer here)."""
        queued, self.pending = self.pending, None
        return queued

    def flush(self) -> None:
        """Write the queued case now."""
        queued = self.take()
        if queued is None:
            return
        result = self.session.execute(queued.statement, queued.params)
        if not queued.new and rowcount(result) != 1:
            raise conflict(queued.code)

    def search(self, filters: dict[str, Any], page: Page) -> tuple[list[Case], int]:
        """Cases matching the filters, newest first, with the total count."""
        conds = []
        if filters.get("units") is not None:
            units = sorted(filters["units"])
            # A unit sees the cases it handles and those its counter received for another unit.
            conds.append(or_(CaseRow.unit.in_(units), CaseRow.receiving_unit.in_(units)))
        for name in ("status", "procedure_id", "unit", "channel", "applicant_id"):
            if filters.get(name) is not None:
                conds.append(getattr(CaseRow, name) == filters[name])
        if filters.get("received_from") is not None:
            conds.append(CaseRow.received_at >= filters["received_from"])
        if filters.get("received_to") is not None:
            conds.append(CaseRow.received_at < filters["received_to"])
        if filters.get("sla_states") is not None:
            conds.append(CaseRow.sla_state.in_(sorted(filters["sla_states"])))
        total = self.session.scalar(select(func.count()).select_from(CaseRow).where(*conds)) or 0
        rows = self.session.scalars(
            select(CaseRow)
            .where(*conds)
            .order_by(CaseRow.received_at.desc(), CaseRow.id.desc())
            .offset(page.offset)
            .limit(page.per_page)
        )
        return [_case(r) for r in rows], total

    def sla_counts(self, units: frozenset[str] | None, states: list[str]) -> list[dict[str, Any]]:
        """Open cases per unit, procedure and SLA state, for the states asked."""
        conds = [CaseRow.sla_state.in_(states)]
        if units is not None:
            conds.append(CaseRow.unit.in_(sorted(units)))
        rows = self.session.execute(
            select(CaseRow.unit, CaseRow.procedure_id, CaseRow.sla_state, func.count())
            .where(*conds)
            .group_by(CaseRow.unit, CaseRow.procedure_id, CaseRow.sla_state)
            .order_by(CaseRow.unit, CaseRow.procedure_id, CaseRow.sla_state)
        )
        return [{"unit": u, "procedure_id": p, "sla_state": st, "count": n} for u, p, st, n in rows]

    def claim_due(self, now: datetime, limit: int) -> list[Case]:
        """Lock up to `limit` cases whose timer or milestone is due, skipping cases other
        workers hold (PostgreSQL FOR UPDATE SKIP LOCKED; SQLite's write lock covers it)."""
        rows = self.session.execute(
            select(_CASE_TABLE)
            .where(_CASE_TABLE.c.next_due_at <= now)
            .order_by(_CASE_TABLE.c.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_case(r) for r in rows]

    def running_on_version(self, version_id: int) -> list[str]:
        """Codes of the unfinished cases on a model version, oldest first (for a migration)."""
        rows = self.session.scalars(
            select(CaseRow.code)
            .where(CaseRow.model_version_id == version_id, CaseRow.completed.is_(False))
            .order_by(CaseRow.received_at, CaseRow.id)
        )
        return list(rows)

    def next_code(self, unit: str, day: datetime) -> str:
        """The next dossier code of the unit for that day: {unit}-{YYMMDD}-{seq:04d}.
        PostgreSQL also reserves the new case's id in the same round trip (see add)."""
        stamp = day.strftime("%y%m%d")
        params = {"unit": unit, "day": stamp}
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            last, reserved = self.session.execute(_NUMBER_AND_ID, params).one()
            self._reserved[f"{unit}-{stamp}-{last:04d}"] = reserved
        elif dialect == "sqlite":
            last = self.session.execute(_NUMBER, params).scalar_one()
        else:
            raise NotImplementedError("dossier codes need PostgreSQL or SQLite")
        return f"{unit}-{stamp}-{last:04d}"


def _insert_values(case: Case, row_version: int) -> dict[str, Any]:
    """The columns of a new case's row."""
    values = {name: getattr(case, name) for name in _NEW_CASE_FIELDS}
    values.update(
        status=int(case.status),
        channel=int(case.channel),
        serializer_version=SERIALIZER_VERSION,
        row_version=row_version,
        receiving_unit=case.receiving_unit or None,
        applicant_id=case.applicant_id[:64] or None,
    )
    return values


def conflict(code: str) -> ConflictError:
    """A case changed by another command since this one read it."""
    return ConflictError(f"case {code} was changed by someone else; reload and retry")
