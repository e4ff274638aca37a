"""POST /messages and /incidents over HTTP: contract, roles, errors in the common shape."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.helpers import assert_error


@pytest.fixture
def gateway(token_for: Any) -> dict[str, str]:
    """Another system's service account."""
    return token_for("bhxh-gateway", ["integration"], [])


@pytest.fixture
def operator(token_for: Any) -> dict[str, str]:
    """An operator who reads and retries incidents."""
    return token_for("vh.giang", ["operator"], [])


def message(key: str = "k-1", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "insurance_issued",
        "correlation": {"dossier": "UBND-PHUCXA-250304-0001"},
        "payload": {"outcome": "issued"},
        "idempotency_key": key,
    }
    body.update(changes)
    return body


def test_a_message_nobody_waits_for_without_ttl_is_404_and_not_stored(
    client: Any, gateway: dict[str, str]
) -> None:
    error = assert_error(client.post("/messages", json=message(), headers=gateway), 404)
    assert "no case waits for message 'insurance_issued'" in error["message"]
    assert "ttl_seconds" in error["message"]
    again = client.post("/messages", json=message(), headers=gateway)
    assert_error(again, 404)  # nothing was stored: the same key is still free


def test_a_kept_message_is_202_and_its_repeat_200_with_the_same_answer(
    client: Any, gateway: dict[str, str]
) -> None:
    first = client.post("/messages", json=message(ttl_seconds=3600), headers=gateway)
    assert first.status_code == 202, first.get_json()
    body = first.get_json()
    assert body["state"] == "kept" and body["duplicate"] is False
    assert body["idempotency_key"] == "k-1" and body["expires_at"].endswith("+07:00")
    again = client.post("/messages", json=message(ttl_seconds=3600), headers=gateway)
    assert again.status_code == 200
    assert again.get_json() == {**body, "duplicate": True}


def test_reusing_a_key_for_another_message_is_409(client: Any, gateway: dict[str, str]) -> None:
    client.post("/messages", json=message(ttl_seconds=60), headers=gateway)
    other = message(ttl_seconds=60, payload={"outcome": "refused"})
    error = assert_error(client.post("/messages", json=other, headers=gateway), 409, "conflict")
    assert error["details"][0]["pointer"] == "/idempotency_key"


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"name": "bad name!"}, "/name"),
        ({"correlation": {}}, "/correlation"),
        ({"correlation": {"dossier": ""}}, "/correlation/dossier"),
        ({"ttl_seconds": 0}, "/ttl_seconds"),
    ],
)
def test_an_invalid_message_is_400_naming_the_field(
    client: Any, gateway: dict[str, str], changes: dict[str, Any], pointer: str
) -> None:
    response = client.post("/messages", json=message(**changes), headers=gateway)
    error = assert_error(response, 400, "invalid_input")
    assert pointer in [d["pointer"] for d in error["details"]]


def test_a_body_without_the_required_fields_is_422(client: Any, gateway: dict[str, str]) -> None:
    error = assert_error(client.post("/messages", json={}, headers=gateway), 422)
    pointers = {d["pointer"] for d in error["details"]}
    assert {"/name", "/correlation", "/idempotency_key"} <= pointers


def test_officers_may_not_send_messages_nor_read_incidents(client: Any, people: Any) -> None:
    assert_error(client.post("/messages", json=message(), headers=people.counter), 403)
    assert_error(client.get("/incidents", headers=people.counter), 403)
    assert_error(client.post("/messages", json=message()), 401)


def test_an_expired_message_is_an_incident_an_operator_retries_once(
    client: Any, ctx: Any, clock: Any, gateway: dict[str, str], operator: dict[str, str]
) -> None:
    from engine.worker import run_once

    client.post("/messages", json=message(ttl_seconds=60), headers=gateway)
    clock.advance(timedelta(minutes=5))
    run_once(ctx)
    listed = client.get("/incidents", headers=operator).get_json()
    assert listed["total"] == 1
    incident = listed["items"][0]
    assert incident["kind"] == "message_expired" and incident["state"] == "open"
    assert incident["message"]["state"] == "expired"
    assert incident["message"]["key"] == "in/bhxh-gateway/k-1"

    retried = client.post(f"/incidents/{incident['id']}/retry", headers=operator)
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["state"] == "retried"
    assert retried.get_json()["message"]["state"] == "pending"
    assert_error(client.post(f"/incidents/{incident['id']}/retry", headers=operator), 409)
    assert client.get("/incidents", headers=operator).get_json()["total"] == 0
    shown = client.get("/incidents?state=retried", headers=operator).get_json()
    assert [i["resolved_by"] for i in shown["items"]] == ["vh.giang"]
    assert_error(client.post("/incidents/999/retry", headers=operator), 404)
