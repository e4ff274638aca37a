"""Steps of the calendar features: they drive /calendar over HTTP like an API client would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when
from sqlalchemy import text

from features.conftest import MONTHS, VN, World

_DAY = re.compile(
    r"^(?P<weekday>[A-Z][a-z]+) (?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) (?P<year>\d{4})$"
)
# A day as written in the features, for step patterns: "Friday 14 March 2025".
DAY = r"[A-Z][a-z]+ \d{1,2} [A-Z][a-z]+ \d{4}"
_MOMENT = re.compile(r"^(?P<hh>\d{2}):(?P<mm>\d{2}) on (?P<day>.+)$")


@pytest.fixture(autouse=True)
def _forget_override_changes(ctx: Any) -> Iterator[None]:
    """PostgreSQL tests share one schema: drop the versions a scenario stored, keep the seed."""
    yield
    with ctx.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE changed_by <> 'system'"))


def a_day(phrase: str) -> date:
    """'Friday 14 March 2025' as a date; the weekday must be right, as a reader would check."""
    match = _DAY.match(phrase.strip())
    assert match, f"write a day as 'Friday 14 March 2025', not {phrase!r}"
    day = date(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
    assert day.strftime("%A") == match["weekday"], f"{day:%d %B %Y} is a {day:%A}"
    return day


def a_moment(phrase: str) -> datetime:
    """'10:00 on Friday 24 January 2025' as an instant in Vietnam time."""
    match = _MOMENT.match(phrase.strip())
    assert match, f"write a moment as '10:00 on Friday 24 January 2025', not {phrase!r}"
    day = a_day(match["day"])
    return datetime(day.year, day.month, day.day, int(match["hh"]), int(match["mm"]), tzinfo=VN)


def _ok(world: World) -> dict[str, Any]:
    assert world.last.status_code == 200, world.last.get_json()
    body: dict[str, Any] = world.last.get_json()
    return body


@given(parsers.parse('the administrator "{user}" is signed in'))
def admin_signed_in(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["admin"], [])


@when(
    parsers.parse(
        '"{user}" asks for the appointment of a dossier received at {moment} '
        'with a time limit of "{limit}"'
    )
)
def ask_due(world: World, user: str, moment: str, limit: str) -> None:
    world.last = world.client.get(
        "/calendar/due",
        query_string={"received": a_moment(moment).isoformat(), "limit": limit},
        headers=world.as_(user),
    )


@then(parsers.parse("the appointment is {moment}"))
def appointment_is(world: World, moment: str) -> None:
    got = _ok(world)["due"]
    assert datetime.fromisoformat(got) == a_moment(moment), got
    assert got.endswith("+07:00"), f"the appointment is shown in Vietnam time: {got}"


@then(parsers.parse("counting started at {moment}"))
def counting_started(world: World, moment: str) -> None:
    got = _ok(world)["counting_start"]
    assert datetime.fromisoformat(got) == a_moment(moment), got


@when(parsers.parse('"{user}" opens the working calendar of {year:d}'))
def open_year(world: World, user: str, year: int) -> None:
    world.last = world.client.get(f"/calendar/{year}", headers=world.as_(user))


def _days_off(world: World) -> dict[str, dict[str, Any]]:
    return {d["day"]: d for d in _ok(world)["non_working_days"]}


@then(
    parsers.re(
        rf'every weekday from (?P<first>{DAY}) to (?P<last>{DAY}) is off for "(?P<reason>[^"]+)"'
    )
)
def weekdays_off(world: World, first: str, last: str, reason: str) -> None:
    days, day, end = _days_off(world), a_day(first), a_day(last)
    while day <= end:
        if day.weekday() < 5:
            assert day.isoformat() in days, f"{day} is not listed as a day off"
            assert reason in days[day.isoformat()]["reason"], days[day.isoformat()]
        day += timedelta(days=1)


@then(parsers.re(rf'(?P<day>{DAY}) is off for "(?P<reason>[^"]+)"'))
def day_off(world: World, day: str, reason: str) -> None:
    listed = _days_off(world).get(a_day(day).isoformat())
    assert listed is not None, f"{day} is not listed as a day off"
    assert reason in listed["reason"], listed


@then(parsers.re(rf'(?P<day>{DAY}) is a make-up working day citing "(?P<reference>[^"]+)"'))
def make_up_day(world: World, day: str, reference: str) -> None:
    found = {d["day"]: d for d in _ok(world)["make_up_working_days"]}
    listed = found.get(a_day(day).isoformat())
    assert listed is not None and listed["kind"] == "workday", found
    assert reference in listed["legal_ref"], listed


@then(parsers.re(rf"(?P<day>{DAY}) is the only make-up working day of \d{{4}}"))
def only_make_up_day(world: World, day: str) -> None:
    assert [d["day"] for d in _ok(world)["make_up_working_days"]] == [a_day(day).isoformat()]


@when(parsers.parse('"{user}" lists the calendar overrides of {year:d}'))
def list_overrides(world: World, user: str, year: int) -> None:
    world.last = world.client.get(
        "/calendar/overrides", query_string={"year": year}, headers=world.as_(user)
    )


@then(
    parsers.re(
        rf'(?P<day>{DAY}) is listed as a make-up working day citing "(?P<reference>[^"]+)", '
        r'set by "(?P<who>[^"]+)"'
    )
)
def listed_override(world: World, day: str, reference: str, who: str) -> None:
    items = {o["day"]: o for o in _ok(world)["items"]}
    found = items.get(a_day(day).isoformat())
    assert found is not None, items
    assert (found["kind"], found["changed_by"]) == ("workday", who), found
    assert reference in found["legal_ref"], found


def _declare(world: World, user: str, day: str, reason: str, reference: str) -> None:
    world.last = world.client.post(
        "/calendar/overrides",
        json={"day": day, "kind": "off", "reason": reason, "legal_ref": reference},
        headers=world.as_(user),
    )


@when(
    parsers.re(
        rf'"(?P<user>[^"]+)" declares (?P<day>{DAY}) an extra '
        r'day off because "(?P<reason>[^"]+)" under "(?P<reference>[^"]+)"'
    )
)
def declare_day_off(world: World, user: str, day: str, reason: str, reference: str) -> None:
    _declare(world, user, a_day(day).isoformat(), reason, reference)


@when(
    parsers.parse(
        '"{user}" declares the day "{day}" an extra day off because "{reason}" under "{reference}"'
    )
)
def declare_raw_day_off(world: World, user: str, day: str, reason: str, reference: str) -> None:
    _declare(world, user, day, reason, reference)


@when(parsers.parse('"{user}" withdraws the override of {day} because "{reason}"'))
def withdraw(world: World, user: str, day: str, reason: str) -> None:
    world.last = world.client.delete(
        f"/calendar/overrides/{a_day(day).isoformat()}",
        query_string={"reason": reason},
        headers=world.as_(user),
    )


@then(parsers.parse("the answer is {status:d}"))
def answer_is(world: World, status: int) -> None:
    assert world.last.status_code == status, world.last.get_json()
    if status >= 400:
        error = world.last.get_json()["error"]
        assert error["status"] == status and error["message"], error


def _history(world: World, day: date) -> list[dict[str, Any]]:
    user = next(iter(world.headers))
    response = world.client.get(
        "/calendar/overrides",
        query_string={"year": day.year, "history": "true"},
        headers=world.as_(user),
    )
    assert response.status_code == 200, response.get_json()
    return [o for o in response.get_json()["items"] if o["day"] == day.isoformat()]


@then(parsers.parse('the history of {day} lists the versions "{kinds}", both by "{who}"'))
def history_of(world: World, day: str, kinds: str, who: str) -> None:
    versions = _history(world, a_day(day))
    assert [v["kind"] for v in versions] == [k.strip() for k in kinds.split(",")], versions
    assert {v["changed_by"] for v in versions} == {who}, versions
    assert versions[1]["supersedes"] == versions[0]["version"], versions


@then(parsers.parse("no override is in force on {day}"))
def no_override(world: World, day: str) -> None:
    assert _history(world, a_day(day)) == []
