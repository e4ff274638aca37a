"""Use case: what operators watch (/metrics), read from the database at each scrape.

Counts come from the tables every API and worker process writes, so any one API process
reports the whole deployment's totals, exactly, with no shared in-process state; each is one
index-only scan (indexes of migration 0006_reports). Timer lateness is read from the timer
events of the last hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from engine.domain.errors import PermissionDeniedError
from engine.domain.model import Actor
from engine.services.context import Context

METRICS_ROLES = ("operator", "admin", "auditor", "system")
LATENESS_WINDOW = timedelta(hours=1)
EVENT_TYPES = ["timer_fired", "incident", "case_overdue", "case_completed"]


@dataclass(frozen=True)
class OperationsSnapshot:
    """Counts for the Prometheus exposition."""

    cases: list[tuple[str, bool, str, int]]
    tasks: list[tuple[str, str | None, int]]
    events: dict[str, int]
    lateness_seconds: list[float]
    outbox: dict[str, dict[str, int]]


def operations_snapshot(ctx: Context, actor: Actor) -> OperationsSnapshot:
    """Cases by procedure and SLA state, completed tasks, timer events, outbox rows."""
    if not actor.has_role(*METRICS_ROLES):
        raise PermissionDeniedError("metrics need the operator, auditor or admin role")
    since = ctx.clock.now() - LATENESS_WINDOW
    with ctx.reader() as uow:
        cases = uow.reports.case_counts()
        tasks = uow.reports.completed_tasks()
        events = uow.reports.event_counts(EVENT_TYPES)
        recent = uow.reports.event_payloads("timer_fired", since, 10_000)
        outbox = uow.outbox.counts()
    lateness = [
        float(p["lateness_seconds"])
        for p in recent
        if isinstance(p.get("lateness_seconds"), int | float)
    ]
    return OperationsSnapshot(cases, tasks, events, lateness, outbox)
