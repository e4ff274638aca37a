"""Repositories of the message router: subscriptions (who waits for what) and incidents."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.adapters.messaging_rows import IncidentRow, SubscriptionRow
from engine.adapters.rows import CaseRow, ModelVersionRow
from engine.domain.messaging import Incident, IncidentState, Subscription


class SubscriptionRepository:
    """Who waits for which message; rewritten with the case's command."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, case_id: int, subscriptions: list[Subscription]) -> list[Subscription]:
        """The case now waits exactly at these catches; returns the ones it did not wait at."""
        before = {
            (s.element_id, s.name, tuple(sorted(s.correlation.items())))
            for s in self.for_case(case_id)
        }
        self.session.execute(delete(SubscriptionRow).where(SubscriptionRow.case_id == case_id))
        for sub in subscriptions:
            self.session.add(
                SubscriptionRow(
                    case_id=sub.case_id,
                    case_code=sub.case_code,
                    name=sub.name,
                    element_id=sub.element_id,
                    dossier=sub.correlation.get("dossier"),
                    correlation=sub.correlation,
                    created_at=sub.created_at,
                )
            )
        self.session.flush()
        return [
            s
            for s in subscriptions
            if (s.element_id, s.name, tuple(sorted(s.correlation.items()))) not in before
        ]

    def try_lock_case(self, case_id: int) -> bool:
        """Lock a case row unless another transaction holds it (FOR UPDATE SKIP LOCKED).

        The router holds an outbox row when it turns to the target case; a command holding the
        case may be waiting for that outbox row (waking kept messages), so the router must never
        wait for the case: it tries, and comes back later when the case is busy.
        """
        found = self.session.execute(
            select(CaseRow.id).where(CaseRow.id == case_id).with_for_update(skip_locked=True)
        ).first()
        return found is not None

    def candidates(self, name: str, dossier: str | None) -> list[Subscription]:
        """Catches waiting for `name` that the correlation may match (exact check by caller)."""
        conds = [SubscriptionRow.name == name]
        if dossier is not None:
            conds.append((SubscriptionRow.dossier == dossier) | SubscriptionRow.dossier.is_(None))
        rows = self.session.scalars(
            select(SubscriptionRow).where(*conds).order_by(SubscriptionRow.id).limit(1000)
        )
        return [
            Subscription(
                r.case_id, r.case_code, r.name, r.element_id, dict(r.correlation), r.created_at
            )
            for r in rows
        ]

    def procedure_versions(self) -> list[tuple[str, int, str]]:
        """(procedure id, id, content hash) of the newest version of every procedure: where
        message start events are looked up (a case is started on the newest version)."""
        newest = (
            select(ModelVersionRow.procedure_id, func.max(ModelVersionRow.version).label("v"))
            .group_by(ModelVersionRow.procedure_id)
            .subquery()
        )
        rows = self.session.execute(
            select(ModelVersionRow.procedure_id, ModelVersionRow.id, ModelVersionRow.content_hash)
            .join(
                newest,
                (ModelVersionRow.procedure_id == newest.c.procedure_id)
                & (ModelVersionRow.version == newest.c.v),
            )
            .order_by(ModelVersionRow.procedure_id)
        )
        return [(p, int(i), h) for p, i, h in rows]

    def for_case(self, case_id: int) -> list[Subscription]:
        """The catches a case waits at."""
        rows = self.session.scalars(
            select(SubscriptionRow)
            .where(SubscriptionRow.case_id == case_id)
            .order_by(SubscriptionRow.id)
        )
        return [
            Subscription(
                r.case_id, r.case_code, r.name, r.element_id, dict(r.correlation), r.created_at
            )
            for r in rows
        ]


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        kind=row.kind,
        state=IncidentState(row.state),
        outbox_id=row.outbox_id,
        name=row.name,
        channel=row.channel,
        case_code=row.case_code,
        error=row.error,
        attempts=row.attempts,
        detail=dict(row.detail or {}),
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
    )


class IncidentRepository:
    """Incidents operators see and retry."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, incident: Incident) -> Incident:
        """Insert an incident; sets its id."""
        row = IncidentRow(
            kind=incident.kind,
            state=incident.state.value,
            outbox_id=incident.outbox_id,
            name=incident.name,
            channel=incident.channel,
            case_code=incident.case_code,
            error=incident.error,
            attempts=incident.attempts,
            detail=incident.detail,
            created_at=incident.created_at,
            resolved_at=incident.resolved_at,
            resolved_by=incident.resolved_by,
        )
        self.session.add(row)
        self.session.flush()
        incident.id = row.id
        return incident

    def get(self, incident_id: int, *, lock: bool = False) -> Incident | None:
        """An incident by id."""
        stmt = select(IncidentRow).where(IncidentRow.id == incident_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt.execution_options(populate_existing=True)).first()
        return _incident(row) if row else None

    def update(self, incident: Incident) -> None:
        """Write an incident's state."""
        self.session.execute(
            update(IncidentRow)
            .where(IncidentRow.id == incident.id)
            .values(
                state=incident.state.value,
                resolved_at=incident.resolved_at,
                resolved_by=incident.resolved_by,
            )
            .execution_options(synchronize_session=False)
        )

    def search(self, state: str | None, offset: int, limit: int) -> tuple[list[Incident], int]:
        """Incidents (of one state, or all), oldest first, with the total count."""
        conds = [IncidentRow.state == state] if state else []
        total = self.session.scalar(select(func.count()).select_from(IncidentRow).where(*conds))
        rows = self.session.scalars(
            select(IncidentRow).where(*conds).order_by(IncidentRow.id).offset(offset).limit(limit)
        )
        return [_incident(r) for r in rows], int(total or 0)
