"""Use case: the Decision 766 service-quality report of a period and a scope (DOMAIN §2).

The cohort is every dossier received (NgayTiepNhan) in the period within the scope, seen as it
stood at `as_of` (by default the end of the period, or now for a period not yet over), so a
month's published figures do not move afterwards. docs/reports.md defines each figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.domain.errors import PermissionDeniedError
from engine.domain.indicators import DATA_KEYS
from engine.domain.model import Actor
from engine.domain.reporting import Cohort, Period, Tally
from engine.services import report_figures as figures
from engine.services.context import Context, UnitOfWork
from engine.services.report_clock import Judge, net_working_hours
from engine.services.report_lists import OverdueLists, overdue_lists

REPORT_ROLES = ("leader", "auditor", "admin", "system")
ALL_UNITS_ROLES = ("admin", "system")


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: a period and an optional unit, procedure and channel."""

    period: Period
    unit: str | None = None
    procedure_id: str | None = None
    channel: int | None = None
    as_of: datetime | None = None
    list_limit: int | None = 200
    trend_months: int = 0


@dataclass
class Report:
    """The figures, the counts, the lists and (when asked) the monthly on-time trend."""

    request: ReportRequest
    cohort: Cohort
    counts: dict[str, Any]
    indicators: list[figures.IndicatorValue]
    groups: list[dict[str, Any]]
    total: dict[str, Any]
    by_unit: list[dict[str, Any]]
    lists: OverdueLists
    trend: list[dict[str, Any]] = field(default_factory=list)

    def indicator(self, code: str) -> figures.IndicatorValue:
        """One indicator by its code."""
        return next(i for i in self.indicators if i.code == code)


def report_scope(actor: Actor, unit: str | None) -> frozenset[str] | None:
    """The units the actor may report on (None: all); PermissionDenied for everybody else."""
    if not actor.has_role(*REPORT_ROLES):
        raise PermissionDeniedError("reports need the leader, auditor or admin role")
    units = None if actor.has_role(*ALL_UNITS_ROLES) else actor.units
    if unit is not None and units is not None and unit not in units:
        raise PermissionDeniedError(f"unit {unit} is outside the units you may report on")
    return units


def service_quality_report(ctx: Context, actor: Actor, request: ReportRequest) -> Report:
    """The 766 figures, Hanoi-style counts and overdue lists of the request's cohort."""
    units = report_scope(actor, request.unit)
    cohort = _cohort(ctx, request, request.period, units)
    with ctx.reader() as uow:
        tallies, metas, late = judged_tallies(ctx, uow, cohort)
        rows = uow.reports.working_time(cohort, ctx.calendar.hours.tz, _periods(ctx))
        hours = net_working_hours(rows, ctx.calendar)
        lists = overdue_lists(uow, cohort, late, request.list_limit)
        trend = _trend(ctx, uow, request, units) if request.trend_months else []
        synced = uow.reports.synced(cohort)
    paused: dict[str, float] = {}
    for t in tallies:
        paused[t.unit] = paused.get(t.unit, 0.0) + t.paused_hours
    net = {unit: hours.get(unit, 0.0) - paused.get(unit, 0.0) for unit in hours}
    per_day = float(ctx.calendar.hours.hours_per_day)
    values = figures.indicators(tallies, metas, sum(net.values()), per_day, synced)
    groups, total = figures.group_totals(values)
    return Report(
        request=request,
        cohort=cohort,
        counts=figures.counts(tallies),
        indicators=values,
        groups=groups,
        total=total,
        by_unit=_by_unit(tallies, net, per_day),
        lists=lists,
        trend=trend,
    )


def judged_tallies(
    ctx: Context, uow: UnitOfWork, cohort: Cohort
) -> tuple[list[Tally], dict[int, dict[str, Any]], list[tuple[str, Any, int]]]:
    """The cohort's tallies with the cases SQL could not judge judged by the legal clock;
    also the model metadata by version and the ids of those cases found overdue."""
    tallies = uow.reports.tallies(cohort)
    metas = _metas(uow, {t.version_id for t in tallies})
    by_key = {(t.unit, t.version_id, t.channel): t for t in tallies}
    late: list[tuple[str, Any, int]] = []
    judge = Judge(ctx.calendar, cohort.as_of)
    for row in uow.reports.irregular(cohort):
        ok = judge.on_time(row, metas.get(row["model_version_id"], {}).get("time_limit"))
        stage = "resolved" if row["resolved"] else "open"
        key = f"{stage}_on_time" if ok else ("resolved_late" if row["resolved"] else "open_overdue")
        by_key[(row["unit"], row["model_version_id"], row["channel"])].counts[key] += 1
        if not ok:
            late.append((row["unit"], row["received_at"], row["id"]))
    return tallies, metas, late


def _cohort(
    ctx: Context, request: ReportRequest, period: Period, units: frozenset[str] | None
) -> Cohort:
    start, end = period.bounds(ctx.calendar.hours.tz)
    as_of = request.as_of or min(ctx.clock.now(), end)
    return Cohort(start, end, as_of, units, request.unit, request.procedure_id, request.channel)


def _periods(ctx: Context) -> list[tuple[float, float]]:
    return [(a.total_seconds(), b.total_seconds()) for a, b in ctx.calendar.hours.offsets]


def _metas(uow: UnitOfWork, version_ids: set[int]) -> dict[int, dict[str, Any]]:
    metas = {}
    for version_id in version_ids:
        version = uow.models.get(version_id)
        metas[version_id] = dict(version.meta) if version is not None else {}
    return metas


def _trend(
    ctx: Context, uow: UnitOfWork, request: ReportRequest, units: frozenset[str] | None
) -> list[dict[str, Any]]:
    """Indicator 2.1 for each of the months ending with the period's last month."""
    trend = []
    for month in request.period.months_back(request.trend_months):
        as_of_request = ReportRequest(month, request.unit, request.procedure_id, request.channel)
        cohort = _cohort(ctx, as_of_request, month, units)
        if cohort.start >= cohort.as_of:
            continue
        tallies, _, _ = judged_tallies(ctx, uow, cohort)
        num, den, rate = figures.on_time_rate(tallies)
        c = figures.totals(tallies)
        trend.append(
            {
                "month": month.label,
                "received": c["received"],
                "on_time": num,
                "processed": den,
                "rate": float(rate) if rate is not None else None,
            }
        )
    return trend


def _by_unit(tallies: list[Tally], net: dict[str, float], per_day: float) -> list[dict[str, Any]]:
    units = sorted({t.unit for t in tallies})
    rows = []
    for unit in units:
        mine = [t for t in tallies if t.unit == unit]
        c = figures.counts(mine)
        num, den, rate = figures.on_time_rate(mine)
        resolved = c["resolved"]
        days = round(net.get(unit, 0.0) / per_day / resolved, 2) if resolved else None
        rows.append(
            {
                "unit": unit,
                **{k: v for k, v in c.items() if k != "by_channel"},
                "received_in_person": c["by_channel"]["1"]["count"],
                "received_online": c["by_channel"]["2"]["count"],
                "received_postal": c["by_channel"]["3"]["count"],
                "on_time_rate": float(rate) if rate is not None else None,
                "average_working_days": days,
            }
        )
    return rows


def data_keys_doc() -> list[dict[str, str]]:
    """The case data keys the report reads, for the report's notes."""
    return [{"name": k.name, "pointer": k.pointer, "label": k.label} for k in DATA_KEYS]
