"""Human tasks over HTTP: scopes, form and prefill, claim, unclaim, complete, and their conflicts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from features.samples import task_data
from tests.e2e.helpers import (
    OTHER_UNIT,
    UNIT,
    assert_error,
    get_case,
    history,
    open_task,
    pointers,
    start_case,
)


def _list(client: Any, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = client.get("/tasks", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _ids(client: Any, headers: dict[str, str], **query: Any) -> list[str]:
    return [t["id"] for t in _list(client, headers, **query)["items"]]


def _claim(client: Any, headers: dict[str, str], task_id: str) -> Any:
    return client.post(f"/tasks/{task_id}/claim", headers=headers)


def _complete(client: Any, headers: dict[str, str], task_id: str, data: Any) -> Any:
    return client.post(f"/tasks/{task_id}/complete", json={"data": data}, headers=headers)


@pytest.fixture
def case(client: Any, people: Any) -> dict[str, Any]:
    """A dossier just received at the counter of UBND-PHUCXA."""
    return start_case(client, people.counter)


@pytest.fixture
def check(client: Any, people: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Its open counter_check task."""
    return open_task(client, people.counter, case["code"], "counter_check")


# -- scopes --------------------------------------------------------------------------------------


def test_unit_scope_lists_the_tasks_of_my_units_and_groups(client: Any, people: Any) -> None:
    first = start_case(client, people.counter)["code"]
    second = start_case(client, people.counter)["code"]
    start_case(client, people.stranger, unit=OTHER_UNIT)
    body = _list(client, people.counter, scope="units")
    assert body["total"] == 2
    assert [(t["case_code"], t["element_id"]) for t in body["items"]] == [
        (first, "counter_check"),
        (second, "counter_check"),
    ]
    assert all(t["unit"] == UNIT and t["state"] == "open" for t in body["items"])
    assert _list(client, people.counter)["total"] == 2  # "units" is the default scope
    # Same unit, other role: the counter's work is not the civil-status officer's.
    assert _list(client, people.civil, scope="units")["total"] == 0
    assert _list(client, people.stranger, scope="units")["total"] == 1


