"""Steps of the report features: ask for the 766 report over HTTP and read it."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from features.conftest import MONTHS, World


@when(parsers.parse('"{user}" asks for the 766 report of {month} {year:d}'))
def ask_report(world: World, user: str, month: str, year: int) -> None:
    world.period = f"{year}-{MONTHS[month]:02d}"  # type: ignore[attr-defined]
    world.reader = user  # type: ignore[attr-defined]
    world.last = world.client.get(
        "/reports/766", query_string={"period": world.period}, headers=world.as_(user)
    )


def _report(world: World) -> dict[str, Any]:
    assert world.last.status_code == 200, world.last.get_json()
    body: dict[str, Any] = world.last.get_json()
    return body


@then(
    parsers.parse(
        "the report counts {received:d} dossiers received, {resolved:d} resolved and "
        "{open_:d} in progress"
    )
)
def report_counts(world: World, received: int, resolved: int, open_: int) -> None:
    counts = _report(world)["counts"]
    assert (counts["received"], counts["resolved"], counts["in_progress"]) == (
        received,
        resolved,
        open_,
    ), counts


@then(parsers.parse("the on-time rate of indicator 2.1 is {rate:g}%"))
def on_time_rate(world: World, rate: float) -> None:
    indicator = next(i for i in _report(world)["indicators"] if i["code"] == "2.1")
    assert indicator["rate"] == rate, indicator


@then(parsers.parse('the late steps name "{officer}" of unit "{unit}" with {n:d} late step'))
def late_officer(world: World, officer: str, unit: str, n: int) -> None:
    rows = _report(world)["overdue"]["by_officer"]
    assert {"officer": officer, "unit": unit, "late_steps": n} in [
        {k: r[k] for k in ("officer", "unit", "late_steps")} for r in rows
    ], rows


@then(
    parsers.parse(
        'the overdue dossiers list the late one with its step "{element_id}" held by "{officer}"'
    )
)
def overdue_dossier(world: World, element_id: str, officer: str) -> None:
    dossiers = _report(world)["overdue"]["dossiers"]
    assert len(dossiers) == 1, dossiers
    assert dossiers[0]["reason"] == "finished_late"
    steps = [(s["element_id"], s["officer"]) for s in dossiers[0]["late_steps"]]
    assert (element_id, officer) in steps, steps


@then(parsers.parse("the HTML report draws {rate}% on its on-time chart"))
def html_chart(world: World, rate: str) -> None:
    user = world.reader  # type: ignore[attr-defined]
    response = world.client.get(
        "/reports/766",
        query_string={"period": world.period, "format": "html"},  # type: ignore[attr-defined]
        headers=world.as_(user),
    )
    page = response.get_data(as_text=True)
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert f">{rate}%</text>" in chart, chart


@then(parsers.parse("the report is refused with {status:d}"))
def refused(world: World, status: int) -> None:
    assert world.last.status_code == status, world.last.get_json()
