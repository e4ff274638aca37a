"""Queries of the service-quality report and of /metrics: set-based, grouped in the database."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Text, and_, cast, exists, func, literal, not_, or_, select, text
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from engine.adapters import report_sql as q
from engine.adapters.messaging_rows import OutboxRow
from engine.adapters.rows import CaseEventRow, CaseRow, TaskRow
from engine.domain.model import CaseStatus
from engine.domain.reporting import Cohort, Tally

C, T = CaseRow, TaskRow
EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()
PAUSED = "paused"


class Conditions:
    """The cohort's filter and the row-level states of the 766 rule, as SQL conditions."""

    def __init__(self, cohort: Cohort, c: Any = CaseRow) -> None:
        as_of = cohort.as_of
        where = [c.received_at >= cohort.start, c.received_at < cohort.end]
        if as_of < cohort.end:
            where.append(c.received_at <= as_of)
        if cohort.units is not None:
            where.append(c.unit.in_(sorted(cohort.units)))
        if cohort.unit is not None:
            where.append(c.unit == cohort.unit)
        if cohort.procedure_id is not None:
            where.append(c.procedure_id == cohort.procedure_id)
        if cohort.channel is not None:
            where.append(c.channel == cohort.channel)
        self.where = and_(*where)
        # Refused at intake: never received for processing, so outside 2.1 and 2.2.
        self.not_accepted = and_(c.status == int(CaseStatus.REJECTED), c.accepted_at.is_(None))
        self.population = not_(self.not_accepted)
        self.resolved = and_(self.population, c.finished_at.is_not(None), c.finished_at <= as_of)
        self.open = and_(self.population, or_(c.finished_at.is_(None), c.finished_at > as_of))
        # Open cases the SQL judges alone; the others (no appointment, re-appointed, paused)
        # need the legal clock's details and are judged in Python.
        self.regular_open = and_(
            self.open, c.appointment_at.is_not(None), c.reappointments == 0, c.sla_state != PAUSED
        )
        self.open_on_time = and_(
            self.regular_open, c.appointment_at >= as_of, c.supplement_count <= 1
        )
        self.open_overdue = and_(
            self.regular_open, or_(c.appointment_at < as_of, c.supplement_count > 1)
        )
        self.resolved_on_time = and_(self.resolved, c.on_time.is_(True))
        self.resolved_late = and_(self.resolved, c.on_time.is_(False))
        # Among those, the ones whose legal clock (re-appointment, pause) must be read.
        self.needs_clock = or_(c.reappointments > 0, c.sla_state == PAUSED)
        self.irregular = or_(
            and_(self.resolved, c.on_time.is_(None)), and_(self.open, not_(self.regular_open))
        )


