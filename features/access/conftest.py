"""Steps of the access features: unit scope, citizens, the province-wide counter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from features.conftest import World
from features.samples import application


@given("the unit directory:")
def unit_directory(ctx: Any, tmp_path: Path, datatable: list[list[str]]) -> None:
    """Written as operators write MOTCUA_UNITS_FILE, and read by the same loader."""
    from engine.bootstrap import unit_directory as load

    header, *rows = datatable
    units = {}
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        entry = {"name": cells["name"], "province": cells["province"]}
        if cells["receives"]:
            entry["receives_for"] = cells["receives"]
        units[cells["unit"]] = entry
    path = tmp_path / "units.json"
    path.write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
    ctx.units = load(path)


@given(parsers.parse('the citizen "{user}" with personal ID "{personal_id}" is signed in'))
def citizen_signed_in(world: World, user: str, personal_id: str) -> None:
    world.headers[user] = world.token_for(user, ["citizen"], [], personal_id=personal_id)


def _receive_at(world: World, user: str, counter: str, unit: str) -> Any:
    body = {
        "procedure_id": "birth_registration",
        "channel": 1,
        "unit": unit,
        "receiving_unit": counter,
        "data": application(),
    }
    return world.receive(user, body)


@when(
    parsers.parse(
        '"{user}" receives a birth registration dossier in person at counter "{counter}" '
        'for unit "{unit}"'
    )
)
def receive_for(world: World, user: str, counter: str, unit: str) -> None:
    response = _receive_at(world, user, counter, unit)
    assert response.status_code == 201, response.get_json()


@when(
    parsers.parse(
        '"{user}" tries to receive a birth registration dossier at counter "{counter}" '
        'for unit "{unit}"'
    )
)
def try_receive_for(world: World, user: str, counter: str, unit: str) -> None:
    _receive_at(world, user, counter, unit)


@then(parsers.parse('the case is handled by "{unit}" and was received by "{counter}"'))
def handled_and_received(world: World, unit: str, counter: str) -> None:
    case = world.case()
    assert (case["unit"], case["receiving_unit"]) == (unit, counter), case
    assert case["code"].startswith(f"{unit}-"), case["code"]


@then(parsers.parse('the answer is 403 saying "{text}"'))
def answer_403(world: World, text: str) -> None:
    body = world.last.get_json()
    assert world.last.status_code == 403, body
    assert text in body["error"]["message"], body


@then(parsers.parse('no dossier of unit "{unit}" exists'))
def no_dossier(world: World, unit: str) -> None:
    admin = world.token_for("qt.admin", ["admin"], [])
    response = world.client.get("/cases", query_string={"unit": unit}, headers=admin)
    assert response.status_code == 200 and response.get_json()["total"] == 0, response.get_json()


def _owner(world: World) -> str:
    return next(iter(world.headers))


@then(parsers.parse('"{user}" gets 404 when opening the case\'s history'))
def history_404(world: World, user: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert response.status_code == 404, response.get_json()


@then(parsers.parse('"{user}" gets 404 when opening the task "{element_id}" of the case'))
def task_404(world: World, user: str, element_id: str) -> None:
    task_id = world.task_id(_owner(world), element_id)
    for path in (f"/tasks/{task_id}", f"/tasks/{task_id}/claim"):
        method = "GET" if path.endswith(task_id) else "POST"
        response = world.client.open(path, method=method, headers=world.as_(user))
        assert response.status_code == 404, (path, response.get_json())


def _codes(world: World, user: str) -> list[str]:
    response = world.client.get("/cases", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    return [item["code"] for item in response.get_json()["items"]]


@then(parsers.parse('"{user}" does not find the case in the case list'))
def not_listed(world: World, user: str) -> None:
    assert world.case_code not in _codes(world, user)


@then(parsers.parse('"{user}" finds exactly that dossier in their list'))
def listed_alone(world: World, user: str) -> None:
    assert _codes(world, user) == [world.case_code]


@then(parsers.parse('"{user}" finds no dossier in their list'))
def listed_none(world: World, user: str) -> None:
    assert _codes(world, user) == []


def _citizen_view(world: World, user: str) -> dict[str, Any]:
    response = world.client.get(f"/cases/{world.case_code}", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert "data" not in body and "open_tasks" not in body, "officers' working data shown"
    return body


@then(parsers.parse('"{user}" sees the dossier with status {code:d} "{label}" and no appointment'))
def citizen_status(world: World, user: str, code: int, label: str) -> None:
    body = _citizen_view(world, user)
    assert body["status"] == {"code": code, "label": label}
    assert body["appointment_at"] is None


@then(
    parsers.parse(
        '"{user}" sees the dossier with status {code:d} "{label}" and the appointment "{iso}"'
    )
)
def citizen_appointment(world: World, user: str, code: int, label: str, iso: str) -> None:
    body = _citizen_view(world, user)
    assert body["status"] == {"code": code, "label": label}
    assert body["appointment_at"] == iso


@then(parsers.parse('"{user}" can read the receipt slip "{form}" of the dossier'))
def citizen_slip(world: World, user: str, form: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}/slips", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    assert form in [slip["form"] for slip in response.get_json()["events"]]


@then(parsers.parse('"{user}" gets 403 when reading the case\'s history'))
def history_403(world: World, user: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert response.status_code == 403, response.get_json()


@then(parsers.parse('"{user}" gets 403 when listing tasks'))
def tasks_403(world: World, user: str) -> None:
    response = world.client.get("/tasks", headers=world.as_(user))
    assert response.status_code == 403, response.get_json()


@given(parsers.parse('the auditor "{user}" of unit "{unit}" is signed in'))
def auditor_signed_in(world: World, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["auditor"], [unit])


@then(parsers.parse('the verification by "{user}" covers the dossier and finds its chain intact'))
def verification_covers(world: World, user: str) -> None:
    response = world.client.get("/audit/verify", headers=world.as_(user))
    report = response.get_json()
    assert response.status_code == 200, report
    assert report["ok"] is True and report["cases"] == 1, report
    history = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert history.status_code == 200, history.get_json()
    assert report["events"] == len(history.get_json()["events"]), report
