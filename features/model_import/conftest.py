"""Steps of the model-import features: validate a small procedure over HTTP and read the answer."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from features.conftest import World

PROCEDURE = "import_demo"
BPMN_FILE = "import_demo.bpmn"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"'
    ' id="import_demo_defs" targetNamespace="http://motcua.vn/test">\n'
)
META = {
    "id": PROCEDURE,
    "process_id": PROCEDURE,
    "name": "Test: a model from another modeller",
    "time_limit": "3WD",
    "lanes": {},
    "channels": [1],
}


@dataclass
class Upload:
    """The BPMN document a scenario validated, as sent, and who received its dossier."""

    document: str = ""
    receiver: str = ""


@pytest.fixture
def upload() -> Upload:
    """Scenario state of this folder."""
    return Upload()


@given(parsers.parse('the analyst "{user}" is signed in'))
def analyst_signed_in(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["analyst"], [])


def _send(world: World, upload: Upload, user: str, docstring: str, path: str) -> None:
    document = f"{HEAD}{docstring}\n</bpmn:definitions>\n"
    upload.document = document
    files = {
        "procedure.json": json.dumps(META).encode(),
        BPMN_FILE: document.encode(),
    }
    parts = {"files": [(io.BytesIO(body), name) for name, body in files.items()]}
    world.last = world.client.post(path, data=parts, headers=world.as_(user))


@when(parsers.parse('"{user}" validates a procedure whose definitions hold:'))
def validate(world: World, upload: Upload, user: str, docstring: str) -> None:
    _send(world, upload, user, docstring, "/process-models/validate")


@when(parsers.parse('"{user}" deploys a procedure whose definitions hold:'))
def deploy(world: World, upload: Upload, user: str, docstring: str) -> None:
    _send(world, upload, user, docstring, "/process-models")
    assert world.last.status_code == 201, world.last.get_json()


@given(parsers.parse('the officer "{user}" of unit "{unit}" is signed in'))
def officer_signed_in(world: World, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer"], [unit])


@when(parsers.parse('"{user}" receives a dossier of it at unit "{unit}"'))
def receive_dossier(world: World, upload: Upload, user: str, unit: str) -> None:
    applicant = {"full_name": "Trần Văn Bình"}
    body = {"procedure_id": PROCEDURE, "channel": 1, "unit": unit, "applicant": applicant}
    assert world.receive(user, body).status_code == 201, world.last.get_json()
    upload.receiver = user


@when(parsers.parse('"{user}" claims and completes "{element_id}"'))
def claim_and_complete(world: World, upload: Upload, user: str, element_id: str) -> None:
    task_id = world.task_id(user, element_id)
    for action, body in (("claim", None), ("complete", {"data": {}})):
        response = world.client.post(
            f"/tasks/{task_id}/{action}", json=body, headers=world.as_(user)
        )
        assert response.status_code == 200, response.get_json()


@then(parsers.parse('the case data holds "{name}" = {value}'))
def case_data_holds(world: World, upload: Upload, name: str, value: str) -> None:
    assert world.case(upload.receiver)["data"][name] == json.loads(value)


def _accepted(world: World) -> list[dict[str, Any]]:
    assert world.last.status_code == 200, world.last.get_json()
    body = world.last.get_json()
    assert body["ok"] is True, body
    problems: list[dict[str, Any]] = body["problems"]
    assert not [p for p in problems if p["severity"] == "error"], problems
    return problems


@then("the procedure is accepted")
def accepted(world: World) -> None:
    _accepted(world)


@then(parsers.parse('the procedure is accepted with a warning on "{element}" saying "{text}"'))
def accepted_with_warning(world: World, element: str, text: str) -> None:
    problems = _accepted(world)
    found = [p for p in problems if p["element_id"] == element and text in p["message"]]
    assert found and found[0]["severity"] == "warning", problems


@then(parsers.parse('the procedure is refused naming "{element}", its line and "{text}"'))
def refused(world: World, upload: Upload, element: str, text: str) -> None:
    assert world.last.status_code == 422, world.last.get_json()
    details = world.last.get_json()["error"]["details"]
    found = [d for d in details if d["element_id"] == element and text in d["message"]]
    assert found, details
    lines = upload.document.splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if f'id="{element}"' in line)
    assert found[0]["file"] == BPMN_FILE and found[0]["line"] == expected, found[0]
    text = lines[expected - 1]
    tag = text.rfind("<", 0, text.index(f'id="{element}"')) + 1  # where the element's tag starts
    assert found[0]["column"] in (tag, text.find("<", tag) + 1), found[0]
    assert found[0]["severity"] == "error" and found[0]["fix"]


@then(parsers.parse('the procedure is refused saying "{text}"'))
def refused_saying(world: World, text: str) -> None:
    assert world.last.status_code == 422, world.last.get_json()
    details = world.last.get_json()["error"]["details"]
    assert any(text in d["message"] for d in details), details
