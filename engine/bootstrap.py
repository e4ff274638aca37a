"""The composition root: wires database, clock, calendar and catalog into one Context."""

from __future__ import annotations

from pathlib import Path

from engine.adapters.database import make_engine, make_session_factory, upgrade
from engine.adapters.unit_of_work import SqlUnitOfWork
from engine.calendar import WorkingCalendar, default_calendar
from engine.domain.clock import Clock, SystemClock
from engine.domain.model import SYSTEM_ACTOR
from engine.services.bundles import read_bundle
from engine.services.context import Context
from engine.services.models import DeployResult, deploy_bundle
from engine.settings import Settings


def build_context(
    settings: Settings, clock: Clock | None = None, calendar: WorkingCalendar | None = None
) -> Context:
    """A Context over the configured database (tables must exist: see migrate())."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    ctx = Context(
        uow=lambda: SqlUnitOfWork(factory),
        clock=clock or SystemClock(),
        calendar=calendar or default_calendar(),
    )
    ctx.read_uow = lambda: SqlUnitOfWork(factory, readonly=True)
    ctx.db_engine = engine
    return ctx


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest migration."""
    upgrade(settings.database_url)


def deploy_folder(ctx: Context, root: Path) -> list[tuple[str, DeployResult]]:
    """Deploy every procedure folder under root (a folder holding procedure.json)."""
    results = []
    for meta in sorted(root.glob("*/procedure.json")):
        results.append(
            (meta.parent.name, deploy_bundle(ctx, SYSTEM_ACTOR, read_bundle(meta.parent)))
        )
    return results
