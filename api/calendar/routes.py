"""Routes of the calendar resource: due dates, years, and the override table (admin writes)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_smorest import Blueprint, abort

from api.auth import ANYONE, allow, current_actor
from api.calendar import WEEKDAYS
from api.calendar.schemas import (
    FIRST_DAY,
    LAST_DAY,
    AppointmentSchema,
    CalendarErrorSchema,
    DueQuerySchema,
    NewOverrideSchema,
    OverrideListSchema,
    OverrideQuerySchema,
    OverrideSchema,
    WithdrawArgsSchema,
    YearSchema,
)
from api.context import engine_context
from api.views import iso
from engine.calendar import DayInfo, OverrideVersion
from engine.services import calendar
from engine.services.access import ADMIN

blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/calendar",
    description="Working calendar: holidays, make-up days, appointments",
)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_json(info: DayInfo) -> dict[str, Any]:
    """A day of the year listing."""
    return {
        "day": info.day.isoformat(),
        "weekday": WEEKDAYS[info.day.weekday()],
        "kind": info.kind,
        "reason": info.reason,
        "legal_ref": info.legal_ref,
    }


def override_json(version: OverrideVersion) -> dict[str, Any]:
    """A version of the override table."""
    return {
        "version": version.version,
        "day": version.day.isoformat(),
        "kind": version.kind,
        "reason": version.reason,
        "legal_ref": version.legal_ref,
        "changed_by": version.changed_by,
        "changed_at": iso(version.changed_at),
        "supersedes": version.supersedes,
    }


@blp.route("/due", methods=["GET"])
@allow(ANYONE)
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, AppointmentSchema)
def due(args: dict[str, Any]) -> dict[str, Any]:
    """The appointment for a dossier received at a time, with a time limit (3WD, 4WH, SD)."""
    current_actor()
    ctx = engine_context()
    found = calendar.compute_due(ctx, args.get("received") or ctx.clock.now(), args["limit"])
    return {
        "received": iso(found.received),
        "limit": str(found.limit),
        "counting_start": iso(found.counting_start),
        "due": iso(found.due),
        "working_hours": format(found.working_hours.normalize(), "f"),
    }


@blp.route("/<int:year>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, YearSchema)
@blp.alt_response(422, schema=CalendarErrorSchema, description="a year outside 2000-2099")
def show_year(year: int) -> dict[str, Any]:
    """A year's weekdays off (holidays, extra days off) and make-up working days, with reasons."""
    current_actor()
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        abort(422, messages={"year": [f"the calendar covers {FIRST_DAY.year}-{LAST_DAY.year}"]})
    found = calendar.year_calendar(engine_context(), year)
    return {
        "year": found.year,
        "non_working_days": [day_json(d) for d in found.non_working_days],
        "make_up_working_days": [day_json(d) for d in found.make_up_working_days],
    }


@blp.route("/overrides", methods=["GET"])
@allow(ANYONE)
@blp.arguments(OverrideQuerySchema, location="query")
@blp.response(200, OverrideListSchema)
def list_overrides(args: dict[str, Any]) -> dict[str, Any]:
    """Extra days off and make-up working days in force (or every version, with history)."""
    current_actor()
    found = calendar.list_overrides(
        engine_context(), year=args.get("year"), history=args["history"]
    )
    return {"items": [override_json(v) for v in found]}


@blp.route("/overrides", methods=["POST"])
@allow(ADMIN)
@blp.arguments(NewOverrideSchema)
@blp.response(201, OverrideSchema, description="stored as a new version")
@blp.alt_response(200, schema=OverrideSchema, description="already in force; nothing stored")
@blp.alt_response(403, schema=CalendarErrorSchema, description="the caller is not an admin")
@blp.alt_response(
    409, schema=CalendarErrorSchema, description="the day is already so without override"
)
def add_override(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Declare an extra day off or a make-up working day (admin only)."""
    change = calendar.set_override(
        engine_context(),
        current_actor(),
        body["day"],
        body["kind"],
        body["reason"],
        body["legal_ref"],
    )
    return override_json(change.version), 201 if change.created else 200


@blp.route("/overrides/<string:day>", methods=["DELETE"])
@allow(ADMIN)
@blp.arguments(WithdrawArgsSchema, location="query")
@blp.response(200, OverrideSchema, description="the withdrawal, stored as a new version")
@blp.alt_response(403, schema=CalendarErrorSchema, description="the caller is not an admin")
@blp.alt_response(404, schema=CalendarErrorSchema, description="no override in force on that day")
def withdraw_override(args: dict[str, Any], day: str) -> dict[str, Any]:
    """Withdraw the override of a day, with a reason (admin only); its history is kept."""
    actor = current_actor()
    withdrawn = calendar.withdraw_override(
        engine_context(), actor, _path_day(day), args["reason"], args["legal_ref"]
    )
    return override_json(withdrawn)


def _path_day(text: str) -> date:
    try:
        if _DAY.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    abort(422, messages={"day": [f"{text!r} is not a date: write YYYY-MM-DD"]})
    raise AssertionError("unreachable")  # pragma: no cover
