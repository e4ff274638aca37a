"""Repositories: turn rows into domain objects and back; no business rules here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.adapters.rows import CaseRow, DossierSequenceRow, ModelVersionRow
from engine.domain.errors import ConflictError
from engine.domain.model import (
    Case,
    CaseStatus,
    Channel,
    ModelVersion,
)
from engine.runtime.serializer import SERIALIZER_VERSION


@dataclass(frozen=True)
class Page:
    """Pagination request."""

    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.per_page


def _version(row: ModelVersionRow) -> ModelVersion:
    return ModelVersion(
        id=row.id,
        procedure_id=row.procedure_id,
        version=row.version,
        content_hash=row.content_hash,
        process_id=row.process_id,
        name=row.name,
        tthc_code=row.tthc_code,
        meta=row.meta,
        files=row.files,
        spec_json=row.spec_json,
        deployed_by=row.deployed_by,
        deployed_at=row.deployed_at,
    )


class ModelRepository:
    """Deployed model versions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, version: ModelVersion, elements: dict[str, Any]) -> ModelVersion:
        """Store a new version and return it with its id."""
        row = ModelVersionRow(
            procedure_id=version.procedure_id,
            version=version.version,
            content_hash=version.content_hash,
            process_id=version.process_id,
            name=version.name,
            tthc_code=version.tthc_code,
            meta=version.meta,
            files=version.files,
            elements=elements,
            spec_json=version.spec_json,
            deployed_by=version.deployed_by,
            deployed_at=version.deployed_at,
        )
        self.session.add(row)
        self.session.flush()
        return _version(row)

    def get(self, version_id: int) -> ModelVersion | None:
        """A version by id."""
        row = self.session.get(ModelVersionRow, version_id)
        return _version(row) if row else None

    def elements(self, version_id: int) -> dict[str, Any]:
        """The element table of a version."""
        row = self.session.get(ModelVersionRow, version_id)
        return dict(row.elements) if row else {}

    def by_hash(self, content_hash: str) -> ModelVersion | None:
        """The version with this content hash, if deployed."""
        row = self.session.scalars(
            select(ModelVersionRow).where(ModelVersionRow.content_hash == content_hash)
        ).first()
        return _version(row) if row else None

    def latest(self, procedure_id: str) -> ModelVersion | None:
        """The newest version of a procedure."""
        row = self.session.scalars(
            select(ModelVersionRow)
            .where(ModelVersionRow.procedure_id == procedure_id)
            .order_by(ModelVersionRow.version.desc())
            .limit(1)
        ).first()
        return _version(row) if row else None

    def versions(self, procedure_id: str) -> list[ModelVersion]:
        """All versions of a procedure, newest first."""
        rows = self.session.scalars(
            select(ModelVersionRow)
            .where(ModelVersionRow.procedure_id == procedure_id)
            .order_by(ModelVersionRow.version.desc())
        )
        return [_version(r) for r in rows]

    def procedures(self) -> list[ModelVersion]:
        """The latest version of every procedure."""
        newest = (
            select(ModelVersionRow.procedure_id, func.max(ModelVersionRow.version).label("v"))
            .group_by(ModelVersionRow.procedure_id)
            .subquery()
        )
        rows = self.session.scalars(
            select(ModelVersionRow)
            .join(
                newest,
                (ModelVersionRow.procedure_id == newest.c.procedure_id)
                & (ModelVersionRow.version == newest.c.v),
            )
            .order_by(ModelVersionRow.procedure_id)
        )
        return [_version(r) for r in rows]


def _case(row: CaseRow) -> Case:
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
_CASE_TABLE = CaseRow.__table__
_CASE_UPDATE = (
    update(_CASE_TABLE)
    .where(_CASE_TABLE.c.id == bindparam("_id"), _CASE_TABLE.c.row_version == bindparam("_seen"))
    .values(
        {name: bindparam(name) for name in (*_CASE_FIELDS, "row_version", "serializer_version")}
    )
)


class CaseRepository:
    """Cases, loaded under lock and saved with an optimistic version check."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, case: Case) -> Case:
        """Insert a new case; sets its id."""
        row = CaseRow(
            code=case.code,
            procedure_id=case.procedure_id,
            tthc_code=case.tthc_code,
            model_version_id=case.model_version_id,
            model_hash=case.model_hash,
            status=int(case.status),
            channel=int(case.channel),
            unit=case.unit,
            applicant=case.applicant,
            received_at=case.received_at,
            accepted_at=case.accepted_at,
            appointment_at=case.appointment_at,
            finished_at=case.finished_at,
            returned_at=case.returned_at,
            completed=case.completed,
            state=case.state,
            data=case.data,
            serializer_version=SERIALIZER_VERSION,
            row_version=1,
            next_due_at=case.next_due_at,
            created_by=case.created_by,
            last_event_seq=case.last_event_seq,
            last_event_hash=case.last_event_hash,
            **{name: getattr(case, name) for name in _CLOCK_FIELDS},
        )
        self.session.add(row)
        self.session.flush()
        case.id = row.id
        case.row_version = 1
        return case

    def get_by_code(self, code: str, *, lock: bool = False) -> Case | None:
        """A case by its dossier code, locked FOR UPDATE when asked (PostgreSQL)."""
        stmt = select(CaseRow).where(CaseRow.code == code)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).first()
        return _case(row) if row else None

    def get(self, case_id: int, *, lock: bool = False) -> Case | None:
        """A case by id, locked FOR UPDATE when asked."""
        stmt = select(CaseRow).where(CaseRow.id == case_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).first()
        return _case(row) if row else None

    def save(self, case: Case) -> None:
        """Write the changed case if nobody else did since it was loaded, else ConflictError."""
        values = {name: getattr(case, name) for name in _CASE_FIELDS}
        values["status"] = int(case.status)
        values.update(
            _id=case.id,
            _seen=case.row_version,
            row_version=case.row_version + 1,
            serializer_version=SERIALIZER_VERSION,
        )
        result = self.session.execute(_CASE_UPDATE, values)
        if result.rowcount != 1:
            raise ConflictError(f"case {case.code} was changed by someone else; reload and retry")
        case.row_version += 1

    def search(self, filters: dict[str, Any], page: Page) -> tuple[list[Case], int]:
        """Cases matching the filters, newest first, with the total count."""
        conds = []
        if filters.get("units") is not None:
            conds.append(CaseRow.unit.in_(sorted(filters["units"])))
        for name in ("status", "procedure_id", "unit", "channel"):
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
        rows = self.session.scalars(
            select(CaseRow)
            .where(CaseRow.next_due_at <= now)
            .order_by(CaseRow.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
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
        """The next dossier code of the unit for that day: {unit}-{YYMMDD}-{seq:04d}."""
        stamp = day.strftime("%y%m%d")
        # The day's first dossier of a unit creates its counter; two transactions doing that at
        # once must not collide (unique violation), so insert-if-missing, then lock and count.
        insert = _INSERT_IF_MISSING.get(self.session.get_bind().dialect.name)
        if insert is not None:
            self.session.execute(
                insert(DossierSequenceRow)
                .values(unit=unit, day=stamp, last=0)
                .on_conflict_do_nothing()
            )
        row = self.session.get(
            DossierSequenceRow, (unit, stamp), with_for_update=True, populate_existing=True
        )
        if row is None:
            row = DossierSequenceRow(unit=unit, day=stamp, last=0)
            self.session.add(row)
        row.last += 1
        self.session.flush()
        return f"{unit}-{stamp}-{row.last:04d}"


_INSERT_IF_MISSING: dict[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}
