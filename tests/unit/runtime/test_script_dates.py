"""Model code computes with dates on the case clock, in Vietnamese time, and keeps them as text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.domain.clock import FakeClock
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.script_dates import iso_duration
from engine.runtime.scripting import ScriptError, make_script_engine
from engine.runtime.timekeeping import RuntimeEnv
from tests.unit.runtime.bpmn_samples import doc, flow

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# 01:02:03 UTC is 08:02:03 in Hanoi.
NOW = datetime(2026, 12, 6, 1, 2, 3, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def run(clock: FakeClock) -> Iterator[Any]:
    """run(script, data) -> the data the script leaves, on the fake clock."""
    env = RuntimeEnv(now=clock.now)
    sandbox = make_script_engine(env.helpers()).environment

    def execute(script: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        context = dict(data or {})
        sandbox.execute(script, context)
        return context

    with env.active():
        yield execute


@pytest.fixture
def new_york_host() -> Iterator[None]:
    """The host's zone is New York, as a misconfigured server's would be."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "America/New_York")
        time.tzset()
        yield
    time.tzset()


def test_now_today_utcnow_and_time_read_the_case_clock_not_the_wall_clock(run: Any) -> None:
    data = run(
        "local = datetime.now()\n"
        "stamp = datetime.datetime.utcnow().timestamp()\n"
        "seconds = time.time()\n"
        "day = date.today()\n"
        "aware = datetime.now(timezone.utc)"
    )
    assert data["local"] == "2026-12-06T08:02:03"  # Vietnamese wall time
    assert data["stamp"] == data["seconds"] == NOW.timestamp()
    assert data["day"] == "2026-12-06"
    assert data["aware"] == "2026-12-06T01:02:03+00:00"


def test_the_day_changes_at_midnight_in_hanoi_not_at_midnight_utc(
    run: Any, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 6, 17, 30, tzinfo=UTC))  # 00:30 on the 7th in Hanoi
    assert run("day = date.today()")["day"] == "2026-12-07"


def test_naive_times_are_vietnamese_time_whatever_the_host_zone(
    run: Any, new_york_host: None
) -> None:
    data = run(
        "stamp = datetime.fromisoformat('2026-12-06T08:00').timestamp()\n"
        f"shown = datetime.fromtimestamp({NOW.timestamp()}).isoformat()\n"
        "offset = datetime(2026, 1, 1).astimezone().isoformat()\n"
        "text = datetime.utcfromtimestamp(round(time.time())).strftime('%Y-%m-%dT%H:%MZ')\n"
        "back = datetime.utcfromtimestamp(100).timestamp()\n"
        "clock = time.strftime('%H:%M')"
    )
    assert data["stamp"] == datetime(2026, 12, 6, 8, 0, tzinfo=VN).timestamp()
    assert data["shown"] == "2026-12-06T08:02:03"
    assert data["offset"] == "2026-01-01T00:00:00+07:00"
    assert data["text"] == "2026-12-06T01:02Z"
    assert data["back"] == 100.0  # a value from utcfromtimestamp stays UTC
    assert data["clock"] == "08:02"


def test_dates_left_in_the_case_data_are_kept_as_iso_text(run: Any) -> None:
    data = run(
        "due = datetime.now() + timedelta(days=3)\n"
        "wait = timedelta(days=1, hours=2, seconds=1.5)\n"
        "steps = [date(2026, 1, 2), {'at': datetime.time(9, 30)}]\n"
        "parsed = datetime.strptime('06/12/2026', '%d/%m/%Y')\n"
        "label = str(timedelta(seconds=90))\n"
        "same = isinstance(due, datetime) and isinstance(wait, timedelta)"
    )
    assert data == {
        "due": "2026-12-09T08:02:03",
        "wait": "P1DT2H1.5S",
        "steps": ["2026-01-02", {"at": "09:30:00"}],
        "parsed": "2026-12-06T00:00:00",
        "label": "0:01:30",
        "same": True,
    }


