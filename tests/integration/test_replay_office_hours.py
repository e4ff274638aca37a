"""Replay counts with the office hours each command counted with.

An operator may change a unit's office hours (MOTCUA_OFFICE_HOURS) while its dossiers run: the
receipt records the hours in force, a later command that counted with other hours records
office_hours_in_force, and replay pins them, so the replayed appointment is the recorded one.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest

from engine.calendar import OfficeHours, office_hours_to_dict
from engine.domain.model import Actor
from engine.services import cases, tasks
from engine.services.replay import ReplayRun, load_recorded, replay
from features.samples import application, task_data

UNIT = "UBND-TEST"
OFFICER = Actor(
    "mc.lan", frozenset({"officer", "counter", "civil_status", "leader"}), frozenset({UNIT})
)
# The ward opens half an hour later and closes half an hour later (a decision of its own).
LATER = OfficeHours(periods=((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))))


def _complete(ctx: Any, code: str, key: str) -> None:
    ctx.clock.advance(timedelta(minutes=10))
    task = cases.get_case(ctx, OFFICER, code).open_tasks[0]
    tasks.complete_task(ctx, OFFICER, task.id, task_data(key))


def _run_with_changed_hours(ctx: Any) -> str:
    """Receive with the default hours, accept under LATER, go on with the default again."""
    code = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application()).case.code
    ctx.unit_calendars[UNIT] = ctx.calendar.with_hours(LATER)  # the operator's new file
    _complete(ctx, code, "counter_check/complete")
    del ctx.unit_calendars[UNIT]  # and back
    _complete(ctx, code, "civil_status_record/approved")
    return code


def test_the_hours_in_force_are_recorded_with_the_commands_that_used_them(ctx: Any) -> None:
    code = _run_with_changed_hours(ctx)
    _, events = cases.case_history(ctx, OFFICER, code)
    default = {UNIT: office_hours_to_dict(OfficeHours())}
    assert events[0].payload["office_hours"] == default
    noted = [e.payload for e in events if e.type == "office_hours_in_force"]
    later = {UNIT: office_hours_to_dict(LATER)}
    assert noted == [{"hours": later, "previous": default}, {"hours": default, "previous": later}]
    # Accepted under LATER: the appointment ends at LATER's closing time.
    appointment = cases.get_case(ctx, OFFICER, code).case.appointment_at
    assert appointment is not None and appointment.astimezone(LATER.tz).time() == time(17, 30)


def test_replay_counts_with_the_recorded_hours(ctx: Any) -> None:
    code = _run_with_changed_hours(ctx)
    recorded = cases.get_case(ctx, OFFICER, code).case
    result = replay(ctx, load_recorded(ctx, recorded))
    assert result.matched, result.divergence
    assert result.replayed is not None
    assert result.replayed.appointment_at == recorded.appointment_at


def test_without_the_recorded_hours_the_replay_diverges(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _run_with_changed_hours(ctx)
    monkeypatch.setattr(ReplayRun, "pin_office_hours", lambda self, hours: None)
    result = replay(ctx, load_recorded(ctx, cases.get_case(ctx, OFFICER, code).case))
    assert not result.matched
