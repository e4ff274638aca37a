"""Quartz cron timer cycles (Camunda Modeler's `0 0/5 * * * ?`) on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import default_calendar
from engine.domain.clock import FakeClock
from engine.runtime.compiler import compile_process
from engine.runtime.cron import CronError, next_fire, to_croniter
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.timekeeping import RuntimeEnv
from tests.unit.runtime.bpmn_samples import doc, flow

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _boundary_cycle(cycle: str) -> bytes:
    """An officer's task nudged by a non-interrupting cron cycle."""
    return doc(
        '<bpmn:startEvent id="s"/>'
        + flow("s", "work", "f1")
        + '<bpmn:userTask id="work"/>'
        + flow("work", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
        + '<bpmn:boundaryEvent id="nudge" attachedToRef="work" cancelActivity="false">'
        f"<bpmn:timerEventDefinition><bpmn:timeCycle>{cycle}</bpmn:timeCycle>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        + flow("nudge", "nudged", "f3")
        + '<bpmn:endEvent id="nudged"/>'
    )


def _start_cycle(cycle: str) -> bytes:
    """A process started by a timer cycle, with one officer's task."""
    return doc(
        '<bpmn:startEvent id="s"><bpmn:timerEventDefinition>'
        f"<bpmn:timeCycle>{cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>"
        "</bpmn:startEvent>"
        + flow("s", "work", "f1")
        + '<bpmn:userTask id="work"/>'
        + flow("work", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )


def _model(xml: bytes) -> LoadedModel:
    compiled, problems = compile_process({"m.bpmn": xml}, "p")
    assert compiled is not None, problems
    return LoadedModel.from_json("t", compiled.spec_json, compiled.elements)


def _errors(xml: bytes) -> list[str]:
    _, problems = compile_process({"m.bpmn": xml}, "p")
    return [str(p) for p in problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("quartz", "croniter_form"),
    [
        ("0/5 0/1 * 1/1 * ?", "0/5 0/1 * 1/1 * *"),
        ("0 0 12 ? * MON-FRI", "0 0 12 * * MON-FRI"),
        ("0 30 8 1 JAN,JUL ? 2026", "0 30 8 1 JAN,JUL * 2026"),
        ("0 0 9 ? * WED", "0 0 9 * * WED"),
    ],
)
def test_quartz_cron_reads_as_croniter_seconds_first(quartz: str, croniter_form: str) -> None:
    assert to_croniter(quartz) == croniter_form


@pytest.mark.parametrize(
    ("quartz", "why"),
    [
        ("0 0 12 L * ?", "L, W or #"),
        ("0 0 12 15W * ?", "L, W or #"),
        ("0 0 12 ? * 6#3", "L, W or #"),
        ("0 0 12 ? * 2-6", "numbers the day of the week"),
        ("0 12 * * *", "has 5 fields"),
        ("0 0 25 * * ?", "not a valid cron expression"),
    ],
)
def test_quartz_features_croniter_reads_otherwise_are_refused_naming_the_expression(
    quartz: str, why: str
) -> None:
    with pytest.raises(CronError, match=why) as caught:
        to_croniter(quartz)
    assert f"'{quartz}'" in str(caught.value)


def test_cron_fields_are_vietnam_time_whatever_the_server_zone() -> None:
    after = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi
    assert next_fire("0 0 9 * * ?", after) == datetime(2025, 3, 3, 9, 0, tzinfo=VN)


def test_a_cron_cycle_on_a_task_fires_at_each_instant_across_save_and_restore() -> None:
    clock = FakeClock(datetime(2025, 3, 4, 8, 50, tzinfo=VN))
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(_boundary_cycle("0 0/15 9-17 ? * MON-FRI"))
    state = Instance.start(model, {}, env).dump()
    seen = []
    for _ in range(3):
        instance = Instance.load(model, state, env)
        due = instance.next_due_at()
        assert due is not None
        seen.append(due)
        clock.set(due)  # a timer is due at its instant
        instance = Instance.load(model, state, env)
        instance.run()
        state = instance.dump()
    assert seen == [datetime(2025, 3, 4, h, m, tzinfo=VN) for h, m in ((9, 0), (9, 15), (9, 30))]
    assert Instance.load(model, state, env).next_due_at() == datetime(2025, 3, 4, 9, 45, tzinfo=VN)


def test_a_cron_start_event_starts_the_case_once_at_its_next_instant() -> None:
    clock = FakeClock(datetime(2025, 3, 4, 8, 50, tzinfo=VN))
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(_start_cycle("0 0 9 * * ?"))
    instance = Instance.start(model, {}, env)
    assert instance.ready_human_tasks() == []
    assert instance.next_due_at() == datetime(2025, 3, 4, 9, 0, tzinfo=VN)
    state = instance.dump()
    for day in range(3):  # later instants start other cases, not more work in this one
        clock.set(datetime(2025, 3, 4 + day, 9, 0, 1, tzinfo=VN))
        instance = Instance.load(model, state, env)
        instance.run()
        state = instance.dump()
    assert [t.element_id for t in instance.ready_human_tasks()] == ["work"]
    assert instance.next_due_at() is None
    instance.complete_human_task(instance.ready_human_tasks()[0].id, {})
    assert instance.is_completed()


def test_an_iso_cycle_on_the_start_event_also_starts_the_case_once() -> None:
    clock = FakeClock(datetime(2025, 3, 4, 8, 50, tzinfo=VN))
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(_start_cycle("R/PT1H"))
    state = Instance.start(model, {}, env).dump()
    for hour in range(1, 4):
        clock.set(datetime(2025, 3, 4, 8, 50, tzinfo=VN) + timedelta(hours=hour))
        instance = Instance.load(model, state, env)
        instance.run()
        state = instance.dump()
    assert [t.element_id for t in instance.ready_human_tasks()] == ["work"]
    assert instance.next_due_at() is None


def test_a_cron_cycle_deploys_and_an_unsupported_one_is_refused_naming_it() -> None:
    assert _errors(_boundary_cycle("0 0/5 * * * ?")) == []
    errors = _errors(_boundary_cycle("0 0 12 L * ?"))
    assert any("'0 0 12 L * ?'" in e and "[nudge]" in e for e in errors), errors