def test_an_expression_that_gives_a_date_gives_its_iso_text(clock: FakeClock) -> None:
    env = RuntimeEnv(now=clock.now)
    sandbox = make_script_engine(env.helpers()).environment
    with env.active():
        assert sandbox.evaluate("datetime.now() + timedelta(hours=1)", {}) == "2026-12-06T09:02:03"
        assert sandbox.evaluate("{'at': date.today()}", {}) == {"at": "2026-12-06"}


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(days=2), "P2D"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(days=-1), "-P1D"),
        (timedelta(milliseconds=250), "PT0.25S"),
    ],
)
def test_a_timedelta_is_written_as_an_iso_8601_duration(delta: timedelta, text: str) -> None:
    assert iso_duration(delta) == text


def test_a_case_field_called_date_or_time_is_the_data_not_the_stand_in(run: Any) -> None:
    data = run(
        "parts = date.split('-')\nknown = is_defined('date')\nclock = is_defined('datetime')",
        {"date": "2026-12-06", "time": "09:00"},
    )
    assert data == {
        "date": "2026-12-06",
        "time": "09:00",
        "parts": ["2026", "12", "06"],
        "known": True,
        "clock": False,
    }


def test_a_script_may_delete_a_stand_in_it_no_longer_needs(run: Any) -> None:
    assert run("stamp = time.time()\ndel time") == {"stamp": NOW.timestamp()}


@pytest.mark.parametrize(
    ("script", "refusal"),
    [
        ("time.sleep(1)", "'time.sleep' is not available in model code"),
        ("x = datetime._attributes", 'access to "_attributes" is not allowed'),
        ("x = datetime.now.__self__", 'access to "__self__" is not allowed'),
        ("x = type(datetime.now())", 'calling "type" is not allowed'),
        ("keep = datetime", None),  # not data: it stays behind, as a function would
    ],
)
def test_the_stand_ins_open_no_way_out_of_the_sandbox(
    run: Any, script: str, refusal: str | None
) -> None:
    if refusal is None:
        assert run(script) == {}
        return
    with pytest.raises((ScriptError, AttributeError, NameError), match=refusal):
        run(script)


def test_a_naive_timer_date_fires_at_that_time_in_hanoi(clock: FakeClock) -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "pick", "f1")
        + '<bpmn:scriptTask id="pick"><bpmn:script>'
        "opening = (datetime.now() + timedelta(days=1)).replace(hour=7, minute=30, second=0)"
        "</bpmn:script></bpmn:scriptTask>"
        + flow("pick", "wait", "f2")
        + '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        "<bpmn:timeDate>opening</bpmn:timeDate></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
        + flow("wait", "work", "f3")
        + '<bpmn:userTask id="work"/>'
        + flow("work", "e", "f4")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert compiled is not None, problems
    model = LoadedModel.from_json("t", compiled.spec_json, compiled.elements)
    env = RuntimeEnv(now=clock.now)
    instance = Instance.start(model, {}, env)
    due = datetime(2026, 12, 7, 7, 30, tzinfo=VN)
    assert instance.next_due_at() == due
    state = instance.dump()
    clock.set(due - timedelta(seconds=1))
    instance = Instance.load(model, state, env)
    instance.run()
    assert not instance.ready_human_tasks()
    clock.set(due)
    instance = Instance.load(model, instance.dump(), env)
    instance.run()
    assert [t.element_id for t in instance.ready_human_tasks()] == ["work"]


def _waiting_model(duration: str) -> LoadedModel:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "wait", "f1")
        + '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>" + flow("wait", "e", "f2") + '<bpmn:endEvent id="e"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert compiled is not None, problems
    return LoadedModel.from_json("t", compiled.spec_json, compiled.elements)


def test_a_timer_duration_computed_with_timedelta_waits_that_long(clock: FakeClock) -> None:
    model = _waiting_model("timedelta(minutes=wait_minutes)")
    instance = Instance.start(model, {"wait_minutes": 5}, RuntimeEnv(now=clock.now))
    assert instance.next_due_at() == NOW + timedelta(minutes=5)


def test_a_negative_timer_duration_fails_instead_of_waiting_forward(clock: FakeClock) -> None:
    model = _waiting_model("timedelta(minutes=wait_minutes)")
    with pytest.raises(Exception, match="negative"):
        Instance.start(model, {"wait_minutes": -1}, RuntimeEnv(now=clock.now))
