"""Steps of the household-business features: they drive the HTTP API like an API client would.

The shared steps (features/conftest.py) sign officers in, set the clock, claim tasks and check
statuses. Two of their phrases are taken over here for this folder only (pytest-bdd prefers the
closest definition): "... claims and completes ... with <outcome>", whose outcomes name this
procedure's sample data, and the signing-in of a business-registration officer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.conftest import ROLE_OF, World, claim
from features.samples import HB, household_application, task_data

PROCEDURE = "household_business"
UNIT = "UBND-HOANKIEM"
ROLES = {**ROLE_OF, "business-registration officer": "business_registration"}
OUTCOME = {
    "the dossier complete": "counter_check/complete",
    "the dossier incomplete": "counter_check/incomplete",
    "the dossier ineligible": "counter_check/ineligible",
    "the missing signature": "receive_supplement",
    "the registration approved": "review_registration/approved",
    "a request to correct the business name": "review_registration/needs_supplement",
    "the registration refused": "review_registration/refused",
    "the corrected application": "receive_processing_supplement",
    "the tax code from the tax system": "record_tax_code",
    "the certificate signed": "leader_sign/signed",
    "the certificate returned for review": "leader_sign/returned",
    "the certificate handed over in person": "return_result/in_person",
    "an instruction to finish by tomorrow morning": "remind_processing",
    "a reason and a new date": "apology_reappointment",
}
CORRECTED_NAME = "Hộ kinh doanh Phở Phúc Hàng Bạc"


@given("the household business procedure is deployed")
def procedure_deployed(world: World, token_for: Any) -> None:
    headers = token_for("analyst.an", ["analyst"], [])
    response = world.client.get(f"/process-models/{PROCEDURE}", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["time_limit"] == "3WD"


@given(parsers.parse('the {kind} "{user}" of unit "{unit}" is signed in'))
def signed_in(world: World, kind: str, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer", ROLES[kind]], [unit])


def _receive(world: World, user: str, unit: str, data: dict[str, Any]) -> Any:
    world.last = world.client.post(
        "/cases",
        json={"procedure_id": PROCEDURE, "channel": 1, "unit": unit, "data": data},
        headers=world.as_(user),
    )
    if world.last.status_code == 201:
        world.case_code = world.last.get_json()["code"]
    return world.last


@given(parsers.parse('"{user}" receives a household business dossier in person at unit "{unit}"'))
@when(parsers.parse('"{user}" receives a household business dossier in person at unit "{unit}"'))
def receive(world: World, user: str, unit: str) -> None:
    response = _receive(world, user, unit, household_application())
    assert response.status_code == 201, response.get_json()


@when(parsers.parse('"{user}" receives a household business dossier whose {path} is {value}'))
def receive_with(world: World, user: str, path: str, value: str) -> None:
    data = household_application()
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[int(last) if isinstance(target, list) else last] = json.loads(value)
    _receive(world, user, UNIT, data)


@given("a household business dossier accepted at the counter")
def accepted_dossier(world: World) -> None:
    receive(world, "mc.lan", UNIT)
    complete_with(world, "mc.lan", "counter_check", "the dossier complete")


@when(parsers.parse('"{user}" claims and completes "{element_id}" with {outcome}'))
def complete_with(world: World, user: str, element_id: str, outcome: str) -> None:
    claim(world, user, element_id)
    task_id = world.task_id(user, element_id)
    world.last = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": task_data(HB + OUTCOME[outcome])},
        headers=world.as_(user),
    )
    assert world.last.status_code == 200, world.last.get_json()
    world.completed[element_id] = task_id


@then(parsers.parse('no task "{element_id}" is open for the case'))
def no_such_task(world: World, element_id: str) -> None:
    open_ids = [t["element_id"] for t in world.case()["open_tasks"]]
    assert element_id not in open_ids, open_ids


@then(parsers.parse('"{user}" can act on the open task "{element_id}"'))
def can_act(world: World, user: str, element_id: str) -> None:
    task_id = world.task_id(user, element_id)
    response = world.client.get(f"/tasks/{task_id}", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] in ("open", "claimed"), body["state"]
    assert body["can_act"] is True, body


@then(parsers.parse("the open tasks of the case are {names}"))
def open_tasks_are(world: World, names: str) -> None:
    expected = sorted(n.strip().strip('"') for n in names.replace(" and ", ",").split(","))
    assert sorted(t["element_id"] for t in world.case()["open_tasks"]) == expected


def _history(world: World) -> list[dict[str, Any]]:
    user = next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert response.status_code == 200
    events: list[dict[str, Any]] = response.get_json()["events"]
    return events


@then(parsers.parse('the case history records the timer "{element_id}" firing at {iso}'))
def timer_fired(world: World, element_id: str, iso: str) -> None:
    fired = [e for e in _history(world) if e["type"] == "timer_fired"]
    assert [e["payload"]["element_id"] for e in fired] == [element_id], fired
    assert datetime.fromisoformat(fired[0]["payload"]["due_at"]) == datetime.fromisoformat(iso)


@then(parsers.parse('the case\'s legal clock is "{state}" "{label}"'))
def sla_state(world: World, state: str, label: str) -> None:
    sla = world.case()["sla"]
    assert (sla["state"], sla["label"]) == (state, label), sla


@then(parsers.parse('the legal clock is paused for the reason "{reason}"'))
def paused_for(world: World, reason: str) -> None:
    intervals = world.case()["legal_clock"]["intervals"]
    assert intervals[-1]["state"] == "paused" and intervals[-1]["to"] is None, intervals
    assert intervals[-1]["reason"] == reason, intervals
    paused = [e for e in _history(world) if e["type"] == "clock_paused"]
    assert [e["payload"]["reason"] for e in paused] == [reason], paused


@then(parsers.parse("the case has {count:d} supplement request and {hours:g} paused working hours"))
def paused_hours(world: World, count: int, hours: float) -> None:
    sla = world.case()["sla"]
    assert sla["supplement_requests"] == count, sla
    assert sla["paused_working_hours"] == hours, sla


@then("the case is on time by the Decision 766 rule")
def on_time(world: World) -> None:
    assert world.case()["sla"]["on_time"] is True


def _slip(world: World, form: str) -> dict[str, Any]:
    user = next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/slips", headers=world.as_(user))
    assert response.status_code == 200
    slips = [s for s in response.get_json()["events"] if s["form"] == form]
    assert slips, f"no slip {form} was issued"
    return slips[-1]


@then(parsers.parse('a receipt slip "{form}" was issued to the owner with the appointment'))
def receipt_slip(world: World, form: str) -> None:
    slip = _slip(world, form)
    case = world.case()
    assert slip["dossier_code"] == world.case_code
    assert slip["procedure"] == {"tthc_code": "1.001612", "name": "Đăng ký thành lập hộ kinh doanh"}
    assert slip["time_limit"] == "3WD"
    assert datetime.fromisoformat(slip["appointment_at"]) == datetime.fromisoformat(
        case["appointment_at"]
    )
    assert slip["applicant"]["personal_id"] == "001085023456"
    assert [d["code"] for d in slip["documents"]] == ["GDN", "GTPL"]


@then(parsers.parse('a slip "{form}" was issued listing "{text}"'))
def slip_listing(world: World, form: str, text: str) -> None:
    slip = _slip(world, form)
    assert any(text in item for item in slip["missing_documents"]), slip["missing_documents"]
    assert slip["once_only"] is True


@then(parsers.parse('a slip "{form}" was issued with a reason mentioning "{text}"'))
def refusal_slip(world: World, form: str, text: str) -> None:
    assert text in _slip(world, form)["reason"]


@then(
    parsers.parse('a slip "{form}" was issued with the reason, the new appointment and the signer')
)
def apology_slip(world: World, form: str) -> None:
    slip = _slip(world, form)
    sample = task_data(HB + "apology_reappointment")
    assert slip["reason"] == sample["reason"]
    assert datetime.fromisoformat(slip["appointment_at"]) == datetime.fromisoformat(
        sample["new_appointment_at"]
    )
    assert datetime.fromisoformat(slip["previous_appointment_at"]) == datetime.fromisoformat(
        "2025-03-07T09:00:00+07:00"
    )
    assert (slip["signed_by"], slip["signer_title"]) == (
        sample["signed_by"],
        sample["signer_title"],
    )


@then("the case data holds the corrected business name")
def corrected_name(world: World) -> None:
    assert world.case()["data"]["business"]["name"] == CORRECTED_NAME


@then(parsers.parse('the case data holds the tax code "{tax_code}"'))
def tax_code_recorded(world: World, tax_code: str) -> None:
    assert world.case()["data"]["tax_code"] == tax_code


@then("the form shows the business and its owner from the application, read-only")
def business_prefilled(world: World) -> None:
    body = world.last.get_json()
    assert body["prefill"]["business"]["name"] == "Hộ kinh doanh Phở Phúc"
    assert body["prefill"]["business"]["capital"] == 300_000_000
    assert body["prefill"]["owner"]["personal_id"] == "001085023456"
    for key in ("business", "owner"):
        assert body["schema"]["properties"][key].get("readOnly") is True, key


@then("the form shows the tax code read-only")
def tax_code_prefilled(world: World) -> None:
    body = world.last.get_json()
    assert body["prefill"]["tax_code"] == "0109876543"
    assert body["schema"]["properties"]["tax_code"].get("readOnly") is True


@then("the form's schema requires a 10-digit tax code")
def tax_code_required(world: World) -> None:
    schema = world.last.get_json()["schema"]
    assert "tax_code" in schema["required"]
    assert schema["properties"]["tax_code"]["pattern"] == "^[0-9]{10}$"


@then(parsers.parse('"{user}" sees the leader\'s comment read-only in "{element_id}"'))
def leader_comment_shown(world: World, user: str, element_id: str) -> None:
    task_id = world.task_id(user, element_id)
    body = world.client.get(f"/tasks/{task_id}", headers=world.as_(user)).get_json()
    comment = task_data(HB + "leader_sign/returned")["leader_comment"]
    assert body["prefill"]["leader_comment"] == comment
    assert body["schema"]["properties"]["leader_comment"].get("readOnly") is True


@when(parsers.parse('"{user}" re-appoints the dossier to "{iso}" through the API'))
def reappoint_again(world: World, user: str, iso: str) -> None:
    world.last = world.client.post(
        f"/cases/{world.case_code}/reappointment",
        json={
            "reason": "Chưa nhận được mã số thuế, cần thêm thời gian",
            "new_appointment_at": iso,
            "signed_by": "Nguyễn Văn Hùng",
            "signer_title": "Trưởng phòng Kinh tế",
        },
        headers=world.as_(user),
    )


@then("the answer is 409 saying a re-appointment is allowed only once")
def refused_once_only(world: World) -> None:
    assert world.last.status_code == 409, world.last.get_json()
    error = world.last.get_json()["error"]
    assert error["code"] == "conflict", error
    assert "only once" in error["message"], error["message"]
    assert "không quá một lần" in error["message"], error["message"]
