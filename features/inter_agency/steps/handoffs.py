"""Steps of the acknowledgement rule: handoffs, their acknowledgement, the leader's escalation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.conftest import World
from features.inter_agency.steps.common import (
    agency_case,
    claim_of,
    complete,
    history,
    unit_tasks,
)

AGENCY_PROCEDURES = {
    "residence": "newborn_residence",
    "health-insurance": "newborn_health_insurance",
    "tax": "land_financial_obligation",
}
ESCALATION = "handoff_escalation"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def handoff(world: World, name: str, user: str = "") -> dict[str, Any]:
    """The dossier's handoff of that message, from GET /cases/<code>/handoffs."""
    user = user or next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/handoffs", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    found = [h for h in response.get_json()["items"] if h["message"] == name]
    assert len(found) == 1, response.get_json()
    return found[0]


@given(parsers.parse('unit "{unit}" keeps office hours {start}-{lunch} and {after}-{end}'))
def unit_office_hours(ctx: Any, unit: str, start: str, lunch: str, after: str, end: str) -> None:
    from engine.calendar import office_hours_from_dict
    from engine.services.calendar import live_calendar

    hours = office_hours_from_dict({"periods": [[start, lunch], [after, end]]})
    ctx.unit_calendars[unit] = live_calendar(ctx.reader, hours)


@when(parsers.parse('"{user}" claims "{element_id}" of the {kind} case'))
def claims_of_agency(world: World, user: str, element_id: str, kind: str) -> None:
    _, case = agency_case(world, AGENCY_PROCEDURES[kind])
    claim_of(world, user, element_id, case["code"])


@then(parsers.parse('the dossier\'s handoff "{name}" awaits acknowledgement until "{iso}"'))
def awaits(world: World, name: str, iso: str) -> None:
    h = handoff(world, name)
    assert h["state"] == "awaiting" and h["acknowledged_at"] is None, h
    assert _at(h["ack_due_at"]) == _at(iso), h
    assert h["allotment"] == "2WH", h


@then(
    parsers.parse(
        'the dossier\'s handoff "{name}" was acknowledged in time by "{who}" at "{iso}" ({how})'
    )
)
def acknowledged_in_time(world: World, name: str, who: str, iso: str, how: str) -> None:
    h = handoff(world, name)
    assert (h["state"], h["late"], h["acknowledged_by"], h["acknowledged_how"]) == (
        "acknowledged",
        False,
        who,
        how,
    ), h
    assert _at(h["acknowledged_at"]) == _at(iso), h
    assert h["escalated_at"] is None and h["escalation_task"] is None, h


@then(parsers.parse('the dossier\'s handoff "{name}" was acknowledged on delivery'))
def acknowledged_on_delivery(world: World, name: str) -> None:
    h = handoff(world, name)
    assert (h["state"], h["acknowledged_how"], h["late"]) == ("acknowledged", "delivered", False), h
    assert h["acknowledged_at"] == h["delivered_at"], h


@then(parsers.parse('the dossier\'s handoff "{name}" was escalated at "{iso}"'))
def escalated(world: World, name: str, iso: str) -> None:
    h = handoff(world, name)
    assert h["state"] == "escalated" and h["acknowledged_at"] is None, h
    assert _at(h["escalated_at"]) == _at(iso) and h["escalation_task"], h


@then(parsers.parse('the dossier\'s handoff "{name}" was acknowledged late by "{who}"'))
def acknowledged_late(world: World, name: str, who: str) -> None:
    h = handoff(world, name)
    assert (h["state"], h["late"], h["acknowledged_by"]) == ("escalated", True, who), h
    assert _at(h["acknowledged_at"]) > _at(h["ack_due_at"]), h


@then(parsers.parse('the dossier\'s handoff "{name}" was answered late by the receiving system'))
def answered_late(world: World, name: str) -> None:
    h = handoff(world, name)
    assert (h["state"], h["late"], h["acknowledged_how"]) == ("escalated", True, "http_2xx"), h
    assert h["acknowledged_by"] == h["receiver"]["endpoint"], h


def _escalations(world: World, user: str) -> list[dict[str, Any]]:
    return [
        t
        for t in unit_tasks(world, user)
        if t["element_id"] == ESCALATION and t["case_code"] == world.case_code
    ]


@then(
    parsers.parse(
        '"{user}" sees {count:d} escalation task of the dossier about "{receiver}", due at "{iso}"'
    )
)
def sees_escalation(world: World, user: str, count: int, receiver: str, iso: str) -> None:
    tasks = _escalations(world, user)
    assert len(tasks) == count, tasks
    for task in tasks:
        assert task["kind"] == "handoff" and receiver in task["name"], task
        assert task["candidate_groups"] == ["leader"] and task["assignee"] is None, task
        assert _at(task["due_at"]) == _at(iso), task


@then(parsers.parse('"{user}" sees no escalation task of the dossier'))
def no_escalation(world: World, user: str) -> None:
    assert _escalations(world, user) == []


@then(
    parsers.parse(
        '"{user}" finds the dossier\'s handoff "{name}" among the {state} handoffs of the unit'
    )
)
def in_unit_list(world: World, user: str, name: str, state: str) -> None:
    response = world.client.get("/handoffs", query_string={"state": state}, headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    mine = [
        h
        for h in response.get_json()["items"]
        if h["message"] == name and h["sender"]["case"] == world.case_code
    ]
    assert len(mine) == 1 and mine[0]["direction"] == "sent", response.get_json()


@then(parsers.parse('the dossier\'s history records {count:d} unacknowledged handoff "{name}"'))
def history_escalations(world: World, count: int, name: str) -> None:
    user = next(iter(world.headers))
    events = [
        e
        for e in history(world, user, world.case_code or "")
        if e["type"] == "handoff_unacknowledged"
    ]
    assert [e["payload"]["message"] for e in events] == [name] * count, events
    assert all(e["actor"] == "system:handoffs" for e in events), events


@when(
    parsers.parse(
        '"{user}" claims and completes "handoff_escalation" noting the call to the other agency'
    )
)
def handle_escalation(world: World, user: str) -> None:
    complete(
        world,
        user,
        ESCALATION,
        {
            "action": "contacted",
            "note": "Đã gọi điện đề nghị cơ quan nhận tiếp nhận hồ sơ liên thông ngay trong ngày",
        },
    )
