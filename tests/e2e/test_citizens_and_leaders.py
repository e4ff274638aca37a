"""What citizens and leaders do beyond reading: hand in a supplement online, reassign a task."""

from __future__ import annotations

import json
from typing import Any

from features.samples import task_data
from tests.e2e.helpers import (
    BPMN_FILE,
    assert_error,
    bundle_files,
    get_case,
    history,
    multipart,
    open_task,
    start_case,
)

APPLICANT_ID = "001190012345"
ONLINE_LANE = '<bpmn:lane id="lane_citizen" name="Công dân">'


def _online_supplement_version(client: Any, people: Any) -> None:
    """Version 2 of birth registration: the applicant hands in missing papers online (the
    supplement step moves from the counter's lane to the citizen's)."""
    files = bundle_files()
    text = files[BPMN_FILE].decode()
    step = "<bpmn:flowNodeRef>receive_supplement</bpmn:flowNodeRef>"
    assert text.count(step) == 1
    text = text.replace(step, "").replace(
        "</bpmn:laneSet>", f"{ONLINE_LANE}{step}</bpmn:lane></bpmn:laneSet>"
    )
    meta = json.loads(files["procedure.json"])
    meta["lanes"]["Công dân"] = "citizen"
    files[BPMN_FILE], files["procedure.json"] = text.encode(), json.dumps(meta).encode()
    response = client.post("/process-models", data=multipart(files), headers=people.analyst)
    assert response.status_code == 201, response.get_json()


def _awaiting_supplement(client: Any, people: Any) -> str:
    code = start_case(client, people.counter)["code"]
    task = open_task(client, people.counter, code, "counter_check")
    client.post(f"/tasks/{task['id']}/claim", headers=people.counter)
    response = client.post(
        f"/tasks/{task['id']}/complete",
        json={"data": task_data("counter_check/incomplete")},
        headers=people.counter,
    )
    assert response.status_code == 200, response.get_json()
    assert get_case(client, people.counter, code)["status"]["code"] == 5
    return code


def test_the_applicant_hands_in_the_missing_papers_online(
    client: Any, people: Any, token_for: Any
) -> None:
    _online_supplement_version(client, people)
    code = _awaiting_supplement(client, people)
    citizen = token_for("vneid.hoa", ["citizen"], [], personal_id=APPLICANT_ID)
    stranger = token_for("vneid.nam", ["citizen"], [], personal_id="001085009876")
    papers = {"data": task_data("receive_supplement")}

    assert_error(client.post(f"/cases/{code}/supplement", json=papers, headers=stranger), 404)
    assert_error(client.post(f"/cases/{code}/supplement", json=papers, headers=people.counter), 403)
    invalid = client.post(f"/cases/{code}/supplement", json={"data": {}}, headers=citizen)
    assert_error(invalid, 422, "form_invalid")

    response = client.post(f"/cases/{code}/supplement", json=papers, headers=citizen)

    assert response.status_code == 200, response.get_json()
    assert "data" not in response.get_json()
    # The counter checks the dossier again; the step was the applicant's, in the history.
    assert open_task(client, people.counter, code, "counter_check")
    [done] = [e for e in history(client, people.counter, code) if e["type"] == "task_completed"][1:]
    assert (done["actor"], done["payload"]["element_id"]) == ("vneid.hoa", "receive_supplement")
    again = client.post(f"/cases/{code}/supplement", json=papers, headers=citizen)
    assert "were handed in" in assert_error(again, 409)["message"]
    replayed = client.get(f"/cases/{code}/replay", headers=people.admin).get_json()
    assert replayed["matched"] is True, replayed["divergence"]


def test_a_procedure_that_takes_papers_at_the_counter_says_so(
    client: Any, people: Any, token_for: Any
) -> None:
    code = _awaiting_supplement(client, people)
    citizen = token_for("vneid.hoa", ["citizen"], [], personal_id=APPLICANT_ID)
    papers = {"data": task_data("receive_supplement")}
    response = client.post(f"/cases/{code}/supplement", json=papers, headers=citizen)
    assert "at the counter" in assert_error(response, 409, "conflict")["message"]
    fresh = start_case(client, people.counter)["code"]
    response = client.post(f"/cases/{fresh}/supplement", json=papers, headers=citizen)
    assert "not waiting for a supplement" in assert_error(response, 409)["message"]


def test_a_leader_reassigns_a_task_of_the_unit_and_the_history_says_who_held_it(
    client: Any, people: Any
) -> None:
    code = start_case(client, people.counter)["code"]
    task_id = open_task(client, people.counter, code, "counter_check")["id"]
    assert client.post(f"/tasks/{task_id}/claim", headers=people.counter).status_code == 200

    response = client.post(
        f"/tasks/{task_id}/assign", json={"assignee": "mc.binh"}, headers=people.leader
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["assignee"] == "mc.binh"
    # The first holder is out; the new one completes.
    data = {"data": task_data("counter_check/complete")}
    taken = client.post(f"/tasks/{task_id}/complete", json=data, headers=people.counter)
    assert_error(taken, 409, "conflict")
    done = client.post(f"/tasks/{task_id}/complete", json=data, headers=people.counter2)
    assert done.status_code == 200, done.get_json()
    [assigned] = [e for e in history(client, people.admin, code) if e["type"] == "task_assigned"]
    assert assigned["actor"] == "ld.hung"
    assert assigned["payload"] == {
        "element_id": "counter_check",
        "assignee": "mc.binh",
        "previous": "mc.lan",
    }
    slip = client.get(f"/cases/{code}/tracking-slip", headers=people.admin).get_json()
    assert slip["handovers"][0]["receiver"]["actor"] == "mc.binh"
    replayed = client.get(f"/cases/{code}/replay", headers=people.admin).get_json()
    assert replayed["matched"] is True, replayed["divergence"]


def test_only_a_leader_of_the_task_s_unit_assigns_it(
    client: Any, people: Any, token_for: Any
) -> None:
    code = start_case(client, people.counter)["code"]
    task_id = open_task(client, people.counter, code, "counter_check")["id"]
    body = {"assignee": "mc.binh"}
    assert_error(client.post(f"/tasks/{task_id}/assign", json=body, headers=people.counter), 403)
    foreign_leader = token_for("ld.khac", ["officer", "leader"], ["UBND-HANGBAC"])
    assert_error(client.post(f"/tasks/{task_id}/assign", json=body, headers=foreign_leader), 404)
    back = client.post(f"/tasks/{task_id}/assign", json={"assignee": None}, headers=people.leader)
    assert back.status_code == 200 and back.get_json()["assignee"] is None
