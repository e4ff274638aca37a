"""Steps of the land registration features: the commune and the land registration office's
case, the tax office's case, the State Treasury's confirmation, the paused legal clock.

The steps shared with the inter-agency features (who is signed in, the worker, the national
portal, handoffs and their escalation) come from features/inter_agency/steps/.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.conftest import World
from features.inter_agency.steps.common import *  # noqa: F403
from features.inter_agency.steps.common import agency_case, complete, history, unit_tasks
from features.inter_agency.steps.deliveries import answer_delivered, send
from features.inter_agency.steps.handoffs import *  # noqa: F403
from features.inter_agency.steps.receivers import *  # noqa: F403
from features.inter_agency.steps.receivers import assert_statuses, portal_records

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
LAND, TAX = "land_registration", "land_financial_obligation"
COMMUNE = "UBND-PHUCXA"
then(parsers.parse('the answer is 200 and the message was delivered to "{element_id}"'))(
    answer_delivered
)


def example(procedure: str, name: str) -> dict[str, Any]:
    path = BPMN / procedure / "examples" / f"{name}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _tax_case(world: World) -> dict[str, Any]:
    return agency_case(world, TAX)[1]


# -- the land dossier ----------------------------------------------------------------------


def _receive(world: World, user: str, data: dict[str, Any]) -> None:
    body = {"procedure_id": LAND, "channel": 1, "unit": COMMUNE, "data": data}
    response = world.receive(user, body)
    assert response.status_code == 201, response.get_json()


@given(parsers.parse('"{user}" receives a first land registration dossier in person'))
def receive(world: World, user: str) -> None:
    _receive(world, user, example(LAND, "application"))


@given(
    parsers.parse('"{user}" receives a first land registration dossier without papers in person')
)
def receive_without_papers(world: World, user: str) -> None:
    data = example(LAND, "application")
    data["origin"] = {"papers": "no_papers", "acquired_by": "self_use", "used_since": "1995-09-01"}
    data["documents"] = ["DDK"]
    _receive(world, user, data)


@given(parsers.parse('"{user}" accepts the land dossier'))
@when(parsers.parse('"{user}" accepts the land dossier'))
def accept(world: World, user: str) -> None:
    complete(
        world, user, "counter_check", {"check_result": "complete", "received_documents": ["DDK"]}
    )


@when(parsers.parse('"{user}" finds the land eligible'))
def land_eligible(world: World, user: str) -> None:
    complete(world, user, "verify_land", example(LAND, "verify_land"))


@when(parsers.parse('"{user}" closes the posting with no objection'))
def posting_closed(world: World, user: str) -> None:
    complete(world, user, "posting_report", example(LAND, "posting_report"))


@when(parsers.parse('"{user}" closes the posting with a neighbour\'s boundary dispute'))
def posting_disputed(world: World, user: str) -> None:
    data = example(LAND, "posting_report")
    data["posting"]["objections"] = "received"
    data["refusal_reason"] = "Hộ liền kề phản ánh tranh chấp ranh giới phía Đông của thửa đất"
    complete(world, user, "posting_report", data)


@given("the commune and the land registration office checked the land and the conditions")
@when("the commune and the land registration office check the land and the conditions")
def checked(world: World) -> None:
    land_eligible(world, "dc.hung")
    surveyed(world, "vp.thao")


@when(parsers.parse('"{user}" surveys the parcel and checks the conditions'))
def surveyed(world: World, user: str) -> None:
    complete(world, user, "cadastral_survey", example(LAND, "cadastral_survey"))
    complete(world, user, "check_conditions", example(LAND, "check_conditions"))


@given(parsers.parse('"{user}" sends the cadastral data to tax office "{unit}"'))
@when(parsers.parse('"{user}" sends the cadastral data to tax office "{unit}"'))
def send_to_tax(world: World, user: str, unit: str) -> None:
    data = example(LAND, "prepare_transfer")
    data["transfer_note"]["tax_unit"] = unit
    complete(world, user, "prepare_transfer", data)


@when("the certificate is printed, signed and handed over")
def certificate_handed_over(world: World) -> None:
    complete(world, "vp.thao", "print_certificate", example(LAND, "print_certificate"))
    complete(world, "ld.cuong", "leader_sign", example(LAND, "leader_sign"))
    complete(world, "mc.lan", "return_certificate", example(LAND, "return_certificate"))


# -- the tax office and the State Treasury -------------------------------------------------


@given(
    parsers.parse('"{user}" issues the payment notice for the land-use fee and registration fee')
)
@when(parsers.parse('"{user}" issues the payment notice for the land-use fee and registration fee'))
def payment_notice(world: World, user: str) -> None:
    code = _tax_case(world)["code"]
    complete(world, user, "determine_obligation", example(TAX, "determine_obligation"), code)


@when(parsers.parse('"{user}" issues a notice that the household is exempt'))
def exempt_notice(world: World, user: str) -> None:
    code = _tax_case(world)["code"]
    complete(world, user, "determine_obligation", example(TAX, "determine_obligation_exempt"), code)


@when(parsers.parse('"{user}" confirms the payment of the land dossier with key "{key}"'))
def treasury_confirms(world: World, user: str, key: str) -> None:
    payload = example(TAX, "treasury_receipt")
    send(world, user, "state_budget_payment_received", world.case_code or "", payload, key)


@when(parsers.parse('"{user}" tells the land dossier that its financial obligation is fulfilled'))
def forged_fulfilment(world: World, user: str) -> None:
    send(world, user, "financial_obligation_fulfilled", world.case_code or "", {}, "forged-2")


@then(
    parsers.parse(
        'the answer is 403: procedure "{procedure}" does not take "{name}" from "{sender}"'
    )
)
def sender_refused(world: World, procedure: str, name: str, sender: str) -> None:
    error = world.last.get_json()["error"]
    assert world.last.status_code == 403, error
    expected = f"procedure {procedure} does not take message '{name}' from system '{sender}'"
    assert error["message"] == expected, error


@when(parsers.parse('"{user}" confirms the receipt the citizen shows at the tax office'))
def officer_confirms(world: World, user: str) -> None:
    code = _tax_case(world)["code"]
    complete(world, user, "confirm_payment", example(TAX, "confirm_payment"), code)


@then(parsers.parse('a tax case of unit "{unit}" was started by the land dossier'))
def tax_case_started(world: World, unit: str) -> None:
    user, case = agency_case(world, TAX)
    assert case["unit"] == unit
    first = history(world, user, case["code"])[0]
    assert first["type"] == "case_started_by_message"
    assert first["payload"]["from"]["case"] == world.case_code
    message = first["payload"]["message"]
    assert message["name"] == "cadastral_data_transferred"
    assert message["payload"]["transfer_note"]["number"] == "PCTT-0312/2025"
    assert message["payload"]["survey"]["parcel_number"] == 245


@then(parsers.parse('the tax case has status {code:d} "{label}"'))
def tax_status(world: World, code: int, label: str) -> None:
    assert _tax_case(world)["status"] == {"code": code, "label": label}


# -- the legal clock and the appointment ---------------------------------------------------


@then(parsers.parse('the legal clock of the dossier is paused for "{reason}"'))
def clock_paused(world: World, reason: str) -> None:
    case = world.case()
    interval = case["legal_clock"]["intervals"][-1]
    assert (interval["state"], interval["reason"], interval["to"]) == ("paused", reason, None)
    assert case["sla"]["state"] == "paused", case["sla"]


@then(parsers.parse('the appointment moved by {hours:g} working hours of "{reason}" to "{iso}"'))
def appointment_moved(world: World, hours: float, reason: str, iso: str) -> None:
    events = history(world, next(iter(world.headers)), world.case_code or "")
    resumed = [e for e in events if e["type"] == "clock_resumed"][-1]
    assert resumed["payload"]["reason"] == reason, resumed
    assert resumed["payload"]["paused_working_hours"] == hours, resumed
    moved = [e for e in events if e["type"] == "appointment_changed"][-1]
    assert moved["payload"]["cause"] == "paused" and moved["seq"] > resumed["seq"], moved
    after = datetime.fromisoformat(moved["payload"]["appointment_at"])
    assert after == datetime.fromisoformat(iso), moved
    assert datetime.fromisoformat(world.case()["appointment_at"]) == after


@then(parsers.parse("the dossier's legal clock was paused {hours:g} working hours in all"))
def paused_in_all(world: World, hours: float) -> None:
    assert world.case()["sla"]["paused_working_hours"] == hours


@then(parsers.parse('the dossier is "{state}" and was resolved on time'))
def resolved_on_time(world: World, state: str) -> None:
    sla = world.case()["sla"]
    assert (sla["state"], sla["on_time"]) == (state, True), sla


@then(parsers.parse('the dossier\'s SLA state is "{state}"'))
def sla_state(world: World, state: str) -> None:
    assert world.case()["sla"]["state"] == state


# -- what nobody may do before the payment -------------------------------------------------


@then("nobody can print, sign or hand over the certificate yet")
def nothing_before_payment(world: World) -> None:
    assert world.case()["open_tasks"] == []
    for user in ("vp.thao", "ld.cuong", "mc.lan"):
        mine = [t for t in unit_tasks(world, user) if t["case_code"] == world.case_code]
        assert mine == [], (user, mine)


# -- what the national portal heard --------------------------------------------------------


@then(parsers.parse("the national portal received the statuses {codes} of the dossier in order"))
def portal_dossier_statuses(portal: Any, world: World, codes: str) -> None:
    assert_statuses(portal, world.case_code or "", codes)


@then(parsers.parse("the national portal received the statuses {codes} of the tax case in order"))
def portal_tax_statuses(portal: Any, world: World, codes: str) -> None:
    assert_statuses(portal, _tax_case(world)["code"], codes)


@then("the national portal was told every new appointment of the dossier")
def portal_appointments(portal: Any, world: World) -> None:
    events = history(world, next(iter(world.headers)), world.case_code or "")
    moves = [e["payload"]["appointment_at"] for e in events if e["type"] == "appointment_changed"]
    told = [
        change["NgayHenTraMoi"]
        for record in portal_records(portal, world.case_code or "")
        for change in record.get("DanhSachHoSoBoSung", [])
        if change.get("NgayHenTraMoi")
    ]
    assert moves and [datetime.fromisoformat(t) for t in told] == [
        datetime.fromisoformat(m) for m in moves
    ]
    last = portal_records(portal, world.case_code or "")[-1]
    assert datetime.fromisoformat(last["NgayHenTra"]) == datetime.fromisoformat(moves[-1])
