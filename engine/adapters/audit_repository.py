"""Audit persistence: streaming the history for verification, digests, access log, purge."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.adapters.rows import (
    AuditAccessRow,
    AuditDigestRow,
    Base,
    CaseEventRow,
    CaseRow,
    rowcount,
    table_of,
)
from engine.domain.audit import AccessEntry, CaseHead, Digest
from engine.domain.errors import PermissionDeniedError
from engine.domain.model import CaseEvent

APPEND_ONLY = ("case_event", "audit_digest", "audit_access")
STREAM_BATCH = 5000


def _head(row: Any) -> CaseHead:
    return CaseHead(
        case_id=row.id,
        code=row.code,
        unit=row.unit,
        last_seq=row.last_event_seq,
        last_hash=row.last_event_hash,
        completed=row.completed,
        finished_at=row.finished_at,
    )


def _digest(row: AuditDigestRow) -> Digest:
    return Digest(
        kind=row.kind,
        created_at=row.created_at,
        created_by=row.created_by,
        case_count=row.case_count,
        event_count=row.event_count,
        changes=row.changes,
        note=row.note,
        prev_digest=row.prev_digest,
        digest=row.digest,
        id=row.id,
    )


_HEAD_COLUMNS = (
    CaseRow.id,
    CaseRow.code,
    CaseRow.unit,
    CaseRow.last_event_seq,
    CaseRow.last_event_hash,
    CaseRow.completed,
    CaseRow.finished_at,
)
_EVENT_COLUMNS = (
    CaseEventRow.id,
    CaseEventRow.case_id,
    CaseEventRow.seq,
    CaseEventRow.type,
    CaseEventRow.at,
    CaseEventRow.actor,
    CaseEventRow.actor_unit,
    CaseEventRow.task_id,
    CaseEventRow.payload,
    CaseEventRow.model_hash,
    CaseEventRow.prev_hash,
    CaseEventRow.hash,
)


def _within(units: Iterable[str]) -> Any:
    """Cases a unit handles, and those its counter received for another unit (phi địa giới)."""
    ordered = sorted(units)
    return or_(CaseRow.unit.in_(ordered), CaseRow.receiving_unit.in_(ordered))


class AuditRepository:
    """Reads and appends of the audit tables; the only code that may get past append-only."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- heads and history --------------------------------------------------------------

    def heads(self, units: Iterable[str] | None = None, code: str | None = None) -> list[CaseHead]:
        """Every case's chain head (from the case rows), optionally within units or one case."""
        stmt = select(*_HEAD_COLUMNS).order_by(CaseRow.id)
        if units is not None:
            stmt = stmt.where(_within(units))
        if code is not None:
            stmt = stmt.where(CaseRow.code == code)
        return [_head(r) for r in self.session.execute(stmt)]

    def stream_heads(
        self, units: Iterable[str] | None = None, code: str | None = None
    ) -> Iterator[CaseHead]:
        """heads() in case id order, streamed (verification of millions of cases)."""
        stmt = select(*_HEAD_COLUMNS).order_by(CaseRow.id)
        if units is not None:
            stmt = stmt.where(_within(units))
        if code is not None:
            stmt = stmt.where(CaseRow.code == code)
        result = self.session.connection().execute(stmt.execution_options(yield_per=STREAM_BATCH))
        for row in result:
            yield _head(row)

    def stream_events(
        self, case_ids: list[int] | None = None, units: Iterable[str] | None = None
    ) -> Iterator[tuple[int, CaseEvent]]:
        """(row id, event) of the given cases or units (all when None), by case then seq."""
        stmt = select(*_EVENT_COLUMNS).order_by(CaseEventRow.case_id, CaseEventRow.seq)
        if case_ids is not None:
            stmt = stmt.where(CaseEventRow.case_id.in_(case_ids))
        if units is not None:
            stmt = stmt.join(CaseRow, CaseRow.id == CaseEventRow.case_id).where(_within(units))
        # Core rows through the session's connection: the ORM's row loading costs ~15% here.
        conn = self.session.connection()
        result = conn.execute(stmt.execution_options(yield_per=STREAM_BATCH))
        for (
            row_id,
            case_id,
            seq,
            type_,
            at,
            actor,
            unit,
            task_id,
            payload,
            model,
            prev,
            h,
        ) in result:
            yield (
                row_id,
                CaseEvent(case_id, seq, type_, at, actor, unit, payload, model, prev, h, task_id),
            )

    def event_count(self) -> int:
        """Number of events stored."""
        return int(self.session.scalar(select(func.count()).select_from(CaseEventRow)) or 0)

    # -- digests ------------------------------------------------------------------------

    def digests(self) -> list[Digest]:
        """The digest chain, oldest first."""
        rows = self.session.scalars(select(AuditDigestRow).order_by(AuditDigestRow.id))
        return [_digest(r) for r in rows]

    def last_digest(self, *, lock: bool = False) -> Digest | None:
        """The newest digest (locked FOR UPDATE on PostgreSQL so two digests do not fork)."""
        stmt = select(AuditDigestRow).order_by(AuditDigestRow.id.desc()).limit(1)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).first()
        return _digest(row) if row else None

    def add_digest(self, digest: Digest) -> Digest:
        """Append a digest; sets its id."""
        row = AuditDigestRow(
            kind=digest.kind,
            created_at=digest.created_at,
            created_by=digest.created_by,
            case_count=digest.case_count,
            event_count=digest.event_count,
            changes=digest.changes,
            note=digest.note,
            prev_digest=digest.prev_digest,
            digest=digest.digest,
        )
        self.session.add(row)
        self.session.flush()
        digest.id = row.id
        return digest

    def lock_digests(self) -> None:
        """Serialise digest writers (PostgreSQL advisory lock for this transaction)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(7402114)"))

    # -- access log ---------------------------------------------------------------------

    def log_access(self, entry: AccessEntry) -> None:
        """Append one read to the access log."""
        self.session.add(
            AuditAccessRow(
                at=entry.at,
                actor=entry.actor,
                roles=",".join(entry.roles),
                units=",".join(entry.units),
                action=entry.action,
                case_code=entry.case_code,
                detail=entry.detail,
            )
        )
        self.session.flush()

    def accesses(self, case_code: str | None = None, limit: int = 200) -> list[AccessEntry]:
        """The newest reads, of one case or of all."""
        stmt = select(AuditAccessRow).order_by(AuditAccessRow.id.desc()).limit(limit)
        if case_code is not None:
            stmt = stmt.where(AuditAccessRow.case_code == case_code)
        return [
            AccessEntry(
                at=r.at,
                actor=r.actor,
                roles=tuple(x for x in r.roles.split(",") if x),
                units=tuple(x for x in r.units.split(",") if x),
                action=r.action,
                case_code=r.case_code,
                detail=r.detail,
            )
            for r in self.session.scalars(stmt)
        ]

    # -- retention ----------------------------------------------------------------------

    def purge_candidates(self, before: datetime) -> list[CaseHead]:
        """Finished cases whose last change is older than `before` (open cases never)."""
        stmt = (
            select(*_HEAD_COLUMNS)
            .where(
                CaseRow.completed.is_(True),
                CaseRow.finished_at.is_not(None),
                CaseRow.finished_at < before,
            )
            .order_by(CaseRow.id)
        )
        heads = [_head(r) for r in self.session.execute(stmt)]
        if not heads:
            return []
        # A case whose history goes on after it finished (a late admin action) is kept.
        last_at = dict(
            self.session.execute(
                select(CaseEventRow.case_id, func.max(CaseEventRow.at))
                .where(CaseEventRow.case_id.in_([h.case_id for h in heads]))
                .group_by(CaseEventRow.case_id)
            ).all()
        )
        return [h for h in heads if last_at.get(h.case_id) is None or last_at[h.case_id] < before]

    def count_events(self, case_ids: list[int]) -> int:
        """Events of these cases."""
        if not case_ids:
            return 0
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(CaseEventRow)
                .where(CaseEventRow.case_id.in_(case_ids))
            )
            or 0
        )

    def delete_cases(self, case_ids: list[int]) -> int:
        """Delete the cases, their history and every row that refers to them; events deleted.

        The history is append-only for the application; this is the one place that gets past
        the trigger, and only a DBA can: on PostgreSQL `session_replication_role` may be set by
        a superuser (or a role granted it) only.
        """
        if not case_ids:
            return 0
        with append_only_bypass(self.session, "case_event"):
            deleted = rowcount(
                self.session.execute(delete(CaseEventRow).where(CaseEventRow.case_id.in_(case_ids)))
            )
        case_table = table_of(CaseRow)
        _delete_dependents(self.session, case_table, case_table.c.id.in_(case_ids))
        self.session.execute(delete(CaseRow).where(CaseRow.id.in_(case_ids)))
        return int(deleted or 0)

    # -- protection ---------------------------------------------------------------------

    def protection(self) -> dict[str, bool]:
        """Whether each append-only table still has its trigger (a batch migration drops them)."""
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            names = set(
                self.session.scalars(
                    text(
                        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE t.tgname = c.relname || '_append_only' AND t.tgenabled <> 'D' "
                        "AND c.relnamespace = to_regnamespace(current_schema())"
                    )
                )
            )
            return {table: table in names for table in APPEND_ONLY}
        if dialect == "sqlite":
            names = set(
                self.session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
            )
            return {
                table: {f"{table}_no_update", f"{table}_no_delete"} <= names
                for table in APPEND_ONLY
            }
        return {table: False for table in APPEND_ONLY}


def _delete_dependents(session: Session, table: Table, where: Any) -> None:
    """Delete rows of every table with a foreign key into `table`'s rows matching `where`."""
    for other in reversed(Base.metadata.sorted_tables):
        if other.name in APPEND_ONLY:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            keys = select(fk.column).where(where)
            child_where = fk.parent.in_(keys)
            _delete_dependents(session, other, child_where)
            session.execute(delete(other).where(child_where))


