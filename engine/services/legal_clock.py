"""The legal clock of a case (DOMAIN §1.4-1.6): running and paused intervals, milestones, verdict.

The clock starts when a complete, valid dossier is accepted (status 2): the appointment
(NgayHenTra) is the procedure's time limit counted in working time from then. It is stored on the
case as ``legal_clock``::

    {"limit": "3WD", "legal_hours": 24.0, "counting_start": ISO, "first_appointment": ISO,
     "original_appointment": ISO, "warn_at": ISO, "apology_at": ISO,
     "intervals": [{"state": "running"|"paused", "reason": str, "from": ISO, "to": ISO|None,
                    "working_hours": float|None}]}

* a supplement requested during processing (status 5 after acceptance) or a step the procedure
  excludes (an element with ``legalClock=pause``) pauses it; the citizen's submission (leaving
  status 5) or ``legalClock=resume`` resumes it, and the appointment moves by the paused working
  time. A supplement at intake (status 5 before acceptance) does not pause: the clock only starts
  from the complete dossier, which the acceptance marks.
* milestones: ``warn_at`` when a share of the legal time (default 75%, configurable) is used,
  ``apology_at`` at the start of the working day before the appointment (the apology and
  re-appointment, Mẫu 04, is due "chậm nhất 01 ngày trước ngày hết hạn"), then the appointment
  itself, after which the case is overdue.
* the 766 verdict when the case finishes: on time when it finished no later than the appointment
  (paused time already added to it; a re-appointment does not rescue it) and had at most one
  supplement request during processing.

The functions here change the case and return the events to record; they never touch storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.calendar import Calendar, parse_limit

DEFAULT_WARN_SHARE = Decimal("0.75")
SLA_NONE, SLA_ON_TRACK, SLA_AT_RISK = "none", "on_track", "at_risk"
SLA_APOLOGY_DUE, SLA_REAPPOINTED, SLA_OVERDUE, SLA_PAUSED = (
    "apology_due",
    "reappointed",
    "overdue",
    "paused",
)
SLA_DONE = "done"
# The milestones in the order a running clock passes them.
_RANK = {SLA_AT_RISK: 0, SLA_APOLOGY_DUE: 1, SLA_OVERDUE: 2}
SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class ClockEvent:
    """An event the caller records on the case's history."""

    type: str
    payload: dict[str, Any]


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


