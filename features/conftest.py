"""Step definitions shared by every feature: they drive the HTTP API like an API client would."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, then, when

from features.replay_check import replay_check  # noqa: F401  (autouse: replays every case)
from features.samples import application, task_data

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROLE_OF = {"counter officer": "counter", "civil-status officer": "civil_status", "leader": "leader"}
OUTCOME = {
    "the dossier complete": "counter_check/complete",
    "the dossier incomplete": "counter_check/incomplete",
    "the dossier ineligible": "counter_check/ineligible",
    "the missing papers": "receive_supplement",
    "the registration approved": "civil_status_record/approved",
    "the certificate signed": "leader_sign/signed",
    "the result handed over in person": "return_result/in_person",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}


class World:
    """What a scenario has seen so far."""

    def __init__(self, client: Any, token_for: Any) -> None:
        self.client = client
        self.token_for = token_for
        self.headers: dict[str, dict[str, str]] = {}
        self.case_code: str | None = None
        self.last: Any = None
        self.completed: dict[str, str] = {}

    def as_(self, user: str) -> dict[str, str]:
        return self.headers[user]

    def receive(self, user: str, body: dict[str, Any]) -> Any:
        """POST /cases as `user`; a case received becomes the scenario's case."""
        self.last = self.client.post("/cases", json=body, headers=self.as_(user))
        if self.last.status_code == 201:
            self.case_code = self.last.get_json()["code"]
        return self.last

    def case(self, user: str = "") -> dict[str, Any]:
        user = user or next(iter(self.headers))
        response = self.client.get(f"/cases/{self.case_code}", headers=self.as_(user))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def task_id(self, user: str, element_id: str) -> str:
        response = self.client.get(
            "/tasks",
            query_string={"case": self.case_code, "element_id": element_id},
            headers=self.as_(user),
        )
        assert response.status_code == 200, response.get_json()
        items = response.get_json()["items"]
        assert items, f"no open task {element_id} visible to {user}"
        return items[0]["id"]


@pytest.fixture(autouse=True)
def world(client: Any, token_for: Any) -> World:
    """Scenario state (autouse: it puts the database parameter in every scenario's closure)."""
    return World(client, token_for)


@given("the birth registration procedure is deployed")
def procedure_deployed(world: World, token_for: Any) -> None:
    headers = token_for("analyst.an", ["analyst"], [])
    response = world.client.get("/process-models/birth_registration", headers=headers)
    assert response.status_code == 200, response.get_json()


@given(parsers.parse('the {kind} "{user}" of unit "{unit}" is signed in'))
def signed_in(world: World, kind: str, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["officer", ROLE_OF[kind]], [unit])


@when(parsers.parse("the worker runs at {hh:d}:{mm:d} on {weekday} {day:d} {month} {year:d}"))
def worker_runs(
    ctx: Any, clock: Any, hh: int, mm: int, weekday: str, day: int, month: str, year: int
) -> None:
    from engine.worker import run_once

    instant = datetime(year, MONTHS[month], day, hh, mm, tzinfo=VN)
    assert instant.strftime("%A") == weekday, f"{instant:%d %B %Y} is a {instant:%A}"
    clock.set(instant)
    run_once(ctx)


@given(parsers.parse("it is {hh:d}:{mm:d} on {weekday} {day:d} {month} {year:d}"))
def it_is(clock: Any, hh: int, mm: int, weekday: str, day: int, month: str, year: int) -> None:
    instant = datetime(year, MONTHS[month], day, hh, mm, tzinfo=VN)
    assert instant.strftime("%A") == weekday, f"{instant:%d %B %Y} is a {instant:%A}"
    if instant != clock.now():
        clock.set(instant)


def _receive(world: World, user: str, unit: str, data: dict[str, Any]) -> Any:
    body = {"procedure_id": "birth_registration", "channel": 1, "unit": unit, "data": data}
    return world.receive(user, body)


@given(parsers.parse('"{user}" receives a birth registration dossier in person at unit "{unit}"'))
@when(parsers.parse('"{user}" receives a birth registration dossier in person at unit "{unit}"'))
def receive(world: World, user: str, unit: str) -> None:
    response = _receive(world, user, unit, application())
    assert response.status_code == 201, response.get_json()


@when(parsers.parse('"{user}" receives a dossier whose applicant\'s personal ID has 11 digits'))
def receive_bad_id(world: World, user: str) -> None:
    data = application()
    data["applicant"]["personal_id"] = "00119001234"
    _receive(world, user, "UBND-PHUCXA", data)


@when(parsers.parse('"{user}" claims "{element_id}"'))
def claim(world: World, user: str, element_id: str) -> None:
    task_id = world.task_id(user, element_id)
    response = world.client.post(f"/tasks/{task_id}/claim", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()


@when(parsers.parse('"{user}" claims and completes "{element_id}" with {outcome}'))
def claim_and_complete(world: World, user: str, element_id: str, outcome: str) -> None:
    claim(world, user, element_id)
    task_id = world.task_id(user, element_id)
    world.last = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": task_data(OUTCOME[outcome])},
        headers=world.as_(user),
    )
    assert world.last.status_code == 200, world.last.get_json()
    world.completed[element_id] = task_id


@when(
    parsers.parse(
        '"{user}" completes "{element_id}" with check result "{result}" and no missing documents'
    )
)
def complete_without_missing(world: World, user: str, element_id: str, result: str) -> None:
    task_id = world.task_id(user, element_id)
    world.last = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": {"check_result": result}},
        headers=world.as_(user),
    )


@then(parsers.parse('completing the same "{element_id}" task again gets 409'))
def complete_again(world: World, element_id: str) -> None:
    task_id = world.completed[element_id]
    user = next(iter(world.headers))
    response = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": task_data("counter_check/complete")},
        headers=world.as_(user),
    )
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "conflict"


