"""Replay counts working time with the calendar each recorded command counted with.

An admin may declare an extra day off (or withdraw one) while dossiers run; the appointments
computed meanwhile stand, and a replay made later, under today's table, must reach them again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from engine.domain.model import Actor
from engine.services import calendar, cases, tasks
from engine.services.replay import load_recorded, replay
from features.samples import application, task_data

UNIT = "UBND-TEST"
OFFICER = Actor(
    "mc.lan", frozenset({"officer", "counter", "civil_status", "leader"}), frozenset({UNIT})
)
ADMIN = Actor("qt.an", frozenset({"admin"}), frozenset())
TUESDAY = date(2025, 3, 4)  # the fixture clock's day: the dossier is received at 09:00


@pytest.fixture
def overrides(ctx: Any) -> Iterator[None]:
    yield
    # PostgreSQL tests share one schema: drop what a test stored, keep the seeded versions.
    with ctx.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE changed_by <> 'system'"))


def _complete(ctx: Any, code: str, key: str) -> None:
    ctx.clock.advance(timedelta(minutes=10))
    task = cases.get_case(ctx, OFFICER, code).open_tasks[0]
    tasks.claim_task(ctx, OFFICER, task.id)
    tasks.complete_task(ctx, OFFICER, task.id, task_data(key))


def _events(ctx: Any, code: str, kind: str) -> list[Any]:
    _, events = cases.case_history(ctx, OFFICER, code)
    return [e for e in events if e.type == kind]


def test_an_override_withdrawn_since_does_not_move_the_replayed_appointment(
    ctx: Any, overrides: None
) -> None:
    code = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application()).case.code
    [receipt] = _events(ctx, code, "case_received")
    seeded = receipt.payload["calendar_version"]

    # A storm: the day of receipt is declared off before the dossier is accepted.
    day_off = calendar.set_override(ctx, ADMIN, TUESDAY, "off", "Bão (ví dụ)", "CĐ 01 (ví dụ)")
    _complete(ctx, code, "counter_check/complete")
    appointment = cases.get_case(ctx, OFFICER, code).case.appointment_at
    assert appointment == datetime.fromisoformat("2025-03-05T17:00:00+07:00")  # not today

    calendar.withdraw_override(ctx, ADMIN, TUESDAY, "Bão đã tan")
    _complete(ctx, code, "civil_status_record/approved")

    noted = [e.payload for e in _events(ctx, code, "calendar_in_force")]
    assert noted == [
        {"version": day_off.version.version, "previous": seeded},
        {"version": day_off.version.version + 1, "previous": day_off.version.version},
    ]
    result = replay(ctx, load_recorded(ctx, cases.get_case(ctx, OFFICER, code).case))
    assert result.matched, result.divergence
    assert result.replayed is not None and result.replayed.appointment_at == appointment
