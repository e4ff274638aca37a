"""Steps of the legal-clock features: the worker's rounds, SLA states, re-appointment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytest_bdd import parsers, then, when

from features.conftest import World, claim

SUPPLEMENT_REQUEST = {
    "verification_result": "needs_supplement",
    "missing_documents": ["Giấy chứng sinh bản chính"],
    "officer_note": "Bản chụp Giấy chứng sinh không rõ số",
}


@then(parsers.parse('the case\'s legal clock is "{state}" "{label}"'))
def sla_state(world: World, state: str, label: str) -> None:
    sla = world.case()["sla"]
    assert (sla["state"], sla["label"]) == (state, label), sla


def _event_types(world: World) -> list[str]:
    user = next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert response.status_code == 200
    return [e["type"] for e in response.get_json()["events"]]


@then(parsers.parse('the case history records "{first}", "{second}" and "{third}"'))
def history_records_three(world: World, first: str, second: str, third: str) -> None:
    types = _event_types(world)
    positions = [types.index(t) for t in (first, second, third)]
    assert positions == sorted(positions), types


@then(parsers.parse('the case history records "{event_type}"'))
def history_records(world: World, event_type: str) -> None:
    assert event_type in _event_types(world)


@when(
    parsers.parse(
        '"{user}" claims and completes "{element_id}" with an instruction to finish today'
    )
)
def acknowledge_warning(world: World, user: str, element_id: str) -> None:
    claim(world, user, element_id)
    task_id = world.task_id(user, element_id)
    world.last = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": {"instruction": "Hoàn thành và trả kết quả trong ngày"}},
        headers=world.as_(user),
    )
    assert world.last.status_code == 200, world.last.get_json()


@when(parsers.parse('"{user}" claims and completes "{element_id}" asking for a supplement'))
def ask_supplement(world: World, user: str, element_id: str) -> None:
    claim(world, user, element_id)
    task_id = world.task_id(user, element_id)
    world.last = world.client.post(
        f"/tasks/{task_id}/complete", json={"data": SUPPLEMENT_REQUEST}, headers=world.as_(user)
    )
    assert world.last.status_code == 200, world.last.get_json()


@then(parsers.parse('"{user}" finds the dossier among the unit\'s "{state}" dossiers'))
def listed(world: World, user: str, state: str) -> None:
    response = world.client.get(
        "/sla/cases", query_string={"state": state}, headers=world.as_(user)
    )
    assert response.status_code == 200, response.get_json()
    assert world.case_code in [c["code"] for c in response.get_json()["items"]]


def _summary(world: World) -> dict[str, Any]:
    user = next(iter(world.headers))
    response = world.client.get("/sla/summary", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@then(parsers.parse('the delay summary counts {n:d} overdue dossier for unit "{unit}"'))
def summary_counts(world: World, n: int, unit: str) -> None:
    rows = {r["unit"]: r for r in _summary(world)["by_unit"]}
    assert rows[unit]["overdue"] == n, rows


@then(parsers.parse('the delay summary lists a late step waiting for the "{group}" group'))
def summary_officer(world: World, group: str) -> None:
    officers = [r["officer"] for r in _summary(world)["by_officer"]]
    assert any(group in o for o in officers), officers


@then("the case is not on time by the Decision 766 rule")
def not_on_time(world: World) -> None:
    assert world.case()["sla"]["on_time"] is False


@then("the case is on time by the Decision 766 rule")
def on_time(world: World) -> None:
    assert world.case()["sla"]["on_time"] is True


def _completed_task(world: World, element_id: str) -> dict[str, Any]:
    """The completed task as seen by whichever signed-in officer's groups it belonged to."""
    for user in world.headers:
        response = world.client.get(
            "/tasks",
            query_string={"case": world.case_code, "element_id": element_id, "state": "completed"},
            headers=world.as_(user),
        )
        assert response.status_code == 200, response.get_json()
        if response.get_json()["items"]:
            return response.get_json()["items"][-1]
    raise AssertionError(f"no completed {element_id} visible to {list(world.headers)}")


@then(parsers.parse('the handed-over step "{element_id}" is marked late "{label}"'))
@then(parsers.parse('the handed-over step "{element_id}" is marked "{label}"'))
def step_marked(world: World, element_id: str, label: str) -> None:
    assert _completed_task(world, element_id)["verdict_label"] == label


@then(parsers.parse("the case has {n:d} supplement request and {hours:d} paused working hours"))
def paused_totals(world: World, n: int, hours: int) -> None:
    sla = world.case()["sla"]
    assert (sla["supplement_requests"], sla["paused_working_hours"]) == (n, hours), sla


@when(parsers.parse('"{user}" re-appoints the dossier to "{iso}" because {reason}'))
def reappoint(world: World, user: str, iso: str, reason: str) -> None:
    world.last = world.client.post(
        f"/cases/{world.case_code}/reappointment",
        json={
            "reason": f"Lý do: {reason}",
            "new_appointment_at": iso,
            "signed_by": "Lê Văn Hùng",
            "signer_title": "Chủ tịch UBND xã",
        },
        headers=world.as_(user),
    )


@then(parsers.parse('the answer is {status:d} saying "{text}"'))
def answer_saying(world: World, status: int, text: str) -> None:
    assert world.last.status_code == status, world.last.get_json()
    assert text in world.last.get_json()["error"]["message"]


@then(parsers.parse("the answer is {status:d}"))
def answer_status(world: World, status: int) -> None:
    assert world.last.status_code == status, world.last.get_json()


@then('a slip "mau_04" was issued with the new appointment and the signer')
def apology_slip(world: World) -> None:
    user = next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/slips", headers=world.as_(user))
    slip = next(s for s in response.get_json()["events"] if s["form"] == "mau_04")
    assert datetime.fromisoformat(slip["appointment_at"]) == datetime.fromisoformat(
        world.case()["appointment_at"]
    )
    assert slip["signer_title"] == "Chủ tịch UBND xã" and slip["reason"]