@then(parsers.parse('the answer is 422 naming the field "{pointer}"'))
def answer_422(world: World, pointer: str) -> None:
    assert world.last.status_code == 422, world.last.get_json()
    details = world.last.get_json()["error"]["details"]
    assert pointer in [d.get("pointer") for d in details], details


@then(parsers.parse('the case has status {code:d} "{label}"'))
@then(parsers.parse('the case still has status {code:d} "{label}"'))
def case_status(world: World, code: int, label: str) -> None:
    assert world.case()["status"] == {"code": code, "label": label}


@then(parsers.parse('the case\'s appointment is "{iso}"'))
def appointment(world: World, iso: str) -> None:
    got = world.case()["appointment_at"]
    assert got is not None and datetime.fromisoformat(got) == datetime.fromisoformat(iso), got


@then("the case has no appointment yet")
def no_appointment(world: World) -> None:
    assert world.case()["appointment_at"] is None


def _slips(world: World) -> list[dict[str, Any]]:
    user = next(iter(world.headers))
    response = world.client.get(f"/cases/{world.case_code}/slips", headers=world.as_(user))
    assert response.status_code == 200
    return response.get_json()["events"]


@then(parsers.parse('a receipt slip "{form}" was issued with the appointment'))
def receipt_slip(world: World, form: str) -> None:
    slip = next(s for s in _slips(world) if s["form"] == form)
    assert slip["dossier_code"] == world.case_code
    assert datetime.fromisoformat(slip["appointment_at"]) == datetime.fromisoformat(
        world.case()["appointment_at"]
    )
    assert slip["applicant"]["personal_id"] == "001190012345"


@then(parsers.parse('a slip "{form}" was issued listing the missing documents'))
def supplement_slip(world: World, form: str) -> None:
    slip = next(s for s in _slips(world) if s["form"] == form)
    assert slip["missing_documents"] == ["Giấy chứng sinh bản chính"]


@then(parsers.parse('a slip "{form}" was issued with the refusal reason'))
def refusal_slip(world: World, form: str) -> None:
    slip = next(s for s in _slips(world) if s["form"] == form)
    assert "đã được đăng ký khai sinh" in slip["reason"]


@then(parsers.parse('"{user}" sees the task "{element_id}" in the unit\'s task list'))
def sees_task(world: World, user: str, element_id: str) -> None:
    response = world.client.get("/tasks", query_string={"scope": "units"}, headers=world.as_(user))
    assert element_id in [
        t["element_id"] for t in response.get_json()["items"] if t["case_code"] == world.case_code
    ]


@then(parsers.parse('"{user}" does not see the task "{element_id}" in the unit\'s task list'))
def not_sees_task(world: World, user: str, element_id: str) -> None:
    response = world.client.get("/tasks", query_string={"scope": "units"}, headers=world.as_(user))
    assert response.status_code == 200
    assert all(t["case_code"] != world.case_code for t in response.get_json()["items"])


@then(parsers.parse('"{user}" gets 404 when opening the case'))
def opening_404(world: World, user: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}", headers=world.as_(user))
    assert response.status_code == 404


@then(parsers.parse('"{user}" gets 404 when completing "{element_id}" with {outcome}'))
def completing_404(world: World, user: str, element_id: str, outcome: str) -> None:
    owner = next(u for u in world.headers if u != user)
    task_id = world.task_id(owner, element_id)
    response = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": task_data(OUTCOME[outcome])},
        headers=world.as_(user),
    )
    assert response.status_code == 404, response.get_json()


@then("the case is finished and returned")
def finished_and_returned(world: World) -> None:
    case = world.case()
    assert case["completed"] is True
    assert case["finished_at"] is not None and case["returned_at"] is not None


@then("the case is finished")
def finished(world: World) -> None:
    case = world.case()
    assert case["completed"] is True and case["finished_at"] is not None


@then("the case has no open tasks")
def no_open_tasks(world: World) -> None:
    assert world.case()["open_tasks"] == []


@then(parsers.parse("the case history lists the statuses {codes} in order"))
def history_statuses(world: World, codes: str) -> None:
    user = next(iter(world.headers))
    events = world.client.get(
        f"/cases/{world.case_code}/history", headers=world.as_(user)
    ).get_json()["events"]
    seen = [1] + [e["payload"]["to"] for e in events if e["type"] == "status_changed"]
    assert seen == [int(c) for c in codes.replace(" ", "").split(",")]


@given("a birth registration dossier accepted at the counter")
def accepted_dossier(world: World) -> None:
    receive(world, "mc.lan", "UBND-PHUCXA")
    claim_and_complete(world, "mc.lan", "counter_check", "the dossier complete")


@when(parsers.parse('"{user}" opens the task "{element_id}"'))
def open_task(world: World, user: str, element_id: str) -> None:
    task_id = world.task_id(user, element_id)
    world.last = world.client.get(f"/tasks/{task_id}", headers=world.as_(user))
    assert world.last.status_code == 200, world.last.get_json()


@then("the form shows the child's name from the application, read-only")
def child_prefilled(world: World) -> None:
    body = world.last.get_json()
    assert body["prefill"]["child"]["full_name"] == "Trần Minh An"
    assert body["schema"]["properties"]["child"].get("readOnly") is True


@then("the form's schema requires the 12-digit personal ID number of the child")
def child_id_required(world: World) -> None:
    schema = world.last.get_json()["schema"]
    registration = schema["properties"]["registration"]
    assert registration["properties"]["child_personal_id"]["pattern"] == "^[0-9]{12}$"
