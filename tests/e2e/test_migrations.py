"""POST /process-models/<id>/migrations: the contract, who may call it, and what it refuses."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.helpers import PROCEDURE, assert_error, bundle_files, multipart, start_case

URL = f"/process-models/{PROCEDURE}/migrations"


def test_only_an_administrator_may_migrate_cases(client: Any, people: Any) -> None:
    body = {"from_version": 1, "to_version": 2}
    for headers in (people.analyst, people.counter, people.auditor):
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 403, response.get_json()


def test_a_missing_version_is_404_and_a_malformed_body_422(client: Any, people: Any) -> None:
    response = client.post(URL, json={"from_version": 1, "to_version": 7}, headers=people.admin)
    assert_error(response, 404, "not_found")
    response = client.post(URL, json={"from_version": 0, "cases": "x"}, headers=people.admin)
    assert response.status_code == 422, response.get_json()
    response = client.post(URL, json={"from_version": 1, "to_version": 1}, headers=people.admin)
    assert_error(response, 400, "invalid_input")


def test_the_report_has_totals_changes_and_a_verdict_per_case(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    files = bundle_files()
    meta = json.loads(files["procedure.json"])
    files["procedure.json"] = json.dumps({**meta, "name": meta["name"] + " (2025)"}).encode()
    deployed = client.post("/process-models", data=multipart(files), headers=people.analyst)
    assert deployed.status_code == 201 and deployed.get_json()["version"] == 2

    dry = client.post(URL, json={"from_version": 1, "to_version": 2}, headers=people.admin)

    assert dry.status_code == 200, dry.get_json()
    body = dry.get_json()
    assert body["dry_run"] is True and body["changes"] == {
        "added": [],
        "removed": [],
        "changed": {},
    }
    assert body["totals"] == {"selected": 1, "safe": 1, "unsafe": 0, "migrated": 0}
    [verdict] = body["cases"]
    assert verdict["code"] == code and verdict["safe"] and verdict["at"] == ["counter_check"]
    applied = client.post(
        URL,
        json={"from_version": 1, "to_version": 2, "cases": [code], "dry_run": False},
        headers=people.admin,
    )
    assert applied.get_json()["totals"]["migrated"] == 1
    case = client.get(f"/cases/{code}", headers=people.counter).get_json()
    assert case["model_hash"] == deployed.get_json()["content_hash"]