class append_only_bypass:  # noqa: N801 - used as a context manager, reads like a statement
    """Lift the append-only trigger of `table` for the rest of this block (DBA only)."""

    def __init__(self, session: Session, table: str) -> None:
        self.session = session
        self.table = table
        self.dialect = session.get_bind().dialect.name

    def __enter__(self) -> None:
        if self.dialect == "postgresql":
            # Fails with "permission denied to set parameter" for the application's own role.
            try:
                with self.session.begin_nested():
                    self.session.execute(text("SET LOCAL session_replication_role = replica"))
            except DBAPIError as exc:
                raise PermissionDeniedError(
                    f"deleting from {self.table} needs a DBA role (one allowed to set "
                    "session_replication_role); run the purge with the database owner's URL"
                ) from exc
        elif self.dialect == "sqlite":
            for name in (f"{self.table}_no_update", f"{self.table}_no_delete"):
                self.session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))

    def __exit__(self, *exc: object) -> None:
        if self.dialect == "postgresql":
            self.session.execute(text("SET LOCAL session_replication_role = origin"))
        elif self.dialect == "sqlite":
            for statement in sqlite_append_only(self.table):
                self.session.execute(text(statement))


def sqlite_append_only(table: str) -> list[str]:
    """The SQLite triggers that make `table` append-only (same text as migration 0003)."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op_name.lower()} BEFORE {op_name} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'motcua: {op_name} on {table} is refused: "
        "the table is append-only'); END"
        for op_name in ("UPDATE", "DELETE")
    ]
