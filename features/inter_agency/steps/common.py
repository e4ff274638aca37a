"""Shared steps of the inter-agency features: fixtures, who is signed in, the worker, cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from features.conftest import MONTHS, ROLE_OF, VN, World, claim, it_is
from features.inter_agency.fake_receiver import FakeReceiver

SECRET = "motcua-test-secret-0123456789abcdef"
ROLES = {
    **ROLE_OF,
    "police officer": "police",
    "social-insurance officer": "social_insurance",
    "land officer": "land_officer",
    "land registry officer": "land_registry",
    "tax officer": "tax",
}


@pytest.fixture
def portal() -> Iterator[FakeReceiver]:
    """The national portal, played by a real HTTP server on 127.0.0.1."""
    receiver = FakeReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def settings(database_url: str, portal: FakeReceiver) -> Any:
    """The test settings with portal sync on, pointed at the fake portal."""
    from engine.settings import Settings

    return Settings.from_env(
        database_url=database_url,
        secret_key=SECRET,
        portal_url=portal.url + "/dvcqg",
        digest_at="off",
    )


# -- who is signed in ----------------------------------------------------------------------


@given(parsers.parse('the {kind} "{user}" of unit "{unit}" is signed in'))
def signed_in(world: World, kind: str, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer", ROLES[kind]], [unit])


@given(parsers.parse('the {kind} system "{user}" is signed in'))
def system_signed_in(world: World, kind: str, user: str) -> None:
    world.headers[user] = world.token_for(user, ["integration"], [])


@given(parsers.parse('the operator "{user}" is signed in'))
def operator_signed_in(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["operator"], [])


# -- time and the worker -------------------------------------------------------------------

when(parsers.parse("it is {hh:d}:{mm:d} on {weekday} {day:d} {month} {year:d}"))(it_is)


@given("the worker routes the messages")
@when("the worker routes the messages")
def worker_routes(ctx: Any) -> None:
    from engine.worker import run_once

    run_once(ctx)


def _until(clock: Any, hh: int, mm: int, weekday: str, day: int, month: str, year: int) -> datetime:
    until = datetime(year, MONTHS[month], day, hh, mm, tzinfo=VN)
    assert until.strftime("%A") == weekday, f"{until:%d %B %Y} is a {until:%A}"
    assert until >= clock.now(), "the worker's rounds never go back in time"
    return until


ROUNDS = {"15 minutes": timedelta(minutes=15), "hour": timedelta(hours=1), "day": timedelta(days=1)}


@when(
    parsers.parse(
        "the worker runs every {step} until {hh:d}:{mm:d} on {weekday} {day:d} {month} {year:d}"
    )
)
def worker_runs_until(
    ctx: Any,
    clock: Any,
    step: str,
    hh: int,
    mm: int,
    weekday: str,
    day: int,
    month: str,
    year: int,
) -> None:
    until = _until(clock, hh, mm, weekday, day, month, year)
    delta = ROUNDS[step]
    while clock.now() + delta < until:
        clock.advance(delta)
        worker_routes(ctx)
    clock.set(until)
    worker_routes(ctx)


@when(parsers.parse("{hours:d} hours pass and the worker routes the messages"))
def hours_pass(ctx: Any, clock: Any, hours: int) -> None:
    clock.advance(timedelta(hours=hours))
    worker_routes(ctx)


@when(parsers.parse("the worker routes the messages every {minutes:d} minutes for {hours:d} hours"))
def worker_rounds(ctx: Any, clock: Any, minutes: int, hours: int) -> None:
    for _ in range(hours * 60 // minutes):
        worker_routes(ctx)
        clock.advance(timedelta(minutes=minutes))
    worker_routes(ctx)


# -- tasks and cases of any agency ---------------------------------------------------------


def complete(
    world: World, user: str, element_id: str, data: dict[str, Any], code: str = ""
) -> None:
    """Claim and complete the open task `element_id` of a case (the scenario's by default)."""
    previous = world.case_code
    world.case_code = code or previous
    try:
        claim(world, user, element_id)
        task_id = world.task_id(user, element_id)
        response = world.client.post(
            f"/tasks/{task_id}/complete", json={"data": data}, headers=world.as_(user)
        )
        assert response.status_code == 200, response.get_json()
    finally:
        world.case_code = previous


def claim_of(world: World, user: str, element_id: str, code: str) -> None:
    """Claim the open task `element_id` of another case."""
    previous, world.case_code = world.case_code, code
    try:
        claim(world, user, element_id)
    finally:
        world.case_code = previous


def agency_cases(world: World, user: str, procedure_id: str) -> list[dict[str, Any]]:
    """The cases of a procedure the user's units hold (none for the operators and systems
    signed in: their tokens may not list cases)."""
    response = world.client.get(
        "/cases", query_string={"procedure_id": procedure_id}, headers=world.as_(user)
    )
    if response.status_code == 403:
        return []
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def agency_case(world: World, procedure_id: str) -> tuple[str, dict[str, Any]]:
    """The one case of a procedure someone signed in sees, with who sees it."""
    for user in world.headers:
        items = agency_cases(world, user, procedure_id)
        if items:
            assert len(items) == 1, items
            return user, items[0]
    raise AssertionError(f"no {procedure_id} case is visible to anyone signed in")


def history(world: World, user: str, code: str) -> list[dict[str, Any]]:
    """A case's events, as GET /cases/<code>/history gives them."""
    response = world.client.get(f"/cases/{code}/history", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["events"])


def unit_tasks(world: World, user: str) -> list[dict[str, Any]]:
    """The open tasks of the user's units and groups."""
    response = world.client.get("/tasks", query_string={"scope": "units"}, headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


@then(parsers.parse('"{user}" does not see the task "{element_id}" in the unit\'s task list yet'))
def not_yet(world: World, user: str, element_id: str) -> None:
    assert element_id not in [t["element_id"] for t in unit_tasks(world, user)]
