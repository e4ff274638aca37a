"""Steps of the birth / residence / health-insurance bundle (bundle.feature and the others)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.conftest import World
from features.inter_agency.steps.common import (
    agency_case,
    agency_cases,
    complete,
    history,
)

BUNDLE = "birth_registration_bundle"
COMMUNE = "UBND-PHUCXA"
EXAMPLES = Path(__file__).resolve().parents[3] / "bpmn" / BUNDLE / "examples"
PROCEDURES = {"residence": "newborn_residence", "health-insurance": "newborn_health_insurance"}
CARD = {
    "outcome": "issued",
    "social_insurance_number": "0125012345",
    "valid_from": "2025-02-20",
    "primary_care_facility": "Trạm Y tế phường Ba Đình",
}
RESIDENCE = {
    "outcome": "registered",
    "residence_address": "Số 12 ngõ 45 phố Đội Cấn, phường Ba Đình, Hà Nội",
    "registered_on": "2025-03-04",
}


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


# -- the commune's case --------------------------------------------------------------------


@given(
    parsers.parse(
        '"{user}" receives an online bundle dossier for residence at "{police}" and '
        'insurance at "{insurance}"'
    )
)
def receive_bundle(world: World, user: str, police: str, insurance: str) -> None:
    data = example("application")
    data["residence"]["police_unit"] = police
    data["insurance"]["insurance_unit"] = insurance
    response = world.receive(
        user, {"procedure_id": BUNDLE, "channel": 2, "unit": COMMUNE, "data": data}
    )
    assert response.status_code == 201, response.get_json()


@given(parsers.parse('"{user}" claims and completes "counter_check" accepting the dossier'))
def accept(world: World, user: str) -> None:
    complete(world, user, "counter_check", {"check_result": "complete"})


@given("the birth is registered and signed at the commune")
@when("the birth is registered and signed at the commune")
def registered_and_signed(world: World) -> None:
    complete(world, "mc.lan", "counter_check", {"check_result": "complete"})
    complete(world, "ht.binh", "civil_status_record", example("civil_status_record"))
    complete(world, "ld.cuong", "leader_sign", {"sign_result": "signed"})


@when(parsers.parse('"{user}" claims and completes "{element_id}" asking for the result today'))
def chase(world: World, user: str, element_id: str) -> None:
    complete(world, user, element_id, example("chase"))


@when(
    parsers.parse(
        '"{user}" claims and completes "notify_citizen" telling the citizen through VNeID'
    )
)
def notify(world: World, user: str) -> None:
    complete(world, user, "notify_citizen", {"notified_via": "vneid"})


# -- the other agencies' cases -------------------------------------------------------------


@then(parsers.parse('a {kind} case of unit "{unit}" was started by the bundle dossier'))
def started_by_bundle(world: World, kind: str, unit: str) -> None:
    user, case = agency_case(world, PROCEDURES[kind])
    assert case["unit"] == unit
    first = history(world, user, case["code"])[0]
    assert first["type"] == "case_started_by_message"
    assert first["payload"]["from"]["case"] == world.case_code
    assert first["payload"]["message"]["correlation"] == {"dossier": world.case_code}


@then("no health-insurance case was started")
def no_insurance_case(world: World) -> None:
    for user in world.headers:
        assert not agency_cases(world, user, PROCEDURES["health-insurance"])


def _complete_agency(
    world: World, user: str, procedure_id: str, element_id: str, data: Any
) -> None:
    case = agency_cases(world, user, procedure_id)
    assert len(case) == 1, case
    complete(world, user, element_id, {"result": data}, code=case[0]["code"])


@when(parsers.parse('"{user}" registers the child\'s permanent residence'))
def register_residence(world: World, user: str) -> None:
    _complete_agency(world, user, PROCEDURES["residence"], "register_residence", RESIDENCE)


@when(parsers.parse('"{user}" refuses the residence because the address does not exist'))
def refuse_residence(world: World, user: str) -> None:
    refusal = {"outcome": "refused", "refusal_reason": "Địa chỉ đăng ký thường trú không có thật"}
    _complete_agency(world, user, PROCEDURES["residence"], "register_residence", refusal)


@when(parsers.parse('"{user}" issues the child\'s health-insurance card'))
def issue_card(world: World, user: str) -> None:
    _complete_agency(world, user, PROCEDURES["health-insurance"], "issue_card", CARD)


@then(parsers.parse('the residence case has status {code:d} "{label}"'))
def residence_status(world: World, code: int, label: str) -> None:
    _, case = agency_case(world, PROCEDURES["residence"])
    assert case["status"] == {"code": code, "label": label}


# -- what the commune's case shows ---------------------------------------------------------


def _waiting(ctx: Any, code: str) -> list[str]:
    with ctx.reader() as uow:
        case = uow.cases.get_by_code(code)
        return sorted(s.element_id for s in uow.subscriptions.for_case(case.id))


@then(parsers.parse('the bundle dossier waits for "{first}" and "{second}"'))
def waits_for_both(ctx: Any, world: World, first: str, second: str) -> None:
    assert _waiting(ctx, world.case_code or "") == sorted([first, second])


@then("the bundle dossier waits for nothing")
def waits_for_nothing(ctx: Any, world: World) -> None:
    assert _waiting(ctx, world.case_code or "") == []


@then(parsers.parse('the bundle dossier waits for "{element_id}"'))
def waits_for(ctx: Any, world: World, element_id: str) -> None:
    assert _waiting(ctx, world.case_code or "") == [element_id]


@then("the case shows the residence and the insurance card")
def shows_results(world: World) -> None:
    data = world.case()["data"]
    assert data["residence_result"]["outcome"] == "registered"
    assert data["insurance_result"]["social_insurance_number"] == CARD["social_insurance_number"]


@then("the case shows the residence was refused because the address does not exist")
def shows_refusal(world: World) -> None:
    result = world.case()["data"]["residence_result"]
    assert result["outcome"] == "refused" and "không có thật" in result["refusal_reason"]


def bundle_history(world: World) -> list[dict[str, Any]]:
    """The bundle dossier's events (as its counter officer reads them)."""
    return history(world, "mc.lan", world.case_code or "")


@then(
    parsers.parse(
        "the bundle dossier's history records {sent:d} messages sent and {received:d} "
        "replies received"
    )
)
def history_messages(world: World, sent: int, received: int) -> None:
    events = bundle_history(world)
    assert len([e for e in events if e["type"] == "message_sent"]) == sent
    replies = [e for e in events if e["type"] == "message_received"]
    assert len(replies) == received
    assert all(r["payload"]["from"]["case"] for r in replies), replies


@then(parsers.parse('the bundle dossier received "{name}" {count:d} time'))
@then(parsers.parse('the bundle dossier received "{name}" {count:d} times'))
def received_count(world: World, name: str, count: int) -> None:
    events = bundle_history(world)
    got = [e for e in events if e["type"] == "message_received"]
    assert len([e for e in got if e["payload"]["message"]["name"] == name]) == count, got
