"""Role x endpoint x unit: every route of the app, every role, a case of the caller's unit and one
of another unit, and the class of answer each combination must get.

The matrix below is the access policy written as data. A route the app serves that has no
entry fails the test (and so does an entry for a route that is gone): whoever adds a route
decides here who may call it. Without a token every route but the public ones answers 401.

Answers: OK is 2xx; PASS means the guards let the request through (2xx, or a 4xx about the
request or the case's state such as 409 or 422, never 401, 403 or 404); 403 is a role that may
not call the route; 404 is a case or task of another unit (its existence must not leak).
A role an entry does not name gets 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from features.samples import application
from tests.e2e.helpers import (
    OTHER_UNIT,
    PROCEDURE,
    UNIT,
    assert_error,
    bundle_files,
    multipart,
    open_task,
    start_case,
)

OK, PASS = "2xx", "pass"
OWN_ID, OTHER_ID, NEW_ID = "001190012345", "001085009876", "079300001234"
ROLES: dict[str, tuple[list[str], list[str], str]] = {
    # role: (token roles, token units, personal ID)
    "citizen": (["citizen"], [], OWN_ID),
    "officer": (["officer", "counter"], [UNIT], ""),
    "leader": (["officer", "leader"], [UNIT], ""),
    # An analyst, an operator and an integration named a unit still see no case data.
    "analyst": (["analyst"], [UNIT], ""),
    "auditor": (["auditor"], [UNIT], ""),
    "admin": (["admin"], [], ""),
    "operator": (["operator"], [UNIT], ""),
    "integration": (["integration"], [], ""),
}
STAFF_READ = {"officer": OK, "leader": OK, "auditor": OK, "admin": OK}
STAFF_READ_FOREIGN = {"officer": 404, "leader": 404, "auditor": 404, "admin": OK}
EVERYONE = dict.fromkeys(ROLES, OK)


@dataclass
class World:
    """The two cases and their open counter tasks the requests point at."""

    case: dict[str, str]
    task: dict[str, str]


Request = Callable[[World, str], tuple[str, dict[str, Any]]]


@dataclass
class Entry:
    """How to call a route for a scope, and the expected answer of each role."""

    request: Request
    own: dict[str, str | int]
    foreign: dict[str, str | int] | None = None  # None: the route has no unit scope
    public: bool = False
    lists: str = ""  # "cases" or "tasks": the foreign one must not be listed


def get(path: str) -> Request:
    return lambda w, scope: (path.format(case=w.case[scope], task=w.task[scope]), {})


def send(method: str, path: str, body: Callable[[World, str], dict[str, Any]] | None = None):
    def request(w: World, scope: str) -> tuple[str, dict[str, Any]]:
        url = path.format(case=w.case[scope], task=w.task[scope])
        kwargs: dict[str, Any] = {"method": method}
        if body is not None:
            kwargs.update(body(w, scope))
        return url, kwargs

    return request


def json_body(value: dict[str, Any]) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, scope: {"json": value}


def bundle(w: World, scope: str) -> dict[str, Any]:
    return {"data": multipart(bundle_files()), "content_type": "multipart/form-data"}


def new_case(w: World, scope: str) -> dict[str, Any]:
    unit = UNIT if scope == "own" else OTHER_UNIT
    data = application()
    data["applicant"]["personal_id"] = NEW_ID  # someone else's dossier than the citizen's
    return {"json": {"procedure_id": PROCEDURE, "channel": 1, "unit": unit, "data": data}}


REAPPOINT = {
    "reason": "Chờ xác minh",
    "new_appointment_at": "2025-03-10T17:00:00+07:00",
    "signed_by": "Lê Văn Hùng",
    "signer_title": "Chủ tịch UBND",
}
OVERRIDE = {"day": "2025-12-31", "kind": "off", "reason": "Nghỉ bù", "legal_ref": "CV 1/2025"}
MESSAGE = {"name": "nobody_waits", "correlation": {"dossier": "x"}, "idempotency_key": "m-1"}

MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", "/health"): Entry(get("/health"), {}, public=True),
    ("GET", "/openapi.json"): Entry(get("/openapi.json"), {}, public=True),
    ("GET", "/docs"): Entry(get("/docs"), {}, public=True),
    ("GET", "/static/<path:filename>"): Entry(get("/static/none.css"), {}, public=True),
    # -- analysts: models
    ("GET", "/process-models"): Entry(get("/process-models"), EVERYONE),
    ("GET", "/process-models/<string:procedure_id>"): Entry(
        get(f"/process-models/{PROCEDURE}"), EVERYONE
    ),
    ("POST", "/process-models"): Entry(
        send("POST", "/process-models", bundle), {"analyst": OK, "admin": OK}
    ),
    ("POST", "/process-models/validate"): Entry(
        send("POST", "/process-models/validate", bundle), {"analyst": OK, "admin": OK}
    ),
    ("POST", "/process-models/<string:procedure_id>/migrations"): Entry(
        send(
            "POST",
            f"/process-models/{PROCEDURE}/migrations",
            json_body({"from_version": 1, "to_version": 1}),
        ),
        {"admin": PASS},
    ),
    # -- dossiers
    ("POST", "/cases"): Entry(
        send("POST", "/cases", new_case),
        {"officer": OK, "leader": OK, "admin": OK},
        {"officer": 403, "leader": 403, "admin": OK},
    ),
    ("GET", "/cases"): Entry(get("/cases"), {"citizen": OK, **STAFF_READ}, lists="cases"),
    ("GET", "/cases/<string:code>"): Entry(
        get("/cases/{case}"),
        {"citizen": OK, **STAFF_READ},
        {"citizen": 404, **STAFF_READ_FOREIGN},
    ),
    ("GET", "/cases/<string:code>/history"): Entry(
        get("/cases/{case}/history"), STAFF_READ, STAFF_READ_FOREIGN
    ),
    ("GET", "/cases/<string:code>/slips"): Entry(
        get("/cases/{case}/slips"),
        {"citizen": OK, **STAFF_READ},
        {"citizen": 404, **STAFF_READ_FOREIGN},
    ),
    ("POST", "/cases/<string:code>/reappointment"): Entry(
        send("POST", "/cases/{case}/reappointment", json_body(REAPPOINT)),
        {"leader": PASS, "admin": PASS},
        {"leader": 404, "admin": PASS},
    ),
    ("POST", "/cases/<string:code>/supplement"): Entry(
        send("POST", "/cases/{case}/supplement", json_body({"data": {}})),
        {"citizen": PASS},
        {"citizen": 404},
    ),
    ("GET", "/cases/<string:code>/replay"): Entry(
        get("/cases/{case}/replay"), {"auditor": OK, "admin": OK}, {"auditor": 404, "admin": OK}
    ),
    ("GET", "/cases/<string:code>/as-of"): Entry(
        get("/cases/{case}/as-of"), STAFF_READ, STAFF_READ_FOREIGN
    ),
    ("GET", "/cases/<string:code>/tracking-slip"): Entry(
        get("/cases/{case}/tracking-slip"), STAFF_READ, STAFF_READ_FOREIGN
    ),
    # -- tasks: officers of the unit and lane; the leader also (re)assigns
    ("GET", "/tasks"): Entry(get("/tasks"), STAFF_READ, lists="tasks"),
    ("GET", "/tasks/<string:task_id>"): Entry(get("/tasks/{task}"), STAFF_READ, STAFF_READ_FOREIGN),
    ("POST", "/tasks/<string:task_id>/claim"): Entry(
        send("POST", "/tasks/{task}/claim"),
        {"officer": PASS, "leader": 403},  # counter_check is the counter's, not the leader's
        {"officer": 404, "leader": 404},
    ),
    ("POST", "/tasks/<string:task_id>/unclaim"): Entry(
        send("POST", "/tasks/{task}/unclaim"),
        {"officer": PASS, "leader": 403},
        {"officer": 404, "leader": 404},
    ),
    ("POST", "/tasks/<string:task_id>/complete"): Entry(
        # Incomplete on purpose (422 after the guards): the task stays open for the others.
        send("POST", "/tasks/{task}/complete", json_body({"data": {"check_result": "x"}})),
        {"officer": PASS, "leader": 403},
        {"officer": 404, "leader": 404},
    ),
    ("POST", "/tasks/<string:task_id>/assign"): Entry(
        send("POST", "/tasks/{task}/assign", json_body({"assignee": "mc.binh"})),
        {"leader": PASS, "admin": PASS},
        {"leader": 404, "admin": PASS},
    ),
    # -- the legal clock, reports and metrics
    ("GET", "/sla/cases"): Entry(get("/sla/cases"), STAFF_READ),
    ("GET", "/sla/summary"): Entry(get("/sla/summary"), STAFF_READ),
    ("GET", "/reports/766"): Entry(
        get("/reports/766?period=2025-03"), {"leader": OK, "auditor": OK, "admin": OK}
    ),
    ("GET", "/metrics"): Entry(get("/metrics"), {"operator": OK, "auditor": OK, "admin": OK}),
    # -- the calendar: anyone reads it, admins change it
    ("GET", "/calendar/due"): Entry(get("/calendar/due?limit=3WD"), EVERYONE),
    ("GET", "/calendar/<int:year>"): Entry(get("/calendar/2025"), EVERYONE),
    ("GET", "/calendar/overrides"): Entry(get("/calendar/overrides"), EVERYONE),
    ("POST", "/calendar/overrides"): Entry(
        send("POST", "/calendar/overrides", json_body(OVERRIDE)), {"admin": PASS}
    ),
    ("DELETE", "/calendar/overrides/<string:day>"): Entry(
        send("DELETE", "/calendar/overrides/2025-12-31?reason=Sai"), {"admin": PASS}
    ),
    # -- audit: auditors within their units, admins everywhere
    ("GET", "/audit/verify"): Entry(
        get("/audit/verify?case={case}"),
        {"auditor": OK, "admin": OK},
        {"auditor": 404, "admin": OK},
    ),
    ("GET", "/audit/digests"): Entry(get("/audit/digests"), {"auditor": OK, "admin": OK}),
    ("POST", "/audit/digests"): Entry(send("POST", "/audit/digests"), {"admin": OK}),
    ("GET", "/audit/access-log"): Entry(get("/audit/access-log"), {"auditor": OK, "admin": OK}),
    # -- inter-agency handoffs (liên thông)
    ("GET", "/handoffs"): Entry(get("/handoffs"), STAFF_READ),
    ("GET", "/cases/<string:code>/handoffs"): Entry(
        get("/cases/{case}/handoffs"), STAFF_READ, STAFF_READ_FOREIGN
    ),
    # -- other systems and operators
    ("POST", "/messages"): Entry(
        # Nobody waits for this message: 404 about the message, past the role check.
        send("POST", "/messages", json_body(MESSAGE)),
        {"integration": 404, "admin": 404},
    ),
    ("GET", "/incidents"): Entry(get("/incidents"), {"operator": OK, "auditor": OK, "admin": OK}),
    ("GET", "/incidents/<int:incident_id>"): Entry(
        get("/incidents/999999"), {"operator": 404, "auditor": 404, "admin": 404}
    ),
    ("POST", "/incidents/<int:incident_id>/retry"): Entry(
        send("POST", "/incidents/999999/retry"), {"operator": 404, "admin": 404}
    ),
}


@pytest.fixture(autouse=True)
def _forget_override_changes(ctx: Any) -> Iterator[None]:
    """PostgreSQL tests share one schema: drop the calendar overrides an admin stored here."""
    yield
    with ctx.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE changed_by <> 'system'"))


def _served(app: Any) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def _world(client: Any, token_for: Any) -> World:
    counter = token_for("mc.lan", ["officer", "counter"], [UNIT])
    stranger = token_for("mc.khac", ["officer", "counter"], [OTHER_UNIT])
    other = application()
    other["applicant"]["personal_id"] = OTHER_ID
    own_code = start_case(client, counter)["code"]
    foreign_code = start_case(client, stranger, unit=OTHER_UNIT, data=other)["code"]
    return World(
        case={"own": own_code, "foreign": foreign_code},
        task={
            "own": open_task(client, counter, own_code, "counter_check")["id"],
            "foreign": open_task(client, stranger, foreign_code, "counter_check")["id"],
        },
    )


def _answer_ok(response: Any, expected: str | int) -> bool:
    status = response.status_code
    if expected == OK:
        return 200 <= status < 300
    if expected == PASS:
        return status < 500 and status not in (401, 403, 404)
    if status != expected:
        return False
    assert_error(response, status)  # the common error shape, with a message
    return True


def _listed_codes(response: Any, kind: str) -> set[str]:
    key = "code" if kind == "cases" else "case_code"
    return {item[key] for item in response.get_json()["items"]}


def test_every_route_has_an_entry_in_the_matrix(app: Any) -> None:
    served = _served(app)
    assert served - MATRIX.keys() == set(), "routes without an access entry"
    assert MATRIX.keys() - served == set(), "entries for routes the app no longer serves"


def test_a_route_that_declares_no_roles_stops_the_start() -> None:
    from flask import Flask

    from api.auth import allow
    from api.guards import install_guards

    app = Flask("probe")
    app.add_url_rule("/declared", "declared", allow("admin")(lambda: "ok"))
    install_guards(app)  # fine
    app.add_url_rule("/forgotten", "forgotten", lambda: "open to all?")
    with pytest.raises(RuntimeError, match="/forgotten"):
        install_guards(app)


def test_each_role_gets_the_expected_answer_on_each_route_own_unit_and_foreign(
    app: Any, client: Any, token_for: Any
) -> None:
    world = _world(client, token_for)
    tokens = {
        role: token_for(f"{role}.test", roles, units, personal_id=pid)
        for role, (roles, units, pid) in ROLES.items()
    }
    wrong: list[str] = []
    for (method, _rule), entry in MATRIX.items():
        scopes = [("own", entry.own)] + ([("foreign", entry.foreign)] if entry.foreign else [])
        for scope, expectations in scopes:
            path, kwargs = entry.request(world, scope)
            anonymous = client.open(path, **kwargs | {"method": method})
            if entry.public:
                if anonymous.status_code in (401, 403) or anonymous.status_code >= 500:
                    wrong.append(f"{method} {path} without a token: {anonymous.status_code}")
                continue
            if anonymous.status_code != 401:
                wrong.append(f"{method} {path} without a token: {anonymous.status_code}")
            for role in ROLES:
                expected = expectations.get(role, 403)
                _, kwargs = entry.request(world, scope)  # a fresh body (uploads are streams)
                response = client.open(path, headers=tokens[role], **kwargs | {"method": method})
                if not _answer_ok(response, expected):
                    body = response.get_data(as_text=True)[:200]
                    wrong.append(
                        f"{method} {path} as {role} ({scope}): expected {expected}, "
                        f"got {response.status_code} {body}"
                    )
                elif entry.lists and expected == OK and role != "admin":
                    listed = _listed_codes(response, entry.lists)
                    if world.case["foreign"] in listed:
                        wrong.append(f"{method} {path} as {role} lists the foreign case")
                    if role == "citizen" and listed - {world.case["own"]}:
                        wrong.append(f"{method} {path} as citizen lists others' dossiers")
    assert not wrong, "\n".join(wrong)
