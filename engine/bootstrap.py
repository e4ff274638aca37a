"""The composition root: wires database, clock, calendar and catalog into one Context."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from engine.adapters.database import make_engine, make_session_factory, upgrade
from engine.adapters.http_transport import UrllibTransport
from engine.adapters.memory_store import MemoryStore
from engine.adapters.unit_of_work import SqlUnitOfWork
from engine.calendar import Calendar, OfficeHours, office_hours_from_dict, parse_limit
from engine.domain.clock import Clock, SystemClock
from engine.domain.model import SYSTEM_ACTOR
from engine.domain.units import UnitDirectory, directory_from_dict
from engine.services.bundles import read_bundle
from engine.services.calendar import live_calendar, seed_known_overrides
from engine.services.connectors import builtin_connectors
from engine.services.context import Context
from engine.services.messaging.config import MessagingConfig
from engine.services.models import DeployResult, deploy_bundle
from engine.settings import Settings


def build_context(
    settings: Settings, clock: Clock | None = None, calendar: Calendar | None = None
) -> Context:
    """A Context over the configured database (tables must exist: see migrate()).

    Without `calendar`, ctx.calendar is the effective calendar: public holidays plus the
    database's override table, rebuilt when the table changes (engine.calendar.LiveCalendar).
    """
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)

    def reader() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory, readonly=True)

    ctx = Context(
        uow=lambda: SqlUnitOfWork(factory),
        clock=clock or SystemClock(),
        calendar=calendar or live_calendar(reader),
    )
    ctx.read_uow = reader
    ctx.sla_warn_share = settings.sla_warn_share
    ctx.digest_at = settings.digest_time
    if settings.office_hours_file is not None and calendar is None:
        ctx.unit_calendars = {
            unit: live_calendar(reader, hours)
            for unit, hours in unit_office_hours(settings.office_hours_file).items()
        }
    if settings.units_file is not None:
        ctx.units = unit_directory(settings.units_file)
    ctx.db_engine = engine
    ctx.scratch = MemoryStore
    ctx.messaging = messaging_config(settings)
    # Side-effecting connectors (a notification through the outbox) go in `extra` once
    # engine.services.messaging offers them; the built-ins are pure.
    ctx.connectors = builtin_connectors(ctx.calendar)
    return ctx


def unit_office_hours(path: Path) -> dict[str, OfficeHours]:
    """Office hours of the agencies that differ from the default, from a JSON file."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"MOTCUA_OFFICE_HOURS: cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise RuntimeError(f"MOTCUA_OFFICE_HOURS: {path} must map unit codes to office hours")
    try:
        return {
            unit: office_hours_from_dict(value, f"{path}: {unit}") for unit, value in raw.items()
        }
    except ValueError as exc:
        raise RuntimeError(f"MOTCUA_OFFICE_HOURS: {exc}") from exc


def unit_directory(path: Path) -> UnitDirectory:
    """The unit directory (provinces, province-wide counters) from a JSON file."""
    try:
        return directory_from_dict(json.loads(path.read_text("utf-8")), str(path))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"MOTCUA_UNITS_FILE: {exc}") from exc


def messaging_config(settings: Settings) -> MessagingConfig:
    """Portal sync, webhooks and retries from the settings, over the standard HTTP client."""
    return MessagingConfig(
        message_ttl=timedelta(hours=settings.message_ttl_hours),
        webhooks=dict(settings.webhooks or {}),
        portal_url=settings.portal_url,
        signing_key=settings.webhook_secret or settings.secret_key,
        max_attempts=settings.outbox_max_attempts,
        handoff_ack=handoff_allotment(settings.handoff_ack_allotment),
        transport=UrllibTransport(),
    )


def handoff_allotment(text: str) -> str | None:
    """MOTCUA_HANDOFF_ACK_ALLOTMENT: a working time such as 2WH or 0.5WD; off/none/0: no rule."""
    if text.strip().lower() in ("", "off", "none", "0"):
        return None
    try:
        parse_limit(text)
    except ValueError as exc:
        raise RuntimeError(f"MOTCUA_HANDOFF_ACK_ALLOTMENT: {exc}") from exc
    return text.strip()


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest migration, then add newly shipped overrides."""
    upgrade(settings.database_url)
    ctx = build_context(settings)
    try:
        seed_known_overrides(ctx)
    finally:
        ctx.db_engine.dispose()


def deploy_folder(ctx: Context, root: Path) -> list[tuple[str, DeployResult]]:
    """Deploy every procedure folder under root (a folder holding procedure.json)."""
    results = []
    for meta in sorted(root.glob("*/procedure.json")):
        results.append(
            (meta.parent.name, deploy_bundle(ctx, SYSTEM_ACTOR, read_bundle(meta.parent)))
        )
    return results
