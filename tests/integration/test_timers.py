"""Timers on the injected clock, fired by the worker exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.adapters.repository import Page
from engine.bootstrap import build_context
from engine.domain.model import Actor
from engine.services import cases, tasks
from engine.services.bundles import read_bundle
from engine.services.models import deploy_bundle
from engine.worker import run_once

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATA = Path(__file__).parent / "data"
UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "leader"}), frozenset({UNIT}))
ADMIN = Actor("admin", frozenset({"admin"}), frozenset())
APPLICANT = {"full_name": "Phạm Văn Test"}


@pytest.fixture
def timer_ctx(settings: Any, clock: Any) -> Iterator[Any]:
    """A context with only the timer demo deployed."""
    context = build_context(settings, clock=clock)
    deploy_bundle(context, ADMIN, read_bundle(DATA / "timer_demo"))
    yield context
    context.db_engine.dispose()


def _open(ctx: Any, code: str) -> dict[str, str]:
    items, _ = tasks.list_tasks(ctx, OFFICER, "units", {"case_code": code}, Page(1, 50))
    return {t.element_id: t.id for t in items}


def _events(ctx: Any, code: str, kind: str) -> list[Any]:
    _, events = cases.case_history(ctx, OFFICER, code)
    return [e for e in events if e.type == kind]


def test_a_working_hours_boundary_timer_fires_after_office_time_not_wall_time(
    timer_ctx: Any, clock: Any
) -> None:
    # Friday 16:00: two working hours end at Monday 08:30 (17:00 closes Friday, 07:30 opens Monday).
    clock.set(datetime(2025, 3, 7, 16, 0, tzinfo=VN))
    code = cases.start_case(timer_ctx, OFFICER, "timer_demo", 1, UNIT, {}, APPLICANT).case.code
    clock.set(datetime(2025, 3, 10, 8, 29, tzinfo=VN))
    run_once(timer_ctx)
    assert "leader_reminder" not in _open(timer_ctx, code)
    clock.set(datetime(2025, 3, 10, 8, 30, 30, tzinfo=VN))
    run_once(timer_ctx)
    open_tasks = _open(timer_ctx, code)
    assert {"review", "leader_reminder"} <= set(open_tasks)  # non-interrupting: review stays
    [fired] = _events(timer_ctx, code, "timer_fired")
    assert fired.payload["element_id"] == "remind"
    assert datetime.fromisoformat(fired.payload["due_at"]) == datetime(
        2025, 3, 10, 8, 30, tzinfo=VN
    )
    assert fired.payload["lateness_seconds"] == 30
    run_once(timer_ctx)  # nothing more is due: no second firing
    assert len(_events(timer_ctx, code, "timer_fired")) == 1


def test_an_unquoted_iso_duration_counts_calendar_time(timer_ctx: Any, clock: Any) -> None:
    clock.set(datetime(2025, 3, 4, 9, 0, tzinfo=VN))
    code = cases.start_case(timer_ctx, OFFICER, "timer_demo", 1, UNIT, {}, APPLICANT).case.code
    tasks.complete_task(timer_ctx, OFFICER, _open(timer_ctx, code)["review"], {})
    clock.advance(timedelta(hours=1, minutes=59))
    run_once(timer_ctx)
    assert "finish" not in _open(timer_ctx, code)
    clock.advance(timedelta(minutes=2))
    assert run_once(timer_ctx) == 1
    assert "finish" in _open(timer_ctx, code)
    view = cases.get_case(timer_ctx, OFFICER, code)
    assert view.case.next_due_at is None or view.case.next_due_at > clock.now()


def test_a_case_whose_timer_fails_becomes_an_incident_and_the_others_fire(
    timer_ctx: Any, clock: Any
) -> None:
    clock.set(datetime(2025, 3, 4, 9, 0, tzinfo=VN))
    good = cases.start_case(timer_ctx, OFFICER, "timer_demo", 1, UNIT, {}, APPLICANT).case.code
    bad = cases.start_case(timer_ctx, OFFICER, "timer_demo", 1, UNIT, {}, APPLICANT).case.code
    with timer_ctx.uow() as uow:  # a state nobody can load: the case must not stop the worker
        case = uow.cases.get_by_code(bad, lock=True)
        case.state = '{"broken": true}'
        uow.cases.save(case)
        uow.commit()
    clock.set(datetime(2025, 3, 4, 11, 1, tzinfo=VN))
    run_once(timer_ctx)
    assert "leader_reminder" in _open(timer_ctx, good)
    [incident] = _events(timer_ctx, bad, "incident")
    assert incident.payload["attempt"] == 1
    retry = datetime.fromisoformat(incident.payload["retry_at"])
    assert retry == clock.now() + timedelta(minutes=5)
    run_once(timer_ctx)  # not retried before its time
    assert len(_events(timer_ctx, bad, "incident")) == 1
