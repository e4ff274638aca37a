"""Timer kinds as modellers write them, on an injected clock (no database, no sleeping)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import default_calendar
from engine.domain.clock import FakeClock
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.timekeeping import RuntimeEnv

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://motcua.vn/t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
"""
TAIL = b"""  </bpmn:process>
</bpmn:definitions>"""

# An officer's task with an interrupting one-day boundary timer that cancels it.
INTERRUPTING = (
    HEAD
    + b"""
    <bpmn:userTask id="decide"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="expire" attachedToRef="decide">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="escalated"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="late"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="expire" targetRef="escalated"/>
    <bpmn:sequenceFlow id="f4" sourceRef="escalated" targetRef="late"/>
"""
    + TAIL
)

# A task with a non-interrupting cycle (every hour, three times) and a date timer after it.
CYCLE_AND_DATE = (
    HEAD
    + b"""
    <bpmn:userTask id="work"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="nudge" attachedToRef="work" cancelActivity="false">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="nudged"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:intermediateCatchEvent id="publication_day"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition>
        <bpmn:timeDate>2025-03-10T08:00:00+07:00</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="publish"><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="publication_day"/>
    <bpmn:sequenceFlow id="f3" sourceRef="nudge" targetRef="nudged"/>
    <bpmn:sequenceFlow id="f4" sourceRef="publication_day" targetRef="publish"/>
    <bpmn:sequenceFlow id="f5" sourceRef="publish" targetRef="done"/>
"""
    + TAIL
)


def _model(xml: bytes) -> LoadedModel:
    compiled, problems = compile_process({"p.bpmn": xml}, "p")
    assert compiled is not None, problems
    return LoadedModel.from_json("t", compiled.spec_json, compiled.elements)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 4, 9, 0, tzinfo=VN))


def _tick(model: LoadedModel, state: str, env: RuntimeEnv) -> tuple[str, set[str]]:
    instance = Instance.load(model, state, env)
    instance.run()
    return instance.dump(), {t.element_id for t in instance.ready_human_tasks()}


def test_an_interrupting_boundary_timer_cancels_the_task_on_the_injected_clock(
    clock: FakeClock,
) -> None:
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(INTERRUPTING)
    instance = Instance.start(model, {}, env)
    assert instance.next_due_at() == clock.now() + timedelta(days=1)
    state = instance.dump()
    clock.advance(timedelta(hours=23, minutes=59))
    state, ready = _tick(model, state, env)
    assert ready == {"decide"}
    clock.advance(timedelta(minutes=2))
    state, ready = _tick(model, state, env)
    assert ready == {"escalated"}


def test_a_cycle_fires_each_occurrence_and_a_date_timer_waits_for_its_date(
    clock: FakeClock,
) -> None:
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(CYCLE_AND_DATE)
    instance = Instance.start(model, {}, env)
    state = instance.dump()
    start = clock.now()
    assert instance.next_due_at() == start + timedelta(hours=1)
    upcoming = []
    for k in range(1, 4):  # each occurrence fires once and the next one is an hour later
        clock.set(start + timedelta(hours=k, seconds=1))
        instance = Instance.load(model, state, env)
        instance.run()
        upcoming.append(instance.next_due_at())
        state = instance.dump()
    assert upcoming == [start + timedelta(hours=2), start + timedelta(hours=3), None]
    instance = Instance.load(model, state, env)
    [work] = instance.ready_human_tasks()
    instance.complete_human_task(work.id, {})
    assert instance.next_due_at() == datetime(2025, 3, 10, 8, 0, tzinfo=VN)
    state = instance.dump()
    clock.set(datetime(2025, 3, 10, 7, 59, tzinfo=VN))
    state, ready = _tick(model, state, env)
    assert ready == set()
    clock.set(datetime(2025, 3, 10, 8, 0, 1, tzinfo=VN))
    state, ready = _tick(model, state, env)
    assert ready == {"publish"}


def test_working_days_in_a_timer_skip_the_weekend(clock: FakeClock) -> None:
    clock.set(datetime(2025, 3, 7, 15, 0, tzinfo=VN))  # a Friday afternoon
    env = RuntimeEnv(now=clock.now, calendar=default_calendar())
    model = _model(INTERRUPTING.replace(b"P1D", b"working_days(1)"))
    instance = Instance.start(model, {}, env)
    # 2 office hours left on Friday, 6 more on Monday: due Monday 15:00.
    assert instance.next_due_at() == datetime(2025, 3, 10, 15, 0, tzinfo=VN)
