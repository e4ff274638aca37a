"""The 766 report over 10,000 generated dossiers equals what the generator says happened.

Runs on SQLite and PostgreSQL (the database_url fixture). The expected figures come from the
generator's record (tests/report_dataset.py), never from engine.services.reports.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from engine.domain.indicators import INDICATOR
from engine.domain.model import SYSTEM_ACTOR, Actor
from engine.domain.reporting import parse_period
from engine.services.reports import ReportRequest, service_quality_report
from tests.report_dataset import VN, Dataset, Truth, generate, late_by_officer

N = 10_000
MONTHS = ("2025-07", "2025-08", "2025-09")
_CACHE: dict[Any, Dataset] = {}


def _insert(ctx: Any, data: Dataset) -> None:
    from sqlalchemy import text

    from engine.adapters.rows import CaseRow, TaskRow

    with ctx.db_engine.begin() as conn:
        for i in range(0, len(data.cases), 2000):
            conn.execute(CaseRow.__table__.insert(), data.cases[i : i + 2000])
        for i in range(0, len(data.tasks), 4000):
            conn.execute(TaskRow.__table__.insert(), data.tasks[i : i + 4000])
        if conn.dialect.name == "postgresql":
            sequence = "SELECT setval(pg_get_serial_sequence('\"case\"', 'id'), max(id))"
            conn.execute(text(sequence + ' FROM "case"'))


@pytest.fixture
def dataset(ctx: Any, clock: Any) -> Dataset:
    """10,000 dossiers over July-September 2025, inserted; the clock set to November."""
    with ctx.reader() as uow:
        birth = uow.models.latest("birth_registration")
        business = uow.models.latest("household_business")
    versions = {
        "birth_registration": (birth.id, birth.content_hash, "SD"),
        "household_business": (business.id, business.content_hash, "3WD"),
    }
    key = tuple(sorted((k, v[0]) for k, v in versions.items()))
    if key not in _CACHE:
        _CACHE[key] = generate(N, versions, ctx.calendar)
    data = _CACHE[key]
    _insert(ctx, data)
    clock.set(datetime(2025, 11, 3, 9, 0, tzinfo=VN))
    return data


def _rate(num: int, den: int) -> float:
    return round(100 * num / den, 2)


def _points(code: str, rate: float) -> float:
    spec = INDICATOR[code]
    target = float(spec.threshold) if spec.threshold is not None else 100.0
    return float(spec.max_points) if rate >= target else rate * float(spec.max_points) / target


def expected(truth: list[Truth]) -> dict[str, Any]:
    """The figures, computed from the generator's record by the rules of docs/reports.md."""
    pop = [t for t in truth if t.population]
    resolved = [t for t in pop if t.resolved]
    on_time = sum(t.on_time for t in pop)
    fee = [t for t in pop if t.procedure_id == "household_business" and not t.flags["fee_exempt"]]
    unhappy = sum(t.flags["disliked"] or t.flags["complaint"] for t in pop)
    received = len(truth)
    return {
        "received": received,
        "by_channel": Counter(t.channel for t in truth),
        "not_accepted": received - len(pop),
        "resolved": len(resolved),
        "resolved_on_time": sum(t.on_time for t in resolved),
        "in_progress": len(pop) - len(resolved),
        "overdue": len(pop) - on_time,
        "2.1": _rate(on_time, len(pop)),
        "2.2": round(sum(t.net_hours or 0 for t in resolved) / 8 / len(resolved), 2),
        "3.3": _rate(
            sum(t.channel == 2 and (not t.resolved or t.flags["e_result"]) for t in truth),
            received,
        ),
        "3.6": _rate(sum(t.flags["paid_online"] for t in fee), len(fee)),
        "4.1": _rate(sum(t.flags["e_result"] for t in resolved), len(resolved)),
        "4.2": _rate(
            sum(t.flags["digitised"] and (not t.resolved or t.flags["e_result"]) for t in truth),
            received,
        ),
        "4.3": _rate(sum(t.flags["reused"] for t in truth), received),
        "5.4": round(
            max(100 - 100 * (len(pop) - on_time) / len(pop) - 100 * unhappy / len(pop), 0), 2
        ),
    }


def _check(report: Any, want: dict[str, Any]) -> None:
    counts = report.counts
    for key in ("received", "not_accepted", "resolved", "resolved_on_time", "overdue"):
        assert counts[key] == want[key], key
    assert counts["in_progress"] == want["in_progress"]
    for channel in (1, 2, 3):
        assert counts["by_channel"][str(channel)]["count"] == want["by_channel"][channel]
    for code in ("2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "5.4"):
        value = report.indicator(code)
        assert float(value.rate) == pytest.approx(want[code], abs=0.011), code
        assert float(value.points) == pytest.approx(_points(code, want[code]), abs=0.02), code
    assert float(report.indicator("2.2").value) == pytest.approx(want["2.2"], abs=0.011)
    assert not report.indicator("1.4").measurable


def test_the_report_over_10000_generated_dossiers_matches_the_generators_truth(
    ctx: Any, dataset: Dataset
) -> None:
    # One test per database: inserting 10,000 dossiers is the expensive part.
    for month, period in enumerate(MONTHS):
        request = ReportRequest(parse_period(period), list_limit=None)
        report = service_quality_report(ctx, SYSTEM_ACTOR, request)
        truth = [t for t in dataset.truth if t.month == month]
        _check(report, expected(truth))
        late_codes = {d["code"] for d in report.lists.dossiers}
        assert late_codes == {t.code for t in truth if t.population and not t.on_time}
        officers = Counter(
            {(o["officer"], o["unit"]): o["late_steps"] for o in report.lists.by_officer}
        )
        assert officers == late_by_officer(dataset.truth, month)

    # A leader sees the figures of their own unit, here narrowed to the online channel.
    leader = Actor("ld.b", frozenset({"leader"}), frozenset({"UBND-B"}))
    report = service_quality_report(ctx, leader, ReportRequest(parse_period("2025-08"), channel=2))
    truth = [t for t in dataset.truth if t.month == 1 and t.unit == "UBND-B" and t.channel == 2]
    _check(report, expected(truth))
    assert {row["unit"] for row in report.by_unit} == {"UBND-B"}

    # The trend gives each month's on-time rate; the dossier list is cut at the limit.
    request = ReportRequest(parse_period("2025-09"), trend_months=3, list_limit=10)
    report = service_quality_report(ctx, SYSTEM_ACTOR, request)
    assert [p["month"] for p in report.trend] == ["07/2025", "08/2025", "09/2025"]
    for month, point in enumerate(report.trend):
        want = expected([t for t in dataset.truth if t.month == month])
        assert point["rate"] == pytest.approx(want["2.1"], abs=0.011)
    assert len(report.lists.dossiers) == 10
