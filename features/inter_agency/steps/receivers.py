"""Steps of the receivers outside motcua: the national portal and webhooks, and incidents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from features.conftest import World
from features.inter_agency.fake_receiver import FakeReceiver
from features.inter_agency.steps.bundle import PROCEDURES, bundle_history
from features.inter_agency.steps.common import SECRET, agency_case


@pytest.fixture
def bhxh_system() -> Iterator[FakeReceiver]:
    """Social insurance's own system, for the scenarios where it is not on motcua."""
    receiver = FakeReceiver().start()
    yield receiver
    receiver.stop()


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


def portal_records(portal: FakeReceiver, code: str) -> list[dict[str, Any]]:
    """The dossier records ("hoso") the portal received for a dossier, in arrival order."""
    return [r.body for r in portal.posted("/dvcqg/hoso") if r.body["MaHoSo"] == code]


def assert_statuses(portal: FakeReceiver, code: str, codes: str) -> None:
    """The portal received exactly these statuses of the dossier, in order of its history.

    A record that only moves the appointment (the legal clock resumed) repeats the current
    status with the new NgayHenTra; it is not a status of its own."""
    records = portal_records(portal, code)
    expected = [int(c) for c in codes.replace(" ", "").split(",")]
    statuses = [
        r["TrangThaiHoSo"]
        for i, r in enumerate(records)
        if i == 0 or r["TrangThaiHoSo"] != records[i - 1]["TrangThaiHoSo"]
    ]
    assert statuses == expected, records
    sequence = [r["ThuTuDongBo"] for r in records]
    assert sequence == sorted(sequence)


@then(
    parsers.parse(
        "the national portal received the statuses {codes} of the bundle dossier in order"
    )
)
def portal_statuses(portal: FakeReceiver, world: World, codes: str) -> None:
    assert_statuses(portal, world.case_code or "", codes)


@then(
    parsers.parse(
        "the national portal received the statuses {codes} of the residence case in order"
    )
)
def portal_residence_statuses(portal: FakeReceiver, world: World, codes: str) -> None:
    _, case = agency_case(world, PROCEDURES["residence"])
    assert_statuses(portal, case["code"], codes)


@then("the national portal received a progress record for every step of the bundle dossier")
def portal_progress(portal: FakeReceiver, world: World) -> None:
    steps = [
        r.body for r in portal.posted("/dvcqg/tientrinh") if r.body["MaHoSo"] == world.case_code
    ]
    completed = [e for e in bundle_history(world) if e["type"] == "task_completed"]
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