class LegalClock:
    """Operations on one case's legal clock with the working calendar."""

    def __init__(self, case: Any, calendar: Calendar, warn_share: Decimal = DEFAULT_WARN_SHARE):
        self.case = case
        self.calendar = calendar
        self.warn_share = warn_share
        self.state: dict[str, Any] = case.legal_clock

    # -- queries --------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True once a complete dossier was accepted and an appointment computed."""
        return bool(self.state.get("counting_start"))

    @property
    def paused(self) -> bool:
        """True while a paused interval is open."""
        current = self._open_interval()
        return current is not None and current["state"] == "paused"

    def milestones(self) -> dict[str, datetime | None]:
        """The instants at which the case's SLA state changes next."""
        return {
            "warn_at": _at(self.state.get("warn_at")),
            "apology_at": _at(self.state.get("apology_at")),
            "appointment_at": self.case.appointment_at,
        }

    # -- changes --------------------------------------------------------------------------

    def start(self, now: datetime, limit: str | None) -> list[ClockEvent]:
        """Start the clock at acceptance: compute the appointment and the milestones."""
        if self.started or not limit:
            return []
        counting_start = self.calendar.counting_start(now)
        appointment = self.calendar.due(now, parse_limit(limit))
        legal_hours = self.calendar.working_hours_between(counting_start, appointment)
        self.state.update(
            {
                "limit": limit,
                "legal_hours": float(legal_hours),
                "counting_start": counting_start.isoformat(),
                "first_appointment": appointment.isoformat(),
                "original_appointment": appointment.isoformat(),
                "intervals": [_interval("running", "accepted", now)],
            }
        )
        before = self.case.appointment_at
        self.case.appointment_at = appointment
        self._plan(now)
        return [
            ClockEvent(
                "appointment_set",
                {
                    "time_limit": limit,
                    "received_at": now.isoformat(),
                    "counted_from": counting_start.isoformat(),
                    "before": _iso(before),
                    "appointment_at": appointment.isoformat(),
                },
            )
        ]

    def pause(self, now: datetime, reason: str) -> list[ClockEvent]:
        """Pause a running clock (supplement during processing, an excluded step)."""
        if not self.started or self.paused or self.case.finished_at is not None:
            return []
        self._close(now)
        self.state["intervals"].append(_interval("paused", reason, now))
        if reason == SUPPLEMENT:
            self.case.supplement_count += 1
        self.case.sla_state, self.case.sla_next_at = SLA_PAUSED, None
        return [
            ClockEvent(
                "clock_paused",
                {
                    "reason": reason,
                    "at": now.isoformat(),
                    "supplement_requests": self.case.supplement_count,
                },
            )
        ]

    def resume(self, now: datetime, reason: str = "") -> list[ClockEvent]:
        """Resume a paused clock; the appointment moves by the paused working time."""
        if not self.paused:
            return []
        interval = self._open_interval()
        assert interval is not None
        hours = self._close(now)
        self.state["intervals"].append(_interval("running", reason or "resumed", now))
        self.case.paused_hours = round(self.case.paused_hours + float(hours), 4)
        events = [
            ClockEvent(
                "clock_resumed",
                {
                    "reason": interval["reason"],
                    "paused_from": interval["from"],
                    "at": now.isoformat(),
                    "paused_working_hours": float(hours),
                },
            )
        ]
        if hours > 0 and self.case.appointment_at is not None:
            events += self._move(now, self._extend(self.case.appointment_at, hours), "paused")
            original = _at(self.state.get("original_appointment"))
            if original is not None:
                self.state["original_appointment"] = self._extend(original, hours).isoformat()
        self._plan(now)
        return events

    def reappoint(self, now: datetime, new_date: datetime, reason: str) -> list[ClockEvent]:
        """Move the appointment once (Mẫu 04); the 766 verdict still uses the original one."""
        events = self._move(now, new_date, "reappointed", reason)
        self.case.reappointments += 1
        self._plan(now)
        return events

    def finish(self, now: datetime) -> list[ClockEvent]:
        """Stop the clock when the case is resolved; record the 766 on-time verdict."""
        if self.state.get("finished_at"):
            return []
        if self.paused:
            self.resume(now, "finished")
        self._close(now)
        self.state["finished_at"] = now.isoformat()
        original = _at(self.state.get("original_appointment"))
        if original is None:
            verdict = None
        else:
            verdict = now <= original and self.case.supplement_count <= 1
        self.case.on_time = verdict
        self.case.sla_state, self.case.sla_next_at = SLA_DONE, None
        return [
            ClockEvent(
                "clock_stopped",
                {
                    "at": now.isoformat(),
                    "appointment_at": _iso(original),
                    "supplement_requests": self.case.supplement_count,
                    "paused_working_hours": self.case.paused_hours,
                    "on_time": verdict,
                },
            )
        ]

    def advance(self, now: datetime) -> list[str]:
        """Pass the milestones that are due by `now`; return the SLA states entered, in order."""
        entered: list[str] = []
        if not self.started or self.paused or self.case.finished_at is not None:
            return entered
        current = self._current_rank()
        for state, at in self._ordered_marks():
            if at is None or at > now or _RANK[state] <= current:
                continue
            if state == SLA_APOLOGY_DUE and self.case.reappointments:
                continue  # re-appointed already: no second apology is possible
            entered.append(state)
            self.case.sla_state = state
            current = _RANK[state]
        self.case.sla_next_at = self._next_mark(now)
        return entered

    # -- internals ------------------------------------------------------------------------

    def _plan(self, now: datetime) -> None:
        """Recompute the milestones from the appointment and the legal time already used."""
        appointment = self.case.appointment_at
        start = _at(self.state.get("counting_start"))
        if appointment is None or start is None:
            return
        legal = Decimal(str(self.state.get("legal_hours", 0)))
        warn = self.calendar.add_working_hours(
            start, legal * self.warn_share + Decimal(str(self.case.paused_hours))
        )
        self.state["warn_at"] = min(warn, appointment).isoformat()
        apology = self._start_of_previous_working_day(appointment)
        self.state["apology_at"] = apology.isoformat() if apology > start else None
        if self.case.sla_state in (SLA_NONE, SLA_PAUSED):
            self.case.sla_state = SLA_ON_TRACK
        if self.case.reappointments and self.case.sla_state != SLA_OVERDUE:
            self.case.sla_state = SLA_REAPPOINTED
        self.case.sla_next_at = self._next_mark(now)

    def _ordered_marks(self) -> list[tuple[str, datetime | None]]:
        marks = self.milestones()
        return [
            (SLA_AT_RISK, marks["warn_at"]),
            (SLA_APOLOGY_DUE, marks["apology_at"]),
            (SLA_OVERDUE, marks["appointment_at"]),
        ]

    def _current_rank(self) -> int:
        # A re-appointed case has passed its apology; only the (new) appointment is ahead.
        if self.case.sla_state == SLA_REAPPOINTED:
            return _RANK[SLA_APOLOGY_DUE]
        return _RANK.get(self.case.sla_state, -1)

    def _next_mark(self, now: datetime) -> datetime | None:
        current = self._current_rank()
        pending = [
            at for state, at in self._ordered_marks() if at is not None and _RANK[state] > current
        ]
        later = [at for at in pending if at > now]
        if pending and not later:
            return min(pending)  # already due: the worker passes it on its next round
        return min(later) if later else None

    def _move(
        self, now: datetime, new_date: datetime, cause: str, reason: str = ""
    ) -> list[ClockEvent]:
        before = self.case.appointment_at
        self.case.appointment_at = new_date
        return [
            ClockEvent(
                "appointment_changed",
                {
                    "cause": cause,
                    "reason": reason,
                    "before": _iso(before),
                    "appointment_at": new_date.isoformat(),
                    "at": now.isoformat(),
                },
            )
        ]

    def _extend(self, t: datetime, hours: Decimal) -> datetime:
        return self.calendar.add_working_hours(self.calendar.next_working_instant(t), hours)

    def _open_interval(self) -> dict[str, Any] | None:
        intervals = self.state.get("intervals") or []
        if intervals and intervals[-1].get("to") is None:
            return intervals[-1]
        return None

    def _close(self, now: datetime) -> Decimal:
        current = self._open_interval()
        if current is None:
            return Decimal(0)
        hours = self.calendar.working_hours_between(datetime.fromisoformat(current["from"]), now)
        hours = max(hours, Decimal(0))
        current["to"] = now.isoformat()
        current["working_hours"] = float(hours)
        return hours

    def _start_of_previous_working_day(self, t: datetime) -> datetime:
        day: date = t.astimezone(self.calendar.hours.tz).date()
        for _ in range(60):
            day -= timedelta(days=1)
            if self.calendar.is_working_day(day):
                return self.calendar.start_of_working_day(day)
        return t


def _interval(state: str, reason: str, now: datetime) -> dict[str, Any]:
    return {"state": state, "reason": reason, "from": now.isoformat(), "to": None}
