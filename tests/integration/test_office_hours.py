"""Agencies with their own office hours get appointments counted in their hours."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.adapters.repository import Page
from engine.bootstrap import build_context, deploy_folder
from engine.domain.model import Actor
from engine.services import cases, tasks
from features.samples import application, task_data

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BPMN = Path(__file__).resolve().parents[2] / "bpmn"
WARD = "UBND-PHUONG-LATE"  # opens 08:00-12:00 and 13:30-17:30, receives until 16:30
COMMUNE = "UBND-PHUCXA"  # the default 07:30-11:30, 13:00-17:00, 15:00 cut-off


@pytest.fixture
def ctx(settings: Any, clock: Any, tmp_path: Path) -> Any:
    hours = tmp_path / "office_hours.json"
    hours.write_text(
        json.dumps({WARD: {"periods": [["08:00", "12:00"], ["13:30", "17:30"]], "cutoff": "16:30"}})
    )
    context = build_context(dataclasses.replace(settings, office_hours_file=hours), clock=clock)
    deploy_folder(context, BPMN)
    yield context
    context.db_engine.dispose()


def _accept(ctx: Any, unit: str) -> datetime:
    actor = Actor("mc.lan", frozenset({"officer", "counter"}), frozenset({unit}))
    code = cases.start_case(ctx, actor, "birth_registration", 1, unit, application()).case.code
    items, _ = tasks.list_tasks(ctx, actor, "units", {"case_code": code}, Page(1, 5))
    tasks.claim_task(ctx, actor, items[0].id)
    tasks.complete_task(ctx, actor, items[0].id, task_data("counter_check/complete"))
    appointment = cases.get_case(ctx, actor, code).case.appointment_at
    assert appointment is not None
    return appointment.astimezone(VN)


def test_a_ward_receiving_until_16_30_returns_the_same_day(ctx: Any, clock: Any) -> None:
    clock.set(datetime(2025, 3, 4, 16, 0, tzinfo=VN))  # Tuesday 16:00
    assert _accept(ctx, WARD) == datetime(2025, 3, 4, 17, 30, tzinfo=VN)
    assert _accept(ctx, COMMUNE) == datetime(2025, 3, 5, 17, 0, tzinfo=VN)  # after 15:00
