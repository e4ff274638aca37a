"""Steps of the model-version features: deploy versions, run dossiers, migrate them over HTTP."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.services.bundles import read_bundle
from features.conftest import World

DATA = Path(__file__).parents[2] / "tests" / "integration" / "data"
UNIT = "UBND-TEST"


@dataclass
class Versions:
    """The dossiers of a scenario by the task they waited at, and the last migration report."""

    procedure: str = ""
    dossiers: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def versions() -> Versions:
    """Scenario state of this folder."""
    return Versions()


def _deploy(world: World, user: str, folder: Path) -> dict[str, Any]:
    files = {"files": [(io.BytesIO(body), name) for name, body in read_bundle(folder).items()]}
    response = world.client.post("/process-models", data=files, headers=world.as_(user))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


@given(parsers.parse('the analyst "{user}" has deployed version 1 of "{procedure}"'))
def deploy_first(world: World, versions: Versions, user: str, procedure: str) -> None:
    world.headers[user] = world.token_for(user, ["analyst"], [])
    assert _deploy(world, user, DATA / procedure / "v1")["version"] == 1
    versions.procedure = procedure


@given(
    parsers.parse(
        'the analyst "{user}" has deployed version 2 of "{procedure}", '
        'which adds "{added}" after "{after}" and removes "{removed}"'
    )
)
def deploy_second(
    world: World,
    versions: Versions,
    user: str,
    procedure: str,
    added: str,
    after: str,
    removed: str,
) -> None:
    assert _deploy(world, user, DATA / procedure / "v2")["version"] == 2
    # An empty dry run answers the difference between the versions.
    admin = next(u for u in world.headers if u.startswith("admin"))
    response = world.client.post(
        f"/process-models/{procedure}/migrations",
        json={"from_version": 1, "to_version": 2, "cases": []},
        headers=world.as_(admin),
    )
    assert response.status_code == 200, response.get_json()
    changes = response.get_json()["changes"]
    assert (changes["added"], changes["removed"]) == ([added], [removed])
    assert after not in changes["removed"]


@given(parsers.parse('the officer "{user}" of unit "{unit}" is signed in'))
def officer(world: World, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer", "leader"], [unit])


@given(parsers.parse('the administrator "{user}" is signed in'))
def administrator(world: World, user: str) -> None:
    world.headers[user] = world.token_for(user, ["admin"], [])


def _task_id(world: World, user: str, code: str, element_id: str) -> str:
    world.case_code = code
    return world.task_id(user, element_id)


def _claim_and_complete(world: World, user: str, code: str, element_id: str) -> None:
    task_id = _task_id(world, user, code, element_id)
    for action, body in (("claim", None), ("complete", {"data": {}})):
        response = world.client.post(
            f"/tasks/{task_id}/{action}", json=body, headers=world.as_(user)
        )
        assert response.status_code == 200, response.get_json()


@given(parsers.parse('"{user}" has received a dossier now waiting at "{element_id}"'))
def received(world: World, versions: Versions, user: str, element_id: str) -> None:
    response = world.client.post(
        "/cases",
        json={
            "procedure_id": versions.procedure,
            "channel": 1,
            "unit": UNIT,
            "data": {"applicant": {"full_name": "Nguyễn Thị Mai"}},
        },
        headers=world.as_(user),
    )
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    if element_id != "intake":
        _claim_and_complete(world, user, code, "intake")
    versions.dossiers[element_id] = code


def _migrate(world: World, versions: Versions, user: str, body: dict[str, Any]) -> None:
    response = world.client.post(
        f"/process-models/{versions.procedure}/migrations", json=body, headers=world.as_(user)
    )
    assert response.status_code == 200, response.get_json()
    versions.report = response.get_json()


@when(
    parsers.parse(
        '"{user}" asks for a dry run of moving every running case '
        "from version {source:d} to version {target:d}"
    )
)
def dry_run(world: World, versions: Versions, user: str, source: int, target: int) -> None:
    _migrate(world, versions, user, {"from_version": source, "to_version": target})
    assert versions.report["dry_run"] is True


@when(
    parsers.parse(
        '"{user}" moves the dossier waiting at "{element_id}" '
        "from version {source:d} to version {target:d}"
    )
)
def move(
    world: World, versions: Versions, user: str, element_id: str, source: int, target: int
) -> None:
    body = {
        "from_version": source,
        "to_version": target,
        "cases": [versions.dossiers[element_id]],
        "dry_run": False,
        "reason": "Quy trình nội bộ sửa đổi",
    }
    _migrate(world, versions, user, body)


def _verdict(versions: Versions, element_id: str) -> dict[str, Any]:
    code = versions.dossiers[element_id]
    found: dict[str, Any] = next(c for c in versions.report["cases"] if c["code"] == code)
    return found


@then(parsers.parse('the dossier waiting at "{element_id}" is reported safe'))
def reported_safe(versions: Versions, element_id: str) -> None:
    verdict = _verdict(versions, element_id)
    assert (verdict["safe"], verdict["migrated"]) == (True, False), verdict


@then(parsers.parse('the dossier waiting at "{element_id}" is reported migrated'))
def reported_migrated(versions: Versions, element_id: str) -> None:
    assert _verdict(versions, element_id)["migrated"] is True


@then(parsers.parse('the dossier waiting at "{element_id}" is reported unsafe: "{reason}"'))
def reported_unsafe(versions: Versions, element_id: str, reason: str) -> None:
    verdict = _verdict(versions, element_id)
    assert (verdict["safe"], verdict["migrated"], verdict["reasons"]) == (False, False, [reason])


def _version_of(world: World, versions: Versions, element_id: str) -> int:
    user = next(iter(world.headers))
    world.case_code = versions.dossiers[element_id]
    shown = world.client.get(f"/process-models/{versions.procedure}", headers=world.as_(user))
    by_hash = {v["content_hash"]: v["version"] for v in shown.get_json()["versions"]}
    return by_hash[world.case(next(u for u in world.headers if u.startswith("cv")))["model_hash"]]


@then(parsers.parse('the dossier waiting at "{element_id}" is still on version {number:d}'))
def still_on(world: World, versions: Versions, element_id: str, number: int) -> None:
    assert _version_of(world, versions, element_id) == number


@then(
    parsers.parse(
        'the dossier waiting at "{element_id}" is on version {number:d} '
        "and its history records the move"
    )
)
def moved_to(world: World, versions: Versions, element_id: str, number: int) -> None:
    assert _version_of(world, versions, element_id) == number
    admin = next(u for u in world.headers if u.startswith("admin"))
    response = world.client.get(
        f"/cases/{versions.dossiers[element_id]}/history", headers=world.as_(admin)
    )
    [event] = [e for e in response.get_json()["events"] if e["type"] == "case_migrated"]
    assert (event["payload"]["from_version"], event["payload"]["to_version"]) == (1, number)
    assert event["actor"] == admin and event["payload"]["reason"] == "Quy trình nội bộ sửa đổi"


@when(
    parsers.parse('"{user}" claims and completes "{task}" of the dossier waiting at "{element_id}"')
)
def complete(world: World, versions: Versions, user: str, task: str, element_id: str) -> None:
    _claim_and_complete(world, user, versions.dossiers[element_id], task)


@then(parsers.parse('the dossier waiting at "{element_id}" has the open task "{task}"'))
@then(parsers.parse('the dossier waiting at "{element_id}" still has the open task "{task}"'))
def has_open_task(world: World, versions: Versions, element_id: str, task: str) -> None:
    world.case_code = versions.dossiers[element_id]
    user = next(u for u in world.headers if u.startswith("cv"))
    assert [t["element_id"] for t in world.case(user)["open_tasks"]] == [task]
