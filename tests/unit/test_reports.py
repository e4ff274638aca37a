"""Pure parts of the 766 report: scoring, data keys, periods, scope, verdicts, office time, SVG."""

from __future__ import annotations

import importlib.util
import random
import xml.etree.ElementTree as ElementTree
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import default_calendar
from engine.domain.errors import InvalidInputError, PermissionDeniedError
from engine.domain.indicators import DATA_KEYS, INDICATOR, report_flags
from engine.domain.model import Actor
from engine.domain.reporting import Period, parse_period
from engine.services.report_charts import bar_chart, line_chart
from engine.services.report_clock import net_working_hours, on_time_766
from engine.services.reports import report_scope

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MIGRATION = Path(__file__).parents[2] / "engine/adapters/migrations/versions/0009_report_flags.py"


def test_points_are_full_at_the_threshold_and_proportional_below_it():
    online = INDICATOR["3.3"]  # 4 points from 50%
    assert online.points(Decimal(50)) == Decimal(4)
    assert online.points(Decimal(80)) == Decimal(4)
    assert online.points(Decimal(25)) == Decimal("2.00")
    assert INDICATOR["2.1"].points(Decimal("96.5")) == Decimal("19.30")
    assert INDICATOR["2.1"].points(None) is None
    assert INDICATOR["2.2"].points(Decimal(50)) is None  # reported, not scored


def test_the_data_keys_read_only_the_exact_values_documented():
    data = {
        "payment": {"online": True, "exempt": "true"},
        "result": {"e_result_url": ""},
        "documents_digitised": True,
        "satisfaction": "dissatisfied",
    }
    assert report_flags(data) == 1 + 8 + 32
    assert report_flags({"result": {"e_result_url": "https://kq"}}) == 4
    assert report_flags([1, 2]) == 0 and report_flags(None) == 0


def test_the_postgresql_function_is_a_frozen_copy_of_the_data_keys():
    spec = importlib.util.spec_from_file_location("m0009", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frozen = [
        (k.bit, "{" + ",".join(k.path) + "}", k.kind if k.kind != "equals" else f'"{k.value}"')
        for k in DATA_KEYS
    ]
    assert list(module.FROZEN_KEYS) == frozen


def test_a_period_is_a_month_or_two_dates():
    july = parse_period("2025-07")
    assert (july.first, july.last, july.label) == (date(2025, 7, 1), date(2025, 7, 31), "07/2025")
    start, end = july.bounds(VN)
    assert start == datetime(2025, 7, 1, tzinfo=VN) and end == datetime(2025, 8, 1, tzinfo=VN)
    assert parse_period(None, "2025-07-01", "2025-07-15").label == "01/07/2025 - 15/07/2025"
    assert [p.label for p in Period(date(2025, 1, 1), date(2025, 2, 28)).months_back(3)] == [
        "12/2024",
        "01/2025",
        "02/2025",
    ]
    for bad in (("2025-13",), ("July",), (None, "2025-07-02", "2025-07-01"), (None,)):
        with pytest.raises(InvalidInputError):
            parse_period(*bad)


def test_leaders_and_auditors_report_on_their_units_officers_on_none():
    leader = Actor("ld", frozenset({"officer", "leader"}), frozenset({"U1"}))
    assert report_scope(leader, None) == frozenset({"U1"})
    assert report_scope(Actor("a", frozenset({"admin"})), "U9") is None
    with pytest.raises(PermissionDeniedError):
        report_scope(leader, "U2")
    with pytest.raises(PermissionDeniedError):
        report_scope(Actor("mc", frozenset({"officer", "counter"}), frozenset({"U1"})), None)


def _row(**values: object) -> dict[str, object]:
    base = {
        "supplement_count": 0,
        "legal_clock": {},
        "appointment_at": None,
        "received_at": datetime(2025, 7, 1, 9, tzinfo=VN),
        "finished_at": None,
        "resolved": False,
        "sla_state": "on_track",
    }
    base.update(values)
    return base


def test_the_766_verdict_uses_the_original_appointment_the_statute_and_pauses():
    cal = default_calendar()
    as_of = datetime(2025, 7, 10, tzinfo=VN)
    before, after = as_of - timedelta(days=2), as_of + timedelta(days=2)
    reappointed = {"original_appointment": before.isoformat()}
    assert not on_time_766(_row(appointment_at=after, legal_clock=reappointed), as_of, cal, None)
    assert not on_time_766(_row(appointment_at=after, supplement_count=2), as_of, cal, None)
    # No appointment: received 1 July with 3 working days, due 4 July; still open on 10 July.
    assert not on_time_766(_row(), as_of, cal, "3WD")
    assert on_time_766(_row(), as_of, cal, None)
    done = _row(resolved=True, finished_at=datetime(2025, 7, 3, 10, tzinfo=VN))
    assert on_time_766(done, as_of, cal, "3WD")
    pause = {"intervals": [{"state": "paused", "from": (before - timedelta(days=1)).isoformat()}]}
    paused = _row(appointment_at=before, sla_state="paused", legal_clock=pause)
    assert on_time_766(paused, as_of, cal, None)  # waiting for the citizen since before it
    late_pause = {"intervals": [{"state": "paused", "from": as_of.isoformat()}]}
    assert not on_time_766(
        _row(appointment_at=before, sla_state="paused", legal_clock=late_pause), as_of, cal, None
    )


def test_office_time_summed_per_day_equals_the_calendar_case_by_case():
    cal = default_calendar()
    rng = random.Random(7)
    periods = [(a.total_seconds(), b.total_seconds()) for a, b in cal.hours.offsets]

    def worked(t: datetime) -> float:
        local = t.astimezone(VN)
        x = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
        return sum(min(max(x - s, 0.0), e - s) for s, e in periods)

    rows, expected = [], 0.0
    for _ in range(300):
        a = datetime(2025, 4, 1, tzinfo=VN) + timedelta(seconds=rng.uniform(0, 40 * 86400))
        b = a + timedelta(seconds=rng.uniform(0, 12 * 86400))
        expected += float(cal.working_hours_between(a, b))
        rows.append(("start", "U", a.astimezone(VN).date().toordinal(), 1, worked(a)))
        rows.append(("end", "U", b.astimezone(VN).date().toordinal(), 1, worked(b)))
    assert net_working_hours(rows, cal)["U"] == pytest.approx(expected, abs=1e-6)


def test_the_charts_are_well_formed_svg_that_print_their_values():
    svg = line_chart([("05/2025", 91.5), ("06/2025", None), ("07/2025", 99.85)], "Đúng hạn", 90)
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "99.85%" in texts and "91.50%" in texts and "06/2025" in texts
    bars = bar_chart([("UBND-A", 3), ("UBND-<B>", 12)], "Quá hạn")
    texts = [t.text for t in ElementTree.fromstring(bars).iter("{http://www.w3.org/2000/svg}text")]
    assert texts[1:5] == ["UBND-<B>", "12", "UBND-A", "3"]
