"""Steps of messages from systems outside motcua (POST /messages) and the answers they get."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from features.conftest import World
from features.inter_agency.steps.bundle import CARD


def send(
    world: World,
    user: str,
    name: str,
    dossier: str,
    payload: Any,
    key: str,
    ttl: int | None = None,
) -> None:
    """POST /messages as a system outside motcua; the answer is world.last."""
    body: dict[str, Any] = {
        "name": name,
        "correlation": {"dossier": dossier},
        "payload": payload,
        "idempotency_key": key,
    }
    if ttl is not None:
        body["ttl_seconds"] = ttl
    world.last = world.client.post("/messages", json=body, headers=world.as_(user))


@when(parsers.parse('"{user}" sends the insurance card for the dossier with key "{key}"'))
def send_card(world: World, user: str, key: str) -> None:
    send(world, user, "insurance_issued", world.case_code or "", CARD, key)


@when(
    parsers.parse(
        '"{user}" sends the insurance card for the dossier with key "{key}", to be kept for '
        "{amount:d} {unit}"
    )
)
def send_card_kept(world: World, user: str, key: str, amount: int, unit: str) -> None:
    seconds = amount * {"day": 86400, "days": 86400, "hour": 3600, "hours": 3600}[unit]
    send(world, user, "insurance_issued", world.case_code or "", CARD, key, seconds)


@when(parsers.parse('"{user}" sends the insurance card for dossier "{dossier}" with key "{key}"'))
def send_card_to(world: World, user: str, dossier: str, key: str) -> None:
    send(world, user, "insurance_issued", dossier, CARD, key)


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
