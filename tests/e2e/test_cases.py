"""Cases over HTTP: receive a dossier, show it, list with filters and pages, read its history."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from features.samples import application, task_data
from tests.e2e.helpers import (
    GENESIS,
    OTHER_UNIT,
    PROCEDURE,
    UNIT,
    assert_error,
    get_case,
    history,
    open_task,
    pointers,
    start_case,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _post(client: Any, headers: dict[str, str], **changes: Any) -> Any:
    body: dict[str, Any] = {
        "procedure_id": PROCEDURE,
        "channel": 1,
        "unit": UNIT,
        "data": application(),
    }
    body.update(changes)
    return client.post("/cases", json=body, headers=headers)


def _total(client: Any, headers: dict[str, str], **query: Any) -> int:
    response = client.get("/cases", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    total: int = response.get_json()["total"]
    return total


def _codes(client: Any, headers: dict[str, str], **query: Any) -> list[str]:
    response = client.get("/cases", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [c["code"] for c in response.get_json()["items"]]


def _accept(client: Any, headers: dict[str, str], code: str) -> None:
    task = open_task(client, headers, code, "counter_check")
    assert client.post(f"/tasks/{task['id']}/claim", headers=headers).status_code == 200
    response = client.post(
        f"/tasks/{task['id']}/complete",
        json={"data": task_data("counter_check/complete")},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()


# -- start ---------------------------------------------------------------------------------------


def test_receiving_a_dossier_starts_its_case_at_the_counter(
    client: Any, people: Any, clock: Any
) -> None:
    response = _post(client, people.counter)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert re.fullmatch(rf"{UNIT}-250304-\d{{4}}", case["code"]), case["code"]
    assert case["procedure_id"] == PROCEDURE and case["tthc_code"] == "1.001193"
    assert case["status"] == {"code": 1, "label": "Mới đăng ký"}
    assert case["channel"] == {"code": 1, "label": "Trực tiếp"}
    assert case["unit"] == UNIT
    assert datetime.fromisoformat(case["received_at"]) == clock.now()
    assert case["appointment_at"] is None and case["completed"] is False
    assert case["applicant"]["full_name"] == "Nguyễn Thị Hoa"
    assert case["applicant"]["personal_id"] == "001190012345"
    assert case["data"]["child"] == application()["child"]
    [task] = case["open_tasks"]
    assert task["element_id"] == "counter_check" and task["state"] == "open"
    assert task["candidate_groups"] == ["counter"] and task["assignee"] is None
    assert get_case(client, people.counter, case["code"])["status"] == case["status"]


@pytest.mark.parametrize(
    ("channel", "label"), [(1, "Trực tiếp"), (2, "Trực tuyến"), (3, "Bưu chính công ích")]
)
def test_each_channel_is_received_with_its_label(
    client: Any, people: Any, channel: int, label: str
) -> None:
    case = start_case(client, people.counter, channel=channel)
    assert case["channel"] == {"code": channel, "label": label}


def test_dossier_codes_count_up_per_unit_and_day(client: Any, people: Any) -> None:
    first = start_case(client, people.counter)["code"]
    second = start_case(client, people.counter)["code"]
    assert first.endswith("-0001") and second.endswith("-0002")


def test_an_explicit_applicant_wins_over_the_form_applicant(client: Any, people: Any) -> None:
    applicant = {"full_name": "Trần Văn Bình", "personal_id": "001080001234", "extra": "dropped"}
    response = _post(client, people.counter, applicant=applicant)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["applicant"] == {
        "full_name": "Trần Văn Bình",
        "personal_id": "001080001234",
    }


def test_an_unknown_procedure_is_404_and_creates_nothing(client: Any, people: Any) -> None:
    error = assert_error(_post(client, people.counter, procedure_id="no_such"), 404, "not_found")
    assert "no_such" in error["message"]
    assert _total(client, people.counter) == 0


def test_a_bad_channel_is_422_naming_the_channel(client: Any, people: Any) -> None:
    for channel in (0, 4, -1, 99, "1", "online", 1.5, True, None, [1], {}):
        response = _post(client, people.counter, channel=channel)
        error = assert_error(response, 422, "request_invalid", where=channel)
        assert pointers(error) == ["/channel"], (channel, error)
    assert _total(client, people.counter) == 0


def test_start_form_data_failing_its_schema_is_422_with_one_entry_per_field(
    client: Any, people: Any
) -> None:
    data = application()
    data["applicant"]["personal_id"] = "00119001234"  # 11 digits
    data["child"]["gender"] = "unknown"
    data["child"]["date_of_birth"] = "20/02/2025"
    del data["mother"]
    data["documents"] = "TK"
    data["unexpected"] = True
    response = _post(client, people.counter, data=data)
    error = assert_error(response, 422, "form_invalid")
    assert sorted(pointers(error)) == [
        "/applicant/personal_id",
        "/child/date_of_birth",
        "/child/gender",
        "/documents",
        "/mother",
        "/unexpected",
    ]
    assert all(d["message"] for d in error["details"])
    personal_id = next(d for d in error["details"] if d["pointer"] == "/applicant/personal_id")
    assert "12" in personal_id["message"]
    assert _total(client, people.counter) == 0


def test_missing_start_form_data_names_every_required_field(client: Any, people: Any) -> None:
    body = {"procedure_id": PROCEDURE, "channel": 1, "unit": UNIT}
    error = assert_error(client.post("/cases", json=body, headers=people.counter), 422)
    assert {"/applicant", "/child", "/mother", "/documents"} <= set(pointers(error))


def test_malformed_json_is_a_400(client: Any, people: Any) -> None:
    response = client.post(
        "/cases",
        data='{"procedure_id": "birth_registration", "channel": 1,',
        content_type="application/json",
        headers=people.counter,
    )
    error = assert_error(response, 400)
    assert "JSON" in str(error)
    assert _total(client, people.counter) == 0


def test_wrong_types_are_422_naming_the_field(client: Any, people: Any) -> None:
    for body, pointer in (
        ({"procedure_id": 5}, "/procedure_id"),
        ({"procedure_id": ""}, "/procedure_id"),
        ({"procedure_id": None}, "/procedure_id"),
        ({"procedure_id": ["birth_registration"]}, "/procedure_id"),
        ({"unit": 7}, "/unit"),
        ({"unit": "not a unit!"}, "/unit"),
        ({"unit": "A" * 100}, "/unit"),
        ({"unit": ""}, "/unit"),
        ({"unit": "UBND-PHUCXA\n"}, "/unit"),
        ({"data": "a string"}, "/data"),
        ({"data": [1, 2]}, "/data"),
        ({"applicant": "Nguyễn Thị Hoa"}, "/applicant"),
    ):
        response = _post(client, people.counter, **body)
        error = assert_error(response, 422, "request_invalid", where=body)
        assert pointers(error) == [pointer], (body, error)
    assert _total(client, people.counter) == 0


def test_a_body_that_is_not_an_object_is_422(client: Any, people: Any) -> None:
    for body in ([], "text", 42, None, [{"procedure_id": PROCEDURE}]):
        response = client.post("/cases", json=body, headers=people.counter)
        assert_error(response, 422, where=body)


def test_control_characters_in_identifiers_are_422_not_a_crash(client: Any, people: Any) -> None:
    for procedure_id in ("birth\x00registration", "birth_registration\n"):
        response = _post(client, people.counter, procedure_id=procedure_id)
        error = assert_error(response, 422, "request_invalid", where=procedure_id)
        assert pointers(error) == ["/procedure_id"]


def test_receiving_for_a_unit_one_does_not_belong_to_is_403(client: Any, people: Any) -> None:
    assert_error(_post(client, people.counter, unit=OTHER_UNIT), 403, "forbidden")
    assert _total(client, people.admin) == 0


def test_a_json_body_over_the_size_limit_is_413(client: Any, people: Any, settings: Any) -> None:
    data = application()
    data["child"]["place_of_birth"] = "x" * settings.max_request_bytes
    assert_error(_post(client, people.counter, data=data), 413)
    assert _total(client, people.counter) == 0


def test_an_explicit_applicant_needs_a_name_and_text_fields(client: Any, people: Any) -> None:
    for applicant, pointer in (
        ({"personal_id": "001190012345"}, "/applicant/full_name"),
        ({"full_name": ""}, "/applicant/full_name"),
        ({"full_name": 5}, "/applicant/full_name"),
        ({"full_name": "Trần Văn Bình", "phone": ["0912345678"]}, "/applicant/phone"),
        ([{"full_name": "Trần Văn Bình"}], "/applicant"),
    ):
        response = _post(client, people.counter, applicant=applicant)
        error = assert_error(response, 422, "request_invalid", where=applicant)
        assert pointers(error) == [pointer], (applicant, error)
    assert _total(client, people.counter) == 0


def test_json_that_python_reads_but_json_forbids_is_a_400(client: Any, people: Any) -> None:
    body = json.dumps(
        {"procedure_id": PROCEDURE, "channel": 1, "unit": UNIT, "data": application()},
        ensure_ascii=False,
    )
    assert body.count('"Nguyễn Thị Hoa"') == 2
    for text in (
        body.replace('"Nguyễn Thị Hoa"', "NaN", 1),
        body.replace('"Nguyễn Thị Hoa"', "-Infinity", 1),
        body[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",
        body[:-1] + ', "deep": ' + "[" * 65 + "]" * 65 + "}",
    ):
        response = client.post(
            "/cases", data=text, content_type="application/json", headers=people.counter
        )
        assert_error(response, 400, where=text[-80:])
    assert _total(client, people.counter) == 0


# -- show ----------------------------------------------------------------------------------------


def test_show_gives_status_label_open_tasks_appointment_and_data(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    _accept(client, people.counter, code)
    case = get_case(client, people.counter, code)
    assert case["status"] == {"code": 4, "label": "Đang xử lý"}
    assert datetime.fromisoformat(case["appointment_at"]) == datetime(2025, 3, 4, 17, 0, tzinfo=VN)
    assert [t["element_id"] for t in case["open_tasks"]] == ["civil_status_record"]
    assert case["data"]["check_result"] == "complete"
    assert case["data"]["child"]["full_name"] == "Trần Minh An"


def test_times_are_rendered_the_same_way_in_every_answer(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    task = open_task(client, people.counter, code, "counter_check")
    completed = client.post(
        f"/tasks/{task['id']}/complete",
        json={"data": task_data("counter_check/complete")},
        headers=people.counter,
    ).get_json()
    shown = get_case(client, people.counter, code)
    assert completed["case"]["appointment_at"] == shown["appointment_at"]
    assert completed["case"]["accepted_at"] == shown["accepted_at"]
    assert shown["appointment_at"].endswith("+07:00")


def test_an_unknown_case_is_404_everywhere(client: Any, people: Any) -> None:
    start_case(client, people.counter)
    for code in (
        "UBND-PHUCXA-250304-9999",
        "nothing",
        "%00",
        "a" * 500,
        "UBND-PHUCXA-250304-0001'--",
        "UBND-PHUCXA-250304-0001%20",
    ):
        for suffix in ("", "/history", "/slips"):
            response = client.get(f"/cases/{code}{suffix}", headers=people.counter)
            assert_error(response, 404, "not_found", where=(code, suffix))


def test_a_case_of_another_unit_looks_unknown(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    for suffix in ("", "/history", "/slips"):
        response = client.get(f"/cases/{code}{suffix}", headers=people.stranger)
        assert_error(response, 404, "not_found")
    assert get_case(client, people.admin, code)["code"] == code


# -- list ----------------------------------------------------------------------------------------


@pytest.fixture
def three_cases(client: Any, people: Any, clock: Any) -> dict[str, str]:
    """Cases received on Tue 09:00 (accepted), Tue 10:00 (online) and Wed 09:00; one elsewhere."""
    first = start_case(client, people.counter)["code"]
    _accept(client, people.counter, first)
    clock.set(datetime(2025, 3, 4, 10, 0, tzinfo=VN))
    second = start_case(client, people.counter, channel=2)["code"]
    clock.set(datetime(2025, 3, 5, 9, 0, tzinfo=VN))
    third = start_case(client, people.counter)["code"]
    elsewhere = start_case(client, people.stranger, unit=OTHER_UNIT)["code"]
    return {"first": first, "second": second, "third": third, "elsewhere": elsewhere}


def test_list_shows_my_units_cases_newest_first(
    client: Any, people: Any, three_cases: dict[str, str]
) -> None:
    response = client.get("/cases", headers=people.counter)
    body = response.get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 50
    assert [c["code"] for c in body["items"]] == [
        three_cases["third"],
        three_cases["second"],
        three_cases["first"],
    ]
    assert all("data" not in c for c in body["items"])
    assert _codes(client, people.stranger) == [three_cases["elsewhere"]]
    assert _total(client, people.admin) == 4


def test_list_filters_by_status_procedure_unit_and_channel(
    client: Any, people: Any, three_cases: dict[str, str]
) -> None:
    assert _codes(client, people.counter, status=4) == [three_cases["first"]]
    assert _total(client, people.counter, status=1) == 2
    assert _total(client, people.counter, status=9) == 0
    assert _total(client, people.counter, procedure_id=PROCEDURE) == 3
    assert _total(client, people.counter, procedure_id="other_procedure") == 0
    assert _total(client, people.counter, unit=UNIT) == 3
    # Filtering on a unit one does not belong to shows nothing rather than other units' cases.
    assert _total(client, people.counter, unit=OTHER_UNIT) == 0
    assert _codes(client, people.admin, unit=OTHER_UNIT) == [three_cases["elsewhere"]]
    assert _codes(client, people.counter, channel=2) == [three_cases["second"]]


def test_list_filters_by_received_between(
    client: Any, people: Any, three_cases: dict[str, str]
) -> None:
    tuesday = {
        "received_from": "2025-03-04T00:00:00+07:00",
        "received_to": "2025-03-05T00:00:00+07:00",
    }
    assert _codes(client, people.counter, **tuesday) == [
        three_cases["second"],
        three_cases["first"],
    ]
    assert _codes(client, people.counter, received_from="2025-03-04T03:00:00Z") == [
        three_cases["third"],
        three_cases["second"],
    ]
    # The upper bound is exclusive: a dossier received exactly then is not in the range.
    assert _codes(client, people.counter, received_to="2025-03-04T10:00:00+07:00") == [
        three_cases["first"]
    ]


def test_list_pages_through_the_cases(
    client: Any, people: Any, three_cases: dict[str, str]
) -> None:
    first = client.get("/cases", query_string={"per_page": 2}, headers=people.counter).get_json()
    second = client.get(
        "/cases", query_string={"per_page": 2, "page": 2}, headers=people.counter
    ).get_json()
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    seen = [c["code"] for c in first["items"] + second["items"]]
    assert sorted(seen) == sorted(
        [three_cases["first"], three_cases["second"], three_cases["third"]]
    )
    beyond = client.get(
        "/cases", query_string={"per_page": 2, "page": 50}, headers=people.counter
    ).get_json()
    assert beyond["items"] == [] and beyond["total"] == 3 and beyond["page"] == 50


def test_list_refuses_bad_filters_and_paging_with_422(client: Any, people: Any) -> None:
    for query, pointer in (
        ({"per_page": 0}, "/per_page"),
        ({"per_page": 501}, "/per_page"),
        ({"per_page": -5}, "/per_page"),
        ({"per_page": "many"}, "/per_page"),
        ({"page": 0}, "/page"),
        ({"page": "first"}, "/page"),
        ({"page": 10**12}, "/page"),
        ({"status": 11}, "/status"),
        ({"status": "new"}, "/status"),
        ({"channel": 4}, "/channel"),
        ({"received_from": "yesterday"}, "/received_from"),
        ({"received_from": "2025-03-04T00:00:00"}, "/received_from"),
        ({"received_to": "2025-13-40T00:00:00+07:00"}, "/received_to"),
        ({"procedure_id": "x\x00y"}, "/procedure_id"),
        ({"unit": "x\x00y"}, "/unit"),
        ({"received_from": "0001-01-01T00:00:00+01:00"}, "/received_from"),
        ({"received_to": "9999-12-31T23:59:59-14:00"}, "/received_to"),
    ):
        response = client.get("/cases", query_string=query, headers=people.counter)
        error = assert_error(response, 422, "request_invalid", where=query)
        assert pointers(error) == [pointer], (query, error)


def test_list_accepts_the_paging_bounds(client: Any, people: Any) -> None:
    for per_page in (1, 500):
        response = client.get("/cases", query_string={"per_page": per_page}, headers=people.counter)
        assert response.status_code == 200 and response.get_json()["per_page"] == per_page


# -- history -------------------------------------------------------------------------------------


def test_history_lists_the_events_in_order_as_a_hash_chain(
    client: Any, people: Any, clock: Any
) -> None:
    code = start_case(client, people.counter)["code"]
    clock.advance(timedelta(minutes=10))
    _accept(client, people.counter, code)
    events = history(client, people.counter, code)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    assert types[0] == "case_received"
    assert types.index("task_claimed") < types.index("task_completed")
    statuses = [e["payload"]["to"] for e in events if e["type"] == "status_changed"]
    assert statuses == [2, 4]
    assert types.index("task_completed") < types.index("status_changed")
    assert events[0]["prev_hash"] == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
        assert datetime.fromisoformat(after["at"]) >= datetime.fromisoformat(before["at"])
    received = events[0]
    assert received["actor"] == "mc.lan" and received["actor_unit"] == UNIT
    assert received["payload"]["data"] == application()
    completed = next(e for e in events if e["type"] == "task_completed")
    assert completed["payload"]["data"] == task_data("counter_check/complete")
    assert datetime.fromisoformat(completed["at"]) == clock.now()


def test_slips_list_the_receipt_once_the_dossier_is_accepted(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    response = client.get(f"/cases/{code}/slips", headers=people.counter)
    assert response.status_code == 200 and response.get_json()["events"] == []
    _accept(client, people.counter, code)
    slips = client.get(f"/cases/{code}/slips", headers=people.counter).get_json()["events"]
    assert [s["form"] for s in slips] == ["mau_01"]
    assert slips[0]["dossier_code"] == code
