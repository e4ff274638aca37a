"""Steps of the inter-agency features: three agencies' cases, the router, the portal, webhooks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from features.conftest import MONTHS, ROLE_OF, VN, World, claim
from features.inter_agency.fake_receiver import FakeReceiver

BUNDLE = "birth_registration_bundle"
COMMUNE = "UBND-PHUCXA"
EXAMPLES = Path(__file__).resolve().parents[2] / "bpmn" / BUNDLE / "examples"
SECRET = "motcua-test-secret-0123456789abcdef"
ROLES = {
    **ROLE_OF,
    "police officer": "police",
    "social-insurance officer": "social_insurance",
}
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


@pytest.fixture
def portal() -> Iterator[FakeReceiver]:
    """The national portal, played by a real HTTP server on 127.0.0.1."""
    receiver = FakeReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def bhxh_system() -> Iterator[FakeReceiver]:
    """Social insurance's own system, for the scenarios where it is not on motcua."""
    receiver = FakeReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def settings(database_url: str, portal: FakeReceiver) -> Any:
    """The test settings with portal sync on, pointed at the fake portal."""
    from engine.settings import Settings

    return Settings.from_env(
        database_url=database_url, secret_key=SECRET, portal_url=portal.url + "/dvcqg"
    )


# -- who is signed in ----------------------------------------------------------------------


