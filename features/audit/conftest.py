"""Steps of the audit features: auditors over HTTP, and a DBA who edits the database directly."""

from __future__ import annotations

from datetime import time
from typing import Any

from pytest_bdd import given, parsers, then, when
from sqlalchemy import delete, select, update

from engine.adapters.rows import CaseEventRow, CaseRow
from features.conftest import OUTCOME, World
from features.replay_check import ReplayCheck
from features.samples import task_data
from tests.dba import as_dba

ADMIN = "admin.an"


def _events(world: World, user: str) -> list[dict[str, Any]]:
    response = world.client.get(f"/cases/{world.case_code}/history", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    events: list[dict[str, Any]] = response.get_json()["events"]
    return events


def _completion_seq(world: World, user: str, element_id: str) -> int:
    return next(
        e["seq"]
        for e in _events(world, user)
        if e["type"] == "task_completed" and e["payload"].get("element_id") == element_id
    )


def _verify(world: World, user: str, case: str | None = None) -> dict[str, Any]:
    query = {"case": case} if case else {}
    response = world.client.get("/audit/verify", query_string=query, headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _break_of(report: dict[str, Any], code: str) -> dict[str, Any]:
    assert report["ok"] is False, report
    return next(b for b in report["breaks"] if b["case"] == code)


@given(parsers.parse('an auditor "{user}" of unit "{unit}" is signed in'))
def auditor_signed_in(world: World, user: str, unit: str) -> None:
    world.headers[user] = world.token_for(user, ["auditor"], [unit])


# -- replay and as-of ---------------------------------------------------------------------


@when(parsers.parse('the auditor "{user}" replays the case'))
def replays(world: World, user: str) -> None:
    world.last = world.client.get(f"/cases/{world.case_code}/replay", headers=world.as_(user))


@then("the replay matches the stored case")
def replay_matches(world: World) -> None:
    assert world.last.status_code == 200, world.last.get_json()
    body = world.last.get_json()
    assert body["matched"] is True, body["divergence"]
    assert body["events"] == len(_events(world, next(iter(world.headers))))


@when(
    parsers.parse(
        'the auditor "{user}" asks for the case as it stood after "{element_id}" was completed'
    )
)
def as_of_completion(world: World, user: str, element_id: str) -> None:
    seq = _completion_seq(world, user, element_id)
    world.last = world.client.get(
        f"/cases/{world.case_code}/as-of", query_string={"event": seq}, headers=world.as_(user)
    )
    assert world.last.status_code == 200, world.last.get_json()


@when(parsers.parse('the auditor "{user}" asks for the case as it stood at "{iso}"'))
def as_of_instant(world: World, user: str, iso: str) -> None:
    world.last = world.client.get(
        f"/cases/{world.case_code}/as-of", query_string={"at": iso}, headers=world.as_(user)
    )
    assert world.last.status_code == 200, world.last.get_json()


@then(parsers.parse('the case then had status {code:d} "{label}"'))
def then_status(world: World, code: int, label: str) -> None:
    assert world.last.get_json()["status"] == {"code": code, "label": label}


@then(parsers.parse('its open task then was "{element_id}", held by nobody'))
def then_task_unheld(world: World, element_id: str) -> None:
    tasks = world.last.get_json()["open_tasks"]
    assert [(t["element_id"], t["assignee"]) for t in tasks] == [(element_id, None)]


@then(parsers.parse('its open task then was "{element_id}", held by "{user}"'))
def then_task_held(world: World, element_id: str, user: str) -> None:
    tasks = world.last.get_json()["open_tasks"]
    assert [(t["element_id"], t["assignee"]) for t in tasks] == [(element_id, user)]


@then(parsers.parse('its data then had the check result "{result}"'))
def then_data(world: World, result: str) -> None:
    data = world.last.get_json()["data"]
    assert data["check_result"] == result
    assert "registration" not in data  # nothing the later steps entered


@then(parsers.parse('its appointment then was "{iso}"'))
def then_appointment(world: World, iso: str) -> None:
    from datetime import datetime

    got = world.last.get_json()["appointment_at"]
    assert datetime.fromisoformat(got) == datetime.fromisoformat(iso)


def _access_actions(world: World, auditor: str) -> list[str]:
    response = world.client.get(
        "/audit/access-log", query_string={"case": world.case_code}, headers=world.as_(auditor)
    )
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert all(i["actor"] == auditor and i["case"] == world.case_code for i in items), items
    return [i["action"] for i in items]


@then("the access log lists the auditor's replay and as-of reads of the case")
def access_log_replay(world: World) -> None:
    auditor = next(u for u in world.headers if u.startswith("tt."))
    actions = _access_actions(world, auditor)
    assert {"replay", "as_of"} <= set(actions), actions


@then("the access log lists the auditor's reads of the case")
def access_log_reads(world: World) -> None:
    auditor = next(u for u in world.headers if u.startswith("tt."))
    actions = _access_actions(world, auditor)
    assert {"show", "history"} <= set(actions), actions


# -- tracking slip --------------------------------------------------------------------------


@when(parsers.parse('the auditor "{user}" prints the tracking slip of the case'))
def prints_slip(world: World, user: str) -> None:
    path = f"/cases/{world.case_code}/tracking-slip"
    world.last = world.client.get(path, headers=world.as_(user))
    assert world.last.status_code == 200, world.last.get_json()
    world.html = world.client.get(path, query_string={"format": "html"}, headers=world.as_(user))


@then(
    parsers.parse(
        'the slip has a row "{element_id}" handed over by "{giver}" to "{receiver}" judged "{label}"'
    )
)
def slip_row(world: World, element_id: str, giver: str, receiver: str, label: str) -> None:
    rows = world.last.get_json()["handovers"]
    row = next(r for r in rows if r["element_id"] == element_id)
    assert row["giver"]["actor"] == giver, row
    assert row["receiver"]["actor"] == receiver, row
    assert row["result_label"] == label, row


@then(parsers.parse('the printable slip is an HTML page titled "{title}"'))
def slip_html(world: World, title: str) -> None:
    response = world.html
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert title in page and world.case_code in page
    assert "Quá hạn" in page and "Đúng hạn" in page


# -- verification and tampering ---------------------------------------------------------


@given(parsers.parse('verification by "{user}" finds that every link holds'))
def verification_holds(world: World, user: str) -> None:
    report = _verify(world, user)
    assert report["ok"] is True and report["breaks"] == [], report
    assert report["events"] > 0 and all(report["protection"].values()), report


@when(
    parsers.parse(
        'a DBA edits the submitted data of the "{element_id}" completion directly in the database'
    )
)
def dba_edits_payload(world: World, ctx: Any, replay_check: ReplayCheck, element_id: str) -> None:
    seq = _completion_seq(world, next(iter(world.headers)), element_id)
    with as_dba(ctx) as conn:
        row = conn.execute(
            select(CaseEventRow.id, CaseEventRow.payload)
            .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
            .where(CaseRow.code == world.case_code, CaseEventRow.seq == seq)
        ).one()
        payload = dict(row.payload)
        payload["data"] = {**payload["data"], "check_result": "incomplete"}
        conn.execute(update(CaseEventRow).where(CaseEventRow.id == row.id).values(payload=payload))
    world.tampered = (seq, row.id)
    replay_check.exempt(world.case_code, "its history was edited on purpose")


@then(parsers.parse('verification by "{user}" fails at that event, as altered'))
def verification_fails_altered(world: World, user: str) -> None:
    brk = _break_of(_verify(world, user), world.case_code)
    seq, event_id = world.tampered
    assert (brk["seq"], brk["event_id"], brk["kind"]) == (seq, event_id, "hash"), brk
    assert brk["expected"] != brk["found"] and len(brk["found"]) == 64


@then(parsers.parse('verification of that case alone by "{user}" fails at the same event'))
def verification_of_case_fails(world: World, user: str) -> None:
    brk = _break_of(_verify(world, user, world.case_code), world.case_code)
    assert brk["seq"] == world.tampered[0]


@when(
    parsers.parse(
        'a DBA deletes the "{event_type}" event that follows the "{element_id}" completion'
    )
)
def dba_deletes_event(
    world: World, ctx: Any, replay_check: ReplayCheck, event_type: str, element_id: str
) -> None:
    after = _completion_seq(world, next(iter(world.headers)), element_id)
    seq = next(
        e["seq"]
        for e in _events(world, next(iter(world.headers)))
        if e["seq"] > after and e["type"] == event_type
    )
    with as_dba(ctx) as conn:
        case_id = conn.execute(select(CaseRow.id).where(CaseRow.code == world.case_code)).scalar()
        conn.execute(
            delete(CaseEventRow).where(CaseEventRow.case_id == case_id, CaseEventRow.seq == seq)
        )
    world.tampered = (seq, None)
    replay_check.exempt(world.case_code, "an event was deleted on purpose")


@then(
    parsers.parse(
        'verification by "{user}" fails at the event after the deleted one, as a broken link'
    )
)
def verification_fails_link(world: World, user: str) -> None:
    brk = _break_of(_verify(world, user), world.case_code)
    assert brk["seq"] == world.tampered[0] + 1, brk
    assert brk["kind"] == "sequence" and "missing" in brk["message"], brk


@given("an administrator records a digest of every history")
def admin_records_digest(world: World) -> None:
    headers = world.token_for(ADMIN, ["admin"], [])
    response = world.client.post("/audit/digests", headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["case_count"] >= 1


@given(parsers.parse("the worker records the daily digest at {hh:d}:{mm:d}"))
def daily_digest_at(ctx: Any, hh: int, mm: int) -> None:
    ctx.digest_at = time(hh, mm)  # MOTCUA_DIGEST_AT


@then(parsers.parse('the auditor "{user}" sees one digest of the day, recorded by "{sub}"'))
def one_digest(world: World, user: str, sub: str) -> None:
    response = world.client.get("/audit/digests", headers=world.as_(user))
    assert response.status_code == 200, response.get_json()
    [digest] = response.get_json()["items"]
    assert digest["created_by"] == sub and digest["case_count"] == 1, digest


@when("a DBA deletes the case with its history and tasks directly in the database")
def dba_deletes_case(world: World, ctx: Any, replay_check: ReplayCheck) -> None:
    with ctx.uow() as uow:
        case = uow.cases.get_by_code(world.case_code)
        uow.audit.delete_cases([case.id])  # lifts the trigger: the test's role is a DBA's
        uow.commit()
    replay_check.exempt(world.case_code, "deleted on purpose")


@then(parsers.parse('verification by "{user}" reports the case as missing'))
def verification_reports_missing(world: World, user: str) -> None:
    brk = _break_of(_verify(world, user), world.case_code)
    assert brk["kind"] == "missing_case", brk


# -- the auditor role ---------------------------------------------------------------------


@then(parsers.parse('the auditor "{user}" sees the case and its history'))
def auditor_sees(world: World, user: str) -> None:
    assert world.client.get(f"/cases/{world.case_code}", headers=world.as_(user)).status_code == 200
    assert _events(world, user)


def _task_of(world: World, element_id: str) -> str:
    owner = next(u for u in world.headers if not u.startswith("tt."))
    return world.task_id(owner, element_id)


@then(parsers.parse('the auditor "{user}" gets 403 when claiming "{element_id}"'))
def auditor_cannot_claim(world: World, user: str, element_id: str) -> None:
    task_id = _task_of(world, element_id)
    response = world.client.post(f"/tasks/{task_id}/claim", headers=world.as_(user))
    assert response.status_code == 403, response.get_json()


@then(parsers.parse('the auditor "{user}" gets 403 when completing "{element_id}" with {outcome}'))
def auditor_cannot_complete(world: World, user: str, element_id: str, outcome: str) -> None:
    task_id = _task_of(world, element_id)
    response = world.client.post(
        f"/tasks/{task_id}/complete",
        json={"data": task_data(OUTCOME[outcome])},
        headers=world.as_(user),
    )
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["error"]["code"] == "forbidden"


@then(parsers.parse('the auditor "{user}" gets 404 when replaying the case'))
def auditor_replay_404(world: World, user: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}/replay", headers=world.as_(user))
    assert response.status_code == 404, response.get_json()


@then(parsers.parse('the auditor "{user}" gets 404 when opening the case'))
def auditor_open_404(world: World, user: str) -> None:
    response = world.client.get(f"/cases/{world.case_code}", headers=world.as_(user))
    assert response.status_code == 404, response.get_json()
