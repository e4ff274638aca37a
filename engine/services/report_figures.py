"""From tallies to the 766 figures: rates, points, group totals, and the Hanoi-style counts.

Pure functions over engine.domain.reporting.Tally; no storage, no clock.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.domain.indicators import (
    GROUPS,
    INDICATOR,
    INDICATORS,
    charges_fee,
    issues_paper_result,
)
from engine.domain.reporting import Tally

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
NOT_SYNCED = (
    "Không đo được: chưa có bản ghi đồng bộ hồ sơ lên Cổng DVCQG "
    "(portal sync is not configured, or has not produced any record yet)."
)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in percent, two decimals; None when nothing was counted."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class IndicatorValue:
    """One indicator as reported."""

    code: str
    numerator: int | None
    denominator: int | None
    rate: Decimal | None
    value: Decimal | None = None
    note: str = ""
    measurable: bool = True

    @property
    def points(self) -> Decimal | None:
        """Points by the 766 scoring rule."""
        return INDICATOR[self.code].points(self.rate) if self.measurable else None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        spec = INDICATOR[self.code]
        return {
            "code": self.code,
            "name": spec.name,
            "group": spec.group,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": _num(self.rate),
            "value": _num(self.value),
            "threshold": _num(spec.threshold),
            "max_points": _num(spec.max_points),
            "points": _num(self.points),
            "measurable": self.measurable,
            "note": self.note,
        }


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def totals(tallies: list[Tally]) -> Counter[str]:
    """All counts added up."""
    total: Counter[str] = Counter()
    for tally in tallies:
        total.update(tally.counts)
    return total


def counts(tallies: list[Tally]) -> dict[str, Any]:
    """Hanoi-style counts: received by channel, resolved, on time, overdue, in progress."""
    c = totals(tallies)
    by_channel: Counter[int] = Counter()
    for tally in tallies:
        by_channel[tally.channel] += tally.counts["received"]
    received = c["received"]
    on_time = c["resolved_on_time"] + c["open_on_time"]
    overdue = c["resolved_late"] + c["open_overdue"]
    return {
        "received": received,
        "by_channel": {
            str(ch): {"count": by_channel[ch], "share": _num(rate(by_channel[ch], received))}
            for ch in (1, 2, 3)
        },
        "not_accepted": c["not_accepted"],
        "resolved": c["resolved"],
        "resolved_share": _num(rate(c["resolved"], received)),
        "resolved_on_time": c["resolved_on_time"],
        "resolved_on_time_share": _num(rate(c["resolved_on_time"], c["resolved"])),
        "resolved_late": c["resolved_late"],
        "in_progress": c["open"],
        "in_progress_on_time": c["open_on_time"],
        "in_progress_overdue": c["open_overdue"],
        "on_time": on_time,
        "overdue": overdue,
    }


def on_time_rate(tallies: list[Tally]) -> tuple[int, int, Decimal | None]:
    """Indicator 2.1: (finished or in progress on time, received and processed, rate)."""
    c = totals(tallies)
    num = c["resolved_on_time"] + c["open_on_time"]
    den = c["resolved"] + c["open"]
    return num, den, rate(num, den)


def indicators(
    tallies: list[Tally],
    metas: dict[int, dict[str, Any]],
    net_hours: float,
    hours_per_day: float,
    synced: int | None,
) -> list[IndicatorValue]:
    """Every indicator the engine can compute for the cohort, in the order of the index."""
    c = totals(tallies)
    received = c["received"]
    online = fee_den = paid = paper_resolved = e_result = digitised = 0
    for t in tallies:
        meta = metas.get(t.version_id, {})
        paper = issues_paper_result(meta)
        n = t.counts
        if t.channel == 2:
            online += (
                (n["received"] - n["resolved"] + n["resolved_e_result"])
                if paper
                else (n["received"])
            )
        if charges_fee(meta):
            fee_den += n["received"] - n["not_accepted"] - n["fee_exempt"]
            paid += n["paid_online"]
        if paper:
            paper_resolved += n["resolved"]
            e_result += n["resolved_e_result"]
        resolved_ok = n["digitised_resolved_e_result"] if paper else n["digitised_resolved"]
        digitised += n["digitised_unresolved"] + resolved_ok
    out: list[IndicatorValue] = []
    if synced is None:
        out.append(IndicatorValue("1.4", None, received, None, note=NOT_SYNCED, measurable=False))
    else:
        out.append(IndicatorValue("1.4", synced, received, rate(synced, received)))
    num21, den21, rate21 = on_time_rate(tallies)
    out.append(IndicatorValue("2.1", num21, den21, rate21))
    days = None
    if c["resolved"]:
        days = Decimal(net_hours / hours_per_day / c["resolved"]).quantize(CENT, ROUND_HALF_UP)
    out.append(
        IndicatorValue(
            "2.2",
            c["resolved"],
            None,
            None,
            value=days,
            note="ngày làm việc / working days per resolved dossier",
        )
    )
    r33 = rate(online, received)
    note33 = "chưa nhân tỷ lệ đồng bộ (1.4 không đo được)" if synced is None else ""
    if r33 is not None and synced is not None and received:
        r33 = (r33 * Decimal(synced) / Decimal(received)).quantize(CENT, ROUND_HALF_UP)
    out.append(IndicatorValue("3.3", online, received, r33, note=note33))
    out.append(IndicatorValue("3.6", paid, fee_den, rate(paid, fee_den)))
    out.append(IndicatorValue("4.1", e_result, paper_resolved, rate(e_result, paper_resolved)))
    out.append(IndicatorValue("4.2", digitised, received, rate(digitised, received)))
    out.append(IndicatorValue("4.3", c["reused"], received, rate(c["reused"], received)))
    population = received - c["not_accepted"]
    r54 = None
    if den21 and population:
        overdue = Decimal(den21 - num21) * HUNDRED / Decimal(den21)
        unhappy = Decimal(c["dissatisfied"]) * HUNDRED / Decimal(population)
        r54 = max(HUNDRED - overdue - unhappy, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    out.append(
        IndicatorValue(
            "5.4",
            c["dissatisfied"],
            population,
            r54,
            note="100% − (tỷ lệ quá hạn + tỷ lệ không hài lòng hoặc có PAKN)",
        )
    )
    return out


def group_totals(values: list[IndicatorValue]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Points per group and in all: earned, the most the measured indicators allow, the max."""
    earned: dict[str, Decimal] = defaultdict(Decimal)
    measured: dict[str, Decimal] = defaultdict(Decimal)
    for v in values:
        spec = INDICATOR[v.code]
        if v.points is not None:
            earned[spec.group] += v.points
            measured[spec.group] += spec.max_points
    groups = [
        {
            "code": g.code,
            "name": g.name,
            "max_points": _num(g.max_points),
            "measured_max_points": _num(measured[g.code]),
            "points": _num(earned[g.code]),
            "indicators": [i.code for i in INDICATORS if i.group == g.code],
        }
        for g in GROUPS
    ]
    total = {
        "points": _num(sum(earned.values(), Decimal(0))),
        "measured_max_points": _num(sum(measured.values(), Decimal(0))),
        "max_points": _num(sum((g.max_points for g in GROUPS), Decimal(0))),
    }
    return groups, total