@given(parsers.parse('the {kind} "{user}" of unit "{unit}" is signed in'))
def signed_in(world: World, kind: str, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer", ROLES[kind]], [unit])


@given(parsers.parse('the social-insurance system "{user}" is signed in'))
def system_signed_in(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["integration"], [])


@given(parsers.parse('the operator "{user}" is signed in'))
def operator_signed_in(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["operator"], [])


# -- the receivers -------------------------------------------------------------------------


@given("the national portal is listening")
def portal_listening(portal: FakeReceiver) -> None:
    assert portal.port


@given("the national portal is down")
def portal_down(portal: FakeReceiver) -> None:
    portal.go_down()


@when("the national portal is back")
def portal_back(portal: FakeReceiver) -> None:
    portal.come_back()


@given(parsers.parse('social insurance is an external system that receives "{name}" by webhook'))
def insurance_by_webhook(ctx: Any, bhxh_system: FakeReceiver, name: str) -> None:
    ctx.messaging.webhooks[name] = bhxh_system.url + "/bhxh/requests"


@given("the social-insurance system is down")
def bhxh_down(bhxh_system: FakeReceiver) -> None:
    bhxh_system.go_down()


@when("the social-insurance system is back")
def bhxh_back(bhxh_system: FakeReceiver) -> None:
    bhxh_system.come_back()


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
    response = world.client.post(
        "/cases",
        json={"procedure_id": BUNDLE, "channel": 2, "unit": COMMUNE, "data": data},
        headers=world.as_(user),
    )
    assert response.status_code == 201, response.get_json()
    world.case_code = response.get_json()["code"]


def _complete(
    world: World, user: str, element_id: str, data: dict[str, Any], code: str = ""
) -> None:
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


@given(parsers.parse('"{user}" claims and completes "counter_check" accepting the dossier'))
def accept(world: World, user: str) -> None:
    _complete(world, user, "counter_check", {"check_result": "complete"})


@given("the birth is registered and signed at the commune")
@when("the birth is registered and signed at the commune")
def registered_and_signed(world: World) -> None:
    _complete(world, "mc.lan", "counter_check", {"check_result": "complete"})
    _complete(world, "ht.binh", "civil_status_record", example("civil_status_record"))
    _complete(world, "ld.cuong", "leader_sign", {"sign_result": "signed"})


@when(parsers.parse('"{user}" claims and completes "{element_id}" asking for the result today'))
def chase(world: World, user: str, element_id: str) -> None:
    _complete(world, user, element_id, example("chase"))


@when(
    parsers.parse(
        '"{user}" claims and completes "notify_citizen" telling the citizen through VNeID'
    )
)
def notify(world: World, user: str) -> None:
    _complete(world, user, "notify_citizen", {"notified_via": "vneid"})


# -- the worker ----------------------------------------------------------------------------


@given("the worker routes the messages")
@when("the worker routes the messages")
def worker_routes(ctx: Any) -> None:
    from engine.worker import run_once

    run_once(ctx)


@when(
    parsers.parse(
        "the worker runs every hour until {hh:d}:{mm:d} on {weekday} {day:d} {month} {year:d}"
    )
)
def worker_runs_hourly_until(
    ctx: Any, clock: Any, hh: int, mm: int, weekday: str, day: int, month: str, year: int
) -> None:
    until = datetime(year, MONTHS[month], day, hh, mm, tzinfo=VN)
    assert until.strftime("%A") == weekday, f"{until:%d %B %Y} is a {until:%A}"
    while clock.now() + timedelta(hours=1) < until:
        clock.advance(timedelta(hours=1))
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


# -- the other agencies' cases -------------------------------------------------------------


def _agency_cases(world: World, user: str, procedure_id: str) -> list[dict[str, Any]]:
    response = world.client.get(
        "/cases", query_string={"procedure_id": procedure_id}, headers=world.as_(user)
    )
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def _agency_case(world: World, procedure_id: str) -> tuple[str, dict[str, Any]]:
    for user in world.headers:
        items = _agency_cases(world, user, procedure_id)
        if items:
            assert len(items) == 1, items
            return user, items[0]
    raise AssertionError(f"no {procedure_id} case is visible to anyone signed in")


def _history(world: World, user: str, code: str) -> list[dict[str, Any]]:
    response = world.client.get(f"/cases/{code}/history", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["events"])


@then(parsers.parse('a {kind} case of unit "{unit}" was started by the bundle dossier'))
def started_by_bundle(world: World, kind: str, unit: str) -> None:
    user, case = _agency_case(world, PROCEDURES[kind])
    assert case["unit"] == unit
    first = _history(world, user, case["code"])[0]
    assert first["type"] == "case_started_by_message"
    assert first["payload"]["from"]["case"] == world.case_code
    assert first["payload"]["message"]["correlation"] == {"dossier": world.case_code}


@then("no health-insurance case was started")
def no_insurance_case(world: World) -> None:
    for user in world.headers:
        assert not _agency_cases(world, user, PROCEDURES["health-insurance"])


def _complete_agency(
    world: World, user: str, procedure_id: str, element_id: str, data: Any
) -> None:
    case = _agency_cases(world, user, procedure_id)
    assert len(case) == 1, case
    _complete(world, user, element_id, {"result": data}, code=case[0]["code"])


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
    _, case = _agency_case(world, PROCEDURES["residence"])
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


@then(parsers.parse('"{user}" does not see the task "{element_id}" in the unit\'s task list yet'))
def not_yet(world: World, user: str, element_id: str) -> None:
    response = world.client.get("/tasks", query_string={"scope": "units"}, headers=world.as_(user))
    assert response.status_code == 200
    assert element_id not in [t["element_id"] for t in response.get_json()["items"]]


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


def _bundle_history(world: World) -> list[dict[str, Any]]:
    return _history(world, "mc.lan", world.case_code or "")


@then(
    parsers.parse(
        "the bundle dossier's history records {sent:d} messages sent and {received:d} "
        "replies received"
    )
)
def history_messages(world: World, sent: int, received: int) -> None:
    events = _bundle_history(world)
    assert len([e for e in events if e["type"] == "message_sent"]) == sent
    replies = [e for e in events if e["type"] == "message_received"]
    assert len(replies) == received
    assert all(r["payload"]["from"]["case"] for r in replies), replies


@then(parsers.parse('the bundle dossier received "{name}" {count:d} time'))
@then(parsers.parse('the bundle dossier received "{name}" {count:d} times'))
def received_count(world: World, name: str, count: int) -> None:
    events = _bundle_history(world)
    got = [e for e in events if e["type"] == "message_received"]
    assert len([e for e in got if e["payload"]["message"]["name"] == name]) == count, got


# -- messages from outside -----------------------------------------------------------------


def _send(world: World, user: str, dossier: str, key: str, ttl: int | None = None) -> None:
    body: dict[str, Any] = {
        "name": "insurance_issued",
        "correlation": {"dossier": dossier},
        "payload": CARD,
        "idempotency_key": key,
    }
    if ttl is not None:
        body["ttl_seconds"] = ttl
    world.last = world.client.post("/messages", json=body, headers=world.as_(user))


@when(parsers.parse('"{user}" sends the insurance card for the dossier with key "{key}"'))
def send_card(world: World, user: str, key: str) -> None:
    _send(world, user, world.case_code or "", key)


@when(
    parsers.parse(
        '"{user}" sends the insurance card for the dossier with key "{key}", to be kept for '
        "{amount:d} {unit}"
    )
)
def send_card_kept(world: World, user: str, key: str, amount: int, unit: str) -> None:
    seconds = amount * {"day": 86400, "days": 86400, "hour": 3600, "hours": 3600}[unit]
    _send(world, user, world.case_code or "", key, seconds)


@when(parsers.parse('"{user}" sends the insurance card for dossier "{dossier}" with key "{key}"'))
def send_card_to(world: World, user: str, dossier: str, key: str) -> None:
    _send(world, user, dossier, key)


@then(parsers.parse('the answer is 200 and the message was delivered to "{element_id}"'))
def answer_delivered(world: World, element_id: str) -> None:
    body = world.last.get_json()
    assert world.last.status_code == 200, body
    assert (body["state"], body["element_id"], body["duplicate"]) == (
        "delivered",
        element_id,
        False,
    )
    world.first_answer = body


@then("the answer is 200 and says it repeats an earlier message")
def answer_duplicate(world: World) -> None:
    body = world.last.get_json()
    assert world.last.status_code == 200, body
    assert body["duplicate"] is True
    first = dict(world.first_answer, duplicate=True)
    assert body == first


@then("the answer is 202 and the message is kept")
def answer_kept(world: World) -> None:
    assert world.last.status_code == 202, world.last.get_json()
    assert world.last.get_json()["state"] == "kept"


@then(parsers.parse('the answer is 404 saying no case waits for "{name}"'))
def answer_404(world: World, name: str) -> None:
    body = world.last.get_json()
    assert world.last.status_code == 404, body
    assert f"no case waits for message '{name}'" in body["error"]["message"]


# -- incidents -----------------------------------------------------------------------------


def _incidents(world: World, user: str) -> list[dict[str, Any]]:
    response = world.client.get("/incidents", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


@then(parsers.parse('"{user}" sees an open incident "{kind}" for message "{name}"'))
def sees_incident(world: World, user: str, kind: str, name: str) -> None:
    items = _incidents(world, user)
    assert [(i["kind"], i["message"]["name"]) for i in items] == [(kind, name)], items
    world.incident = items[0]


@then(
    parsers.parse(
        '"{user}" sees an open incident "{kind}" for message "{name}" after {attempts:d} attempts'
    )
)
def sees_incident_after(world: World, user: str, kind: str, name: str, attempts: int) -> None:
    sees_incident(world, user, kind, name)
    assert world.incident["attempts"] == attempts, world.incident


@then(parsers.parse('"{user}" sees no open incident'))
def no_incident(world: World, user: str) -> None:
    assert _incidents(world, user) == []


@when(parsers.parse('"{user}" retries the incident'))
def retry(world: World, user: str) -> None:
    response = world.client.post(
        f"/incidents/{world.incident['id']}/retry", headers=world.as_(user)
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "retried"


# -- what the receivers got ----------------------------------------------------------------


def _statuses(portal: FakeReceiver, code: str) -> list[int]:
    records = [r.body for r in portal.posted("/dvcqg/hoso")]
    return [r["TrangThaiHoSo"] for r in records if r["MaHoSo"] == code]


@then(
    parsers.parse(
        "the national portal received the statuses {codes} of the bundle dossier in order"
    )
)
def portal_statuses(portal: FakeReceiver, world: World, codes: str) -> None:
    expected = [int(c) for c in codes.replace(" ", "").split(",")]
    assert _statuses(portal, world.case_code or "") == expected
    last = [r.body for r in portal.posted("/dvcqg/hoso") if r.body["MaHoSo"] == world.case_code]
    sequence = [r["ThuTuDongBo"] for r in last]
    assert sequence == sorted(sequence)


@then(
    parsers.parse(
        "the national portal received the statuses {codes} of the residence case in order"
    )
)
def portal_residence_statuses(portal: FakeReceiver, world: World, codes: str) -> None:
    _, case = _agency_case(world, PROCEDURES["residence"])
    expected = [int(c) for c in codes.replace(" ", "").split(",")]
    assert _statuses(portal, case["code"]) == expected


@then("the national portal received a progress record for every step of the bundle dossier")
def portal_progress(portal: FakeReceiver, world: World) -> None:
    steps = [
        r.body for r in portal.posted("/dvcqg/tientrinh") if r.body["MaHoSo"] == world.case_code
    ]
    completed = [e for e in _bundle_history(world) if e["type"] == "task_completed"]
    assert [s["ThuTuDongBo"] for s in steps] == [e["seq"] for e in completed]
    assert all(s["NguoiXuLy"] and s["ThoiDiemXuLy"] for s in steps), steps


@then("every record the national portal received is signed and carries its idempotency key")
def portal_signed(portal: FakeReceiver) -> None:
    keys = [r.headers.get("Idempotency-Key") for r in portal.received]
    assert all(keys) and len(keys) == len(set(keys))
    assert all(r.signed_with(SECRET) for r in portal.received)


@then("the national portal received nothing")
def portal_nothing(portal: FakeReceiver) -> None:
    assert portal.received == []


@then(
    parsers.parse("the social-insurance system received {count:d} signed request for the dossier")
)
@then(
    parsers.parse("the social-insurance system received {count:d} signed requests for the dossier")
)
def bhxh_received(bhxh_system: FakeReceiver, world: World, count: int) -> None:
    got = bhxh_system.posted("/bhxh/requests")
    assert len(got) == count, got
    for request in got:
        assert request.signed_with(SECRET)
        body = request.body
        assert body["message"] == "insurance_requested"
        assert body["correlation"] == {"dossier": world.case_code}
        assert body["payload"]["child"]["full_name"]
