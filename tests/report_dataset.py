"""A generated set of dossiers with known 766 outcomes, for the report's tests and benchmark.

Each case is drawn with an outcome decided first ("resolved late", "open and paused before its
appointment"...) and its columns are then written to realise it, exactly as the engine writes
them (status, appointment, finish, on_time verdict, supplement count, legal clock, task
verdicts). `Truth` keeps what was decided, so a test computes the expected figures from the
generator's own record, never from the code under test.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OUTCOMES = (
    ("not_accepted", 3),
    ("resolved_on_time", 40),
    ("resolved_late", 6),
    ("resolved_two_supplements", 2),
    ("resolved_without_clock", 2),
    ("open_on_time", 12),
    ("open_overdue", 5),
    ("open_two_supplements", 2),
    ("open_paused_in_time", 3),
    ("open_paused_after_appointment", 2),
    ("open_reappointed_in_time", 2),
    ("open_reappointed_late", 2),
    ("open_at_intake", 3),
)
CHANNELS = ((1, 40), (2, 59), (3, 1))


@dataclass
class Truth:
    """What the generator decided for one case."""

    month: int
    unit: str
    procedure_id: str
    channel: int
    outcome: str
    population: bool
    resolved: bool
    on_time: bool
    net_hours: float | None
    flags: dict[str, bool]
    late_steps: list[str] = field(default_factory=list)
    code: str = ""


@dataclass
class Dataset:
    """Rows to insert and the truth about them."""

    cases: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    truth: list[Truth]
    months: list[tuple[datetime, datetime]]


def _pick(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """Local midnight of the month's first day and of the next month's first day."""
    start = datetime(year, month, 1, tzinfo=VN)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime(nxt.year, nxt.month, nxt.day, tzinfo=VN)


def generate(
    n: int,
    versions: dict[str, tuple[int, str, str]],
    calendar: Any,
    *,
    months: tuple[tuple[int, int], ...] = ((2025, 7), (2025, 8), (2025, 9)),
    units: tuple[str, ...] = ("UBND-A", "UBND-B", "UBND-C", "UBND-D", "UBND-E"),
    seed: int = 766,
    state: str = "{}",
    first_id: int = 1,
) -> Dataset:
    """`n` cases spread over `months`; versions: procedure -> (version id, hash, time limit)."""
    rng = random.Random(seed)
    bounds = [month_bounds(y, m) for y, m in months]
    officers = {u: [f"cb.{u[-1].lower()}{i}" for i in range(1, 6)] for u in units}
    gen = _Generator(rng, calendar, versions, officers, state)
    data = Dataset([], [], [], bounds)
    for i in range(n):
        month = rng.randrange(len(bounds))
        case, tasks, truth = gen.case(first_id + i, month, bounds[month], rng.choice(units))
        data.cases.append(case)
        data.tasks.extend(tasks)
        data.truth.append(truth)
    return data


class _Generator:
    def __init__(self, rng: random.Random, calendar: Any, versions: Any, officers: Any, state: str):
        self.rng, self.cal, self.versions, self.officers, self.state = (
            rng,
            calendar,
            versions,
            officers,
            state,
        )

    def _between(self, a: datetime, b: datetime) -> datetime:
        span = max((b - a).total_seconds(), 1.0)
        return a + timedelta(seconds=self.rng.uniform(0, span))

    def case(
        self, case_id: int, month: int, bounds: tuple[datetime, datetime], unit: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]], Truth]:
        rng, cal = self.rng, self.cal
        start, as_of = bounds
        procedure = rng.choice(sorted(self.versions))
        version_id, model_hash, limit = self.versions[procedure]
        outcome = _pick(rng, OUTCOMES)
        channel = _pick(rng, CHANNELS)
        received = self._between(start, as_of - timedelta(hours=1))
        if outcome in ("open_on_time", "open_paused_in_time", "open_reappointed_in_time"):
            # Late in the month, so its appointment is still ahead when the month closes.
            received = self._between(max(start, as_of - timedelta(days=2)), as_of)
        c: dict[str, Any] = {
            "id": case_id,
            "code": f"{unit}-{received:%y%m%d}-{case_id:07d}",
            "procedure_id": procedure,
            "tthc_code": "",
            "model_version_id": version_id,
            "model_hash": model_hash,
            "status": 4,
            "channel": channel,
            "unit": unit,
            "applicant": {"full_name": "Nguyễn Văn A"},
            "received_at": received,
            "accepted_at": received,
            "appointment_at": None,
            "finished_at": None,
            "returned_at": None,
            "completed": False,
            "state": self.state,
            "serializer_version": "1",
            "row_version": 1,
            "next_due_at": None,
            "created_by": "gen",
            "last_event_seq": 0,
            "last_event_hash": "",
            "legal_clock": {},
            "sla_state": "on_track",
            "sla_next_at": None,
            "supplement_count": 0,
            "reappointments": 0,
            "paused_hours": 0.0,
            "on_time": None,
        }
        appointment = cal.due(received, limit)
        resolved, population = False, outcome != "not_accepted"
        if outcome == "open_at_intake" or outcome == "resolved_without_clock":
            c.update(accepted_at=None, status=1, sla_state="none")
        else:
            c["appointment_at"] = appointment
            c["legal_clock"] = {"original_appointment": appointment.isoformat(), "intervals": []}
        if outcome == "not_accepted":
            c.update(status=3, accepted_at=None, finished_at=received + timedelta(minutes=20))
            c.update(completed=True, sla_state="done", appointment_at=None, legal_clock={})
            on_time = True
        elif outcome.startswith("resolved"):
            resolved = True
            deadline = min(appointment, as_of)
            if outcome == "resolved_late" and appointment < as_of - timedelta(minutes=1):
                finished = self._between(appointment + timedelta(seconds=1), as_of)
            else:
                finished = self._between(received, deadline) if deadline > received else received
            if outcome == "resolved_two_supplements":
                c["supplement_count"] = 2
            elif rng.random() < 0.2:
                c["supplement_count"] = 1
            if c["supplement_count"] and outcome != "resolved_without_clock":
                c["paused_hours"] = round(rng.uniform(0, 0.5), 3)
            on_time = finished <= appointment and c["supplement_count"] <= 1
            c.update(finished_at=finished, status=9, completed=True, sla_state="done")
            c["on_time"] = None if outcome == "resolved_without_clock" else on_time
        else:
            on_time = self._open(c, outcome, received, appointment, as_of)
        flags = {
            "paid_online": rng.random() < 0.4,
            "fee_exempt": rng.random() < 0.1,
            "e_result": resolved and rng.random() < 0.7,
            "digitised": rng.random() < 0.8,
            "reused": rng.random() < 0.3,
            "disliked": rng.random() < 0.03,
            "complaint": rng.random() < 0.01,
        }
        c["data"] = _data(flags)
        net = None
        if resolved:
            start_at = c["accepted_at"] or received
            gross = float(cal.working_hours_between(start_at, c["finished_at"]))
            net = gross - c["paused_hours"]
        truth = Truth(
            month,
            unit,
            procedure,
            channel,
            outcome,
            population,
            resolved,
            on_time,
            net,
            flags,
            code=c["code"],
        )
        tasks = self._tasks(c, truth, as_of)
        return c, tasks, truth

    def _open(
        self,
        c: dict[str, Any],
        outcome: str,
        received: datetime,
        appointment: datetime,
        as_of: datetime,
    ) -> bool:
        """Fill an open case's clock; return its verdict at as_of."""
        if outcome == "open_at_intake":
            return appointment >= as_of
        if outcome == "open_overdue":
            c["sla_state"] = "overdue"
            return appointment >= as_of
        if outcome == "open_two_supplements":
            c["supplement_count"] = 2
            return False
        if outcome.startswith("open_paused"):
            c["status"], c["sla_state"], c["supplement_count"] = 5, "paused", 1
            if outcome == "open_paused_in_time":
                paused_from = self._between(received, min(appointment, as_of))
            else:
                paused_from = self._between(min(appointment, as_of), as_of)
            c["legal_clock"]["intervals"] = [
                {
                    "state": "running",
                    "reason": "accepted",
                    "from": received.isoformat(),
                    "to": paused_from.isoformat(),
                    "working_hours": 1.0,
                },
                {
                    "state": "paused",
                    "reason": "supplement",
                    "from": paused_from.isoformat(),
                    "to": None,
                },
            ]
            return appointment >= min(as_of, paused_from)
        if outcome.startswith("open_reappointed"):
            c["reappointments"], c["sla_state"] = 1, "reappointed"
            c["appointment_at"] = as_of + timedelta(days=5)
            if outcome == "open_reappointed_late":
                original = self._between(received, as_of) if appointment >= as_of else appointment
                c["legal_clock"]["original_appointment"] = original.isoformat()
                return original >= as_of
            return appointment >= as_of
        return appointment >= as_of  # open_on_time (late in the month)

    def _tasks(self, c: dict[str, Any], truth: Truth, as_of: datetime) -> list[dict[str, Any]]:
        rng = self.rng
        officer = rng.choice(self.officers[c["unit"]])
        received = c["received_at"]
        base = {
            "case_id": c["id"],
            "case_code": c["code"],
            "lane": "",
            "unit": c["unit"],
            "form": "",
            "created_at": received,
            "claimed_at": None,
            "kind": "bpmn",
        }
        done = received + timedelta(minutes=10)
        tasks = [
            {
                **base,
                "id": f"t{c['id']}-1",
                "element_id": "counter_check",
                "name": "Tiếp nhận",
                "candidate_groups": "counter",
                "state": "completed",
                "assignee": "mc." + c["unit"][-1].lower(),
                "due_at": received + timedelta(hours=4),
                "completed_at": done,
                "completed_by": "mc." + c["unit"][-1].lower(),
                "verdict": "on_time",
            }
        ]
        if not truth.population or truth.outcome in ("open_at_intake", "resolved_without_clock"):
            return tasks
        step = {
            **base,
            "id": f"t{c['id']}-2",
            "element_id": "process",
            "name": "Xử lý",
            "candidate_groups": "specialist",
            "due_at": done + timedelta(hours=8),
        }
        late = (
            not truth.on_time
            and truth.outcome not in ("resolved_two_supplements", "open_two_supplements")
        ) or rng.random() < 0.03
        if truth.resolved:
            finished = c["finished_at"]
            due = finished - timedelta(minutes=5) if late else finished + timedelta(hours=1)
            step.update(
                state="completed",
                assignee=officer,
                completed_at=finished,
                completed_by=officer,
                due_at=due,
                verdict="late" if late else "on_time",
            )
        else:
            due = as_of - timedelta(hours=1) if late else as_of + timedelta(days=1)
            holder = officer if rng.random() < 0.9 else None
            step.update(
                state="open",
                assignee=holder,
                completed_at=None,
                completed_by=None,
                due_at=due,
                verdict=None,
            )
            if late:
                officer = holder or "(chưa nhận: specialist)"
        if late:
            truth.late_steps.append(officer)
        tasks.append(step)
        return tasks


def _data(flags: dict[str, bool]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant": {"full_name": "Nguyễn Văn A", "personal_id": "001190012345"},
        "documents": ["TK", "GCS"],
        "payment": {"online": flags["paid_online"], "exempt": flags["fee_exempt"]},
        "documents_digitised": flags["digitised"],
        "data_reused": flags["reused"],
    }
    if flags["e_result"]:
        data["result"] = {"e_result_url": "https://ketqua.example/kq.pdf"}
    if flags["disliked"]:
        data["satisfaction"] = "dissatisfied"
    elif flags["complaint"] is False:
        data["satisfaction"] = "satisfied"
    if flags["complaint"]:
        data["complaint"] = True
    return data


def late_by_officer(truth: list[Truth], month: int) -> Counter[tuple[str, str]]:
    """(officer, unit) -> late steps of the month's dossiers, from the generator's record."""
    counts: Counter[tuple[str, str]] = Counter()
    for t in truth:
        if t.month == month:
            for officer in t.late_steps:
                counts[(officer, t.unit)] += 1
    return counts


def as_utc(value: datetime) -> datetime:
    """UTC instant."""
    return value.astimezone(UTC)