def test_mine_scope_lists_only_what_i_claimed(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    other = start_case(client, people.counter)["code"]
    assert _list(client, people.counter, scope="mine")["total"] == 0
    assert _claim(client, people.counter, check["id"]).status_code == 200
    assert _ids(client, people.counter, scope="mine") == [check["id"]]
    assert _list(client, people.counter2, scope="mine")["total"] == 0
    unassigned = _list(client, people.counter2, scope="units", unassigned="true")["items"]
    assert [t["case_code"] for t in unassigned] == [other]


def test_tasks_of_one_case(client: Any, people: Any, case: dict[str, Any]) -> None:
    start_case(client, people.counter)
    items = _list(client, people.counter, case=case["code"])["items"]
    assert [(t["case_code"], t["element_id"]) for t in items] == [(case["code"], "counter_check")]
    assert _list(client, people.stranger, case=case["code"])["total"] == 0
    assert _list(client, people.counter, case="UBND-PHUCXA-250304-9999")["total"] == 0


def test_state_filter_shows_completed_tasks(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    done = _complete(client, people.counter, check["id"], task_data("counter_check/complete"))
    assert done.status_code == 200
    listed = _list(client, people.counter, case=case["code"], state="completed")["items"]
    assert [t["id"] for t in listed] == [check["id"]]
    assert listed[0]["completed_by"] == "mc.lan" and listed[0]["completed_at"]
    civil = _list(client, people.civil, scope="units")["items"]
    assert [t["element_id"] for t in civil] == ["civil_status_record"]


def test_task_lists_page(client: Any, people: Any) -> None:
    codes = [start_case(client, people.counter)["code"] for _ in range(3)]
    pages = [_list(client, people.counter, per_page=2, page=n) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 1, 0]
    assert all(p["total"] == 3 for p in pages)
    assert [t["case_code"] for p in pages for t in p["items"]] == codes


def test_task_list_refuses_bad_arguments_with_422(client: Any, people: Any) -> None:
    for query, pointer in (
        ({"scope": "everyone"}, "/scope"),
        ({"state": "done"}, "/state"),
        ({"per_page": 0}, "/per_page"),
        ({"per_page": 1000}, "/per_page"),
        ({"page": -1}, "/page"),
        ({"unassigned": "perhaps"}, "/unassigned"),
        ({"case": "x\x00y"}, "/case"),
        ({"element_id": "x\x00y"}, "/element_id"),
        ({"unit": "x\x00y"}, "/unit"),
    ):
        response = client.get("/tasks", query_string=query, headers=people.counter)
        error = assert_error(response, 422, "request_invalid", where=query)
        assert pointers(error) == [pointer], (query, error)


def test_admin_sees_every_unit_with_scope_all(client: Any, people: Any) -> None:
    start_case(client, people.counter)
    start_case(client, people.stranger, unit=OTHER_UNIT)
    assert _list(client, people.admin, scope="all")["total"] == 2
    # For anyone else "all" is bounded by their units and groups.
    assert _list(client, people.counter, scope="all")["total"] == 1


# -- show ----------------------------------------------------------------------------------------


def test_show_gives_the_form_schema_ui_schema_and_prefill(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    response = client.get(f"/tasks/{check['id']}", headers=people.counter)
    assert response.status_code == 200
    task = response.get_json()
    assert task["id"] == check["id"] and task["element_id"] == "counter_check"
    assert task["form"] == "forms/counter_check.schema.json"
    assert task["schema"]["type"] == "object"
    assert "check_result" in task["schema"]["required"]
    assert isinstance(task["ui_schema"], dict) and task["ui_schema"]
    assert task["prefill"]["child"]["full_name"] == "Trần Minh An"
    assert task["prefill"]["applicant"]["personal_id"] == "001190012345"
    assert task["can_act"] is True
    assert task["case"]["code"] == case["code"]
    assert task["case"]["status"] == {"code": 1, "label": "Mới đăng ký"}


def test_a_colleague_of_another_role_sees_the_task_but_cannot_act(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    response = client.get(f"/tasks/{check['id']}", headers=people.civil)
    assert response.status_code == 200 and response.get_json()["can_act"] is False
    assert_error(_claim(client, people.civil, check["id"]), 403, "forbidden")
    data = task_data("counter_check/complete")
    assert_error(_complete(client, people.civil, check["id"], data), 403, "forbidden")
    assert_error(_claim(client, people.auditor, check["id"]), 403, "forbidden")


def test_a_task_of_another_unit_looks_unknown(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    task_id = check["id"]
    assert_error(client.get(f"/tasks/{task_id}", headers=people.stranger), 404, "not_found")
    assert_error(_claim(client, people.stranger, task_id), 404, "not_found")
    data = task_data("counter_check/complete")
    assert_error(_complete(client, people.stranger, task_id, data), 404, "not_found")


# -- claim and unclaim ---------------------------------------------------------------------------


def test_claim_takes_the_task_and_is_idempotent_for_the_holder(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    response = _claim(client, people.counter, check["id"])
    assert response.status_code == 200
    claimed = response.get_json()
    assert claimed["assignee"] == "mc.lan" and claimed["claimed_at"]
    again = _claim(client, people.counter, check["id"])
    assert again.status_code == 200
    assert again.get_json()["claimed_at"] == claimed["claimed_at"]


def test_claim_of_a_task_someone_else_holds_is_409(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    error = assert_error(_claim(client, people.counter2, check["id"]), 409, "conflict")
    assert "mc.lan" in error["message"]
    shown = client.get(f"/tasks/{check['id']}", headers=people.counter2).get_json()
    assert shown["assignee"] == "mc.lan"


def test_unclaim_by_someone_who_does_not_hold_it_is_409(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    response = client.post(f"/tasks/{check['id']}/unclaim", headers=people.counter2)
    assert_error(response, 409, "conflict")
    shown = client.get(f"/tasks/{check['id']}", headers=people.counter).get_json()
    assert shown["assignee"] == "mc.lan"


def test_unclaim_gives_the_task_back_to_the_group(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    response = client.post(f"/tasks/{check['id']}/unclaim", headers=people.counter)
    assert response.status_code == 200
    assert response.get_json()["assignee"] is None
    assert response.get_json()["claimed_at"] is None
    assert _claim(client, people.counter2, check["id"]).get_json()["assignee"] == "mc.binh"
    types = [e["type"] for e in history(client, people.counter, case["code"])]
    assert types.count("task_claimed") == 2 and types.count("task_unclaimed") == 1


# -- complete ------------------------------------------------------------------------------------


def test_complete_runs_the_case_on(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    response = _complete(client, people.counter, check["id"], task_data("counter_check/complete"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "completed" and body["completed_by"] == "mc.lan"
    assert body["case"]["status"] == {"code": 4, "label": "Đang xử lý"}
    shown = get_case(client, people.counter, case["code"])
    assert [t["element_id"] for t in shown["open_tasks"]] == ["civil_status_record"]
    # The answer already names the next step, as the case shows it.
    assert body["case"]["open_tasks"] == shown["open_tasks"]


def test_complete_with_bad_data_is_422_and_changes_nothing(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    before_case = get_case(client, people.counter, case["code"])
    before_history = history(client, people.counter, case["code"])
    for data, expected in (
        ({"check_result": "maybe"}, ["/check_result"]),
        ({}, ["/check_result"]),
        ({"check_result": "incomplete"}, ["/missing_documents"]),
        ({"check_result": "ineligible", "refusal_reason": "no"}, ["/refusal_reason"]),
        (
            {"check_result": "complete", "received_documents": ["TK", "XYZ"], "note": 1},
            ["/note", "/received_documents/1"],
        ),
        ({"check_result": ["complete"]}, ["/check_result"]),
    ):
        response = _complete(client, people.counter, check["id"], data)
        error = assert_error(response, 422, "form_invalid", where=data)
        assert sorted(pointers(error)) == expected, (data, error)
        assert len(error["details"]) == len(expected), (data, error)
        assert all(d["message"] for d in error["details"])

        assert get_case(client, people.counter, case["code"]) == before_case, data
        assert history(client, people.counter, case["code"]) == before_history, data
        task = client.get(f"/tasks/{check['id']}", headers=people.counter).get_json()
        assert task["state"] == "open" and task["assignee"] == "mc.lan", data
    # The officer fixes the data and carries on.
    fixed = _complete(client, people.counter, check["id"], task_data("counter_check/complete"))
    assert fixed.status_code == 200


def test_complete_without_a_data_object_is_422(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    for body in ({}, {"data": "complete"}, {"data": [1]}, {"data": None}, {"form": {}}):
        response = client.post(f"/tasks/{check['id']}/complete", json=body, headers=people.counter)
        error = assert_error(response, 422, "request_invalid", where=body)
        assert "/data" in pointers(error), (body, error)


def test_complete_with_malformed_json_is_400(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    response = client.post(
        f"/tasks/{check['id']}/complete",
        data='{"data": {"check_result": "complete"}',
        content_type="application/json",
        headers=people.counter,
    )
    assert_error(response, 400)


def test_complete_with_nan_or_deep_nesting_is_400_and_changes_nothing(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    before = history(client, people.counter, case["code"])
    for text in (
        '{"data": {"check_result": "complete", "counter_note": NaN}}',
        '{"data": {"check_result": "complete", "copies": Infinity}}',
        '{"data": {"check_result": "complete", "x": ' + "[" * 5000 + "]" * 5000 + "}}",
    ):
        response = client.post(
            f"/tasks/{check['id']}/complete",
            data=text,
            content_type="application/json",
            headers=people.counter,
        )
        assert_error(response, 400, where=text[:60])
    assert history(client, people.counter, case["code"]) == before


def test_complete_of_a_task_someone_else_holds_is_409(
    client: Any, people: Any, case: dict[str, Any], check: dict[str, Any]
) -> None:
    assert _claim(client, people.counter, check["id"]).status_code == 200
    data = task_data("counter_check/complete")
    assert_error(_complete(client, people.counter2, check["id"], data), 409, "conflict")
    assert get_case(client, people.counter, case["code"])["status"]["code"] == 1


def test_a_task_no_longer_open_is_409_for_every_action(
    client: Any, people: Any, check: dict[str, Any]
) -> None:
    data = task_data("counter_check/complete")
    assert _complete(client, people.counter, check["id"], data).status_code == 200
    assert_error(_complete(client, people.counter, check["id"], data), 409, "conflict")
    assert_error(_claim(client, people.counter, check["id"]), 409, "conflict")
    response = client.post(f"/tasks/{check['id']}/unclaim", headers=people.counter)
    assert_error(response, 409, "conflict")
    shown = client.get(f"/tasks/{check['id']}", headers=people.counter)
    assert shown.status_code == 200 and shown.get_json()["state"] == "completed"


def test_unknown_task_ids_are_404_for_every_action(
    client: Any, people: Any, case: dict[str, Any]
) -> None:
    headers = people.counter
    data = task_data("counter_check/complete")
    for task_id in (
        str(uuid.uuid4()),
        "not-a-uuid",
        "12345",
        "x" * 400,
        "%00",
        "%E2%80%AE",
        "' OR 1=1 --",
    ):
        for method, path, body in (
            ("GET", f"/tasks/{task_id}", None),
            ("POST", f"/tasks/{task_id}/claim", None),
            ("POST", f"/tasks/{task_id}/unclaim", None),
            ("POST", f"/tasks/{task_id}/complete", {"data": data}),
        ):
            response = client.open(path, method=method, json=body, headers=headers)
            assert_error(response, 404, "not_found", where=(method, path))
    assert get_case(client, headers, case["code"])["status"]["code"] == 1
