"""Timer cycles written as Quartz cron (Camunda 7, Zeebe): the next fire times, from croniter.

Camunda Modeler writes a cycle such as ``0 0/5 * * * ?``: six or seven fields, seconds first,
``?`` for "no specific value" in the day-of-month or day-of-week field. croniter reads the same
fields in the same order once ``?`` is ``*`` (one of the two day fields is always ``?``, so
croniter's "either day field" rule never applies). Fields are read in Vietnam time, whatever the
server's zone, so a case fires at the same instants on every machine and on replay.

What croniter reads differently is refused, naming the expression: ``L``, ``W`` and ``#`` (last
day, nearest weekday, n-th weekday), and day-of-week numbers, which Quartz counts from Sunday = 1
and Spring/Zeebe from Sunday = 0; day names (MON-FRI) mean the same everywhere.

``CycleTimer`` replaces the library's cycle timer (same stored type name): it runs cron cycles, and
a cycle on the process's own start event starts the case once, at the cycle's next instant (BPMN:
each firing starts a new process instance; a case is one instance).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from engine.runtime.timekeeping import current_now

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_FIELDS = re.compile(r"^\s*(?:\S+\s+){5,6}\S+\s*$")
_UNSUPPORTED = re.compile(r"[LW#]", re.I)
_DAY_NAMES = re.compile(r"MON|TUE|WED|THU|FRI|SAT|SUN", re.I)
_DAY_OF_WEEK = 5


class CronError(ValueError):
    """A cron cycle the engine cannot read as Quartz means it."""


_NAMES = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|MON|TUE|WED|THU|FRI|SAT|SUN"
_FIELD = rf"(?:[0-9*?/,#LW-]|{_NAMES})+"
_CRON_LIKE = re.compile(rf"^\s*(?:{_FIELD}\s+){{4,6}}{_FIELD}\s*$", re.I)


def looks_like_cron(text: str) -> bool:
    """True for five to seven fields of cron characters (cron, not ISO-8601 nor an expression)."""
    return bool(_CRON_LIKE.match(text))


def to_croniter(expression: str) -> str:
    """croniter's form of a Quartz cron expression; CronError saying why when it has none."""
    text = expression.strip()
    if not _FIELDS.match(text):
        raise CronError(
            f"cron cycle '{text}' has {len(text.split())} fields; Quartz cron has 6 or 7, "
            "seconds first"
        )
    fields = text.split()
    for number, value in enumerate(fields):
        # Only the two day fields take these operators; a day name (WED) is not one of them.
        if number in (3, _DAY_OF_WEEK) and _UNSUPPORTED.search(_DAY_NAMES.sub("", value)):
            raise CronError(
                f"cron cycle '{text}' uses L, W or # (last day, nearest weekday, n-th weekday), "
                "which the engine does not run"
            )
    if re.search(r"\d", fields[_DAY_OF_WEEK]):
        raise CronError(
            f"cron cycle '{text}' numbers the day of the week, which Quartz counts from Sunday = 1 "
            "and Zeebe from Sunday = 0"
        )
    translated = " ".join("*" if value == "?" else value for value in fields)
    if not croniter.is_valid(translated, second_at_beginning=True):
        raise CronError(f"cron cycle '{text}' is not a valid cron expression")
    return translated


def next_fire(expression: str, after: datetime) -> datetime:
    """The first instant strictly after `after` that the Quartz expression names (aware, UTC)."""
    schedule = croniter(to_croniter(expression), after.astimezone(ZONE), second_at_beginning=True)
    fire: datetime = schedule.get_next(datetime)
    return fire.astimezone(UTC)


def _starts_case(my_task: Any) -> bool:
    # The start event of the case's own process, not of an event subprocess or a called process.
    return (
        isinstance(my_task.task_spec, StartEvent)
        and my_task.workflow is my_task.workflow.top_workflow
    )


class CycleTimer(CycleTimerEventDefinition):  # type: ignore[misc]
    """The library's cycle timer, with Quartz cron cycles and one start per case."""

    def cycle_complete(self, my_task: Any) -> bool:
        """True when the cycle fires now (the library then adds a branch for this firing)."""
        if my_task._get_internal_data("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=self._first(my_task, str(value)))
        event_value = my_task._get_internal_data("event_value")
        if "cron" not in event_value:
            return bool(super().cycle_complete(my_task))
        if event_value["cycles"] == 0:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        now = current_now()
        due = datetime.fromisoformat(event_value["next"])
        if due > now:  # due *at* its instant, as the engine's other timers
            return False
        event_value["next"] = next_fire(event_value["cron"], due).isoformat()
        event_value["cycles"] -= 1
        my_task._set_internal_data(event_value=event_value)
        return True

    def _first(self, my_task: Any, value: str) -> dict[str, Any]:
        once = _starts_case(my_task)
        now = current_now()
        if looks_like_cron(value):
            first = next_fire(value, now)
            return {"cycles": 1 if once else -1, "next": first.isoformat(), "cron": value.strip()}
        cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
        if once and cycles != 0:
            cycles = 1
        return {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