class ReportRepository:
    """Read-only queries over cases, tasks and events for reports and metrics."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        """'postgresql' or 'sqlite'."""
        return self.session.get_bind().dialect.name

    def _plain(self) -> None:
        # PostgreSQL's JIT compiles these aggregates for longer than they then run (~0.25 s a
        # query on a month of a million dossiers); off for this read-only transaction only.
        if self.dialect == "postgresql":
            self.session.execute(text("SET LOCAL jit = off"))

    def tallies(self, cohort: Cohort) -> list[Tally]:
        """Counts per unit, model version and channel (one scan of the cohort)."""
        self._plain()
        k = Conditions(cohort)
        d = self.dialect

        def fact(name: str) -> ColumnElement[bool]:
            return q.fact(d, name)

        columns = {
            "received": func.count(),
            "not_accepted": q.count(k.not_accepted),
            "resolved": q.count(k.resolved),
            "resolved_on_time": q.count(k.resolved_on_time),
            "resolved_late": q.count(k.resolved_late),
            "open": q.count(k.open),
            "open_on_time": q.count(k.open_on_time),
            "open_overdue": q.count(k.open_overdue),
            "paid_online": q.count(
                and_(k.population, fact("paid_online"), not_(fact("fee_exempt")))
            ),
            "fee_exempt": q.count(and_(k.population, fact("fee_exempt"))),
            "resolved_e_result": q.count(and_(k.resolved, fact("e_result"))),
            "digitised_unresolved": q.count(and_(not_(k.resolved), fact("digitised"))),
            "digitised_resolved": q.count(and_(k.resolved, fact("digitised"))),
            "digitised_resolved_e_result": q.count(
                and_(k.resolved, fact("digitised"), fact("e_result"))
            ),
            "reused": q.count(fact("reused")),
            "dissatisfied": q.count(and_(k.population, or_(fact("disliked"), fact("complaint")))),
        }
        paused = func.sum(q.case_value(k.resolved, C.paused_hours, 0.0))
        stmt = (
            select(C.unit, C.model_version_id, C.channel, paused, *columns.values())
            .where(k.where)
            .group_by(C.unit, C.model_version_id, C.channel)
        )
        tallies = []
        for row in self.session.execute(stmt):
            tally = Tally(row[0], int(row[1]), int(row[2]), paused_hours=float(row[3] or 0))
            tally.add(dict(zip(columns, row[4:], strict=True)))
            tallies.append(tally)
        return tallies

    def synced(self, cohort: Cohort) -> int | None:
        """Cohort dossiers with a dossier record delivered to the national portal (1.4);
        None when portal sync has never produced a record (nothing to measure)."""
        portal = OutboxRow.channel == "portal"
        if self.session.scalar(select(OutboxRow.id).where(portal).limit(1)) is None:
            return None
        delivered = exists().where(
            portal,
            OutboxRow.name == "hoso",
            OutboxRow.dossier == C.code,
            OutboxRow.state == "delivered",
        )
        stmt = select(func.count()).where(Conditions(cohort).where, delivered)
        return int(self.session.scalar(stmt) or 0)

    def working_time(
        self, cohort: Cohort, tz: tzinfo, periods: list[tuple[float, float]]
    ) -> list[tuple[str, str, int, int, float]]:
        """(side, unit, local day as an ordinal, cases, office seconds worked that day before
        the instant) for the start (acceptance, else receipt) and the end of resolved cases."""
        self._plain()
        k = Conditions(cohort)
        d = self.dialect
        offset = q.utc_offset(tz, cohort.start)
        out: list[tuple[str, str, int, int, float]] = []
        for side, column in (
            ("start", func.coalesce(C.accepted_at, C.received_at)),
            ("end", C.finished_at),
        ):
            epoch = q.local_epoch(d, column, offset)
            day = q.day_number(d, epoch)
            worked = q.worked_seconds(d, epoch - day * 86400, periods)
            stmt = (
                select(C.unit, day, func.count(), func.sum(worked))
                .where(k.where, k.resolved)
                .group_by(C.unit, day)
            )
            for unit, days, n, seconds in self.session.execute(stmt):
                out.append((side, unit, EPOCH_ORDINAL + int(days), int(n), float(seconds or 0)))
        return out

    def irregular(self, cohort: Cohort) -> list[dict[str, Any]]:
        """Cases the 766 verdict needs the legal clock for (see Conditions.irregular); the
        clock comes as JSON text ("clock") for the re-appointed and paused ones only."""
        self._plain()
        k = Conditions(cohort)
        columns = [
            C.id,
            C.unit,
            C.model_version_id,
            C.channel,
            C.received_at,
            C.finished_at,
            C.appointment_at,
            C.supplement_count,
            C.reappointments,
            C.sla_state,
            k.resolved.label("resolved"),
        ]
        # Most need only columns PostgreSQL keeps in its covering index (an index-only scan).
        plain = select(*columns).where(k.where, k.irregular, not_(k.needs_clock))
        rows = [dict(row._mapping) for row in self.session.execute(plain)]
        # The others: their ids from the index, then their rows (and clocks) by primary key.
        inner = aliased(CaseRow)
        ki = Conditions(cohort, inner)
        ids = select(inner.id).where(ki.where, ki.irregular, ki.needs_clock)
        clocked = select(*columns, cast(C.legal_clock, Text).label("clock")).where(C.id.in_(ids))
        rows.extend(dict(row._mapping) for row in self.session.execute(clocked))
        return rows

    def overdue(self, cohort: Cohort, limit: int | None) -> list[tuple[str, Any, int]]:
        """(unit, received_at, id) of the first overdue dossiers the SQL judged (finished
        late, or open past the appointment), in that order."""
        k = Conditions(cohort)
        stmt = (
            select(C.unit, C.received_at, C.id)
            .where(k.where, or_(k.resolved_late, k.open_overdue))
            .order_by(C.unit, C.received_at, C.id)
            .limit(limit)
        )
        return [(unit, received, int(id_)) for unit, received, id_ in self.session.execute(stmt)]

    def cases_by_id(self, ids: list[int]) -> list[dict[str, Any]]:
        """The list columns of the given cases."""
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(ids):
            stmt = select(
                C.id,
                C.code,
                C.unit,
                C.procedure_id,
                C.channel,
                C.received_at,
                C.appointment_at,
                C.finished_at,
                C.supplement_count,
                C.status,
            ).where(C.id.in_(chunk))
            rows.extend(dict(row._mapping) for row in self.session.execute(stmt))
        return rows

    def _late_steps(self, cohort: Cohort) -> tuple[Any, ColumnElement[bool]]:
        k = Conditions(cohort)
        late = or_(T.verdict == "late", and_(T.state == "open", T.due_at < cohort.as_of))
        return k.where, late

    def late_steps(self, cohort: Cohort, case_ids: list[int]) -> list[dict[str, Any]]:
        """Steps of these cases that ran late (verdict late, or open past due at as_of)."""
        where, late = self._late_steps(cohort)
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(case_ids):
            stmt = (
                select(
                    T.case_id,
                    T.element_id,
                    T.name,
                    T.unit,
                    T.state,
                    T.due_at,
                    T.completed_at,
                    func.coalesce(T.completed_by, T.assignee).label("officer"),
                    T.candidate_groups,
                )
                .join(C, C.id == T.case_id)
                .where(where, late, T.case_id.in_(chunk))
                .order_by(T.case_id, T.due_at, T.id)
            )
            rows.extend(dict(row._mapping) for row in self.session.execute(stmt))
        return rows

    def late_by_officer(self, cohort: Cohort) -> list[dict[str, Any]]:
        """Late steps of the cohort's dossiers per officer who held them (or group, if nobody)."""
        self._plain()
        where, late = self._late_steps(cohort)
        officer = func.coalesce(T.completed_by, T.assignee)
        groups = q.case_value(officer.is_(None), T.candidate_groups, literal(""))
        stmt = (
            select(
                officer.label("officer"),
                groups.label("groups"),
                T.unit,
                func.count().label("late_steps"),
                func.count(func.distinct(T.case_id)).label("dossiers"),
                q.count(T.state == "open").label("still_open"),
            )
            .join(C, C.id == T.case_id)
            .where(where, late)
            .group_by(officer, groups, T.unit)
            .order_by(func.count().desc(), T.unit, officer)
        )
        return [dict(row._mapping) for row in self.session.execute(stmt)]

    # -- operations (/metrics) -----------------------------------------------------------

    def case_counts(self) -> list[tuple[str, bool, str, int]]:
        """(procedure, completed, SLA state, cases): one index-only scan (ix_case_metrics)."""
        stmt = select(C.procedure_id, C.completed, C.sla_state, func.count()).group_by(
            C.procedure_id, C.completed, C.sla_state
        )
        return [(p, bool(done), s, int(n)) for p, done, s, n in self.session.execute(stmt)]

    def completed_tasks(self) -> list[tuple[str, str | None, int]]:
        """(kind, verdict, tasks) of completed tasks."""
        stmt = (
            select(T.kind, T.verdict, func.count())
            .where(T.state == "completed")
            .group_by(T.kind, T.verdict)
        )
        return [(kind, verdict, int(n)) for kind, verdict, n in self.session.execute(stmt)]

    def event_counts(self, types: list[str]) -> dict[str, int]:
        """Events recorded so far, by type."""
        stmt = (
            select(CaseEventRow.type, func.count())
            .where(CaseEventRow.type.in_(types))
            .group_by(CaseEventRow.type)
        )
        return {t: int(n) for t, n in self.session.execute(stmt)}

    def event_payloads(self, type_: str, since: datetime, limit: int) -> list[dict[str, Any]]:
        """Payloads of the newest events of a type recorded since an instant."""
        stmt = (
            select(CaseEventRow.payload)
            .where(CaseEventRow.type == type_, CaseEventRow.at >= since)
            .order_by(CaseEventRow.at.desc())
            .limit(limit)
        )
        return [dict(p or {}) for p in self.session.scalars(stmt)]


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
