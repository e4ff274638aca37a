"""Messages between cases: throw, route, catch; start by message; keep, expire, retry; order.

Driven through the service layer on SQLite and PostgreSQL with the bundle in bpmn/: the commune
civil-status case throws to the police and social-insurance procedures (message start events),
whose replies reach its receive tasks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.domain.errors import NotFoundError
from engine.domain.messaging import OutboxState
from engine.domain.model import Actor, CaseStatus
from engine.services import cases
from engine.services.messaging.inbound import receive_message
from engine.services.messaging.incidents import list_incidents, retry_incident
from engine.services.replay import load_recorded, replay
from engine.worker import run_once
from tests.integration.birth_bundle import (
    ADMIN,
    CIVIL,
    COMMUNE,
    COUNTER,
    LEADER,
    complete,
    example,
    registered_birth,
)

ROOT = Path(__file__).resolve().parents[2]
POLICE, INSURANCE = "CA-PHUCXA", "BHXH-BADINH"
POLICE_OFFICER = Actor("ca.dung", frozenset({"officer", "police"}), frozenset({POLICE}))
BHXH_OFFICER = Actor("bh.em", frozenset({"officer", "social_insurance"}), frozenset({INSURANCE}))
SYSTEM_OF_BHXH = Actor("bhxh-gateway", frozenset({"integration"}), frozenset())


def case_of(ctx: Any, procedure_id: str) -> Any:
    with ctx.reader() as uow:
        found, _ = uow.cases.search({"procedure_id": procedure_id}, _page())
    assert len(found) == 1, found
    return found[0]


def _page() -> Any:
    from engine.adapters.repository import Page

    return Page(1, 50)


def events(ctx: Any, code: str) -> list[Any]:
    with ctx.reader() as uow:
        return uow.events.for_case(uow.cases.get_by_code(code).id)


def assert_replays(ctx: Any, *codes: str) -> None:
    for code in codes:
        with ctx.reader() as uow:
            case = uow.cases.get_by_code(code)
        result = replay(ctx, load_recorded(ctx, case))
        assert result.matched, result.divergence


def test_a_thrown_message_starts_the_police_and_insurance_cases_which_reply(ctx: Any) -> None:
    code = registered_birth(ctx)
    sent = [e for e in events(ctx, code) if e.type == "message_sent"]
    assert [e.payload["name"] for e in sent] == ["residence_requested", "insurance_requested"]
    assert all(e.payload["correlation"] == {"dossier": code} for e in sent)

    run_once(ctx)
    police = case_of(ctx, "newborn_residence")
    insurance = case_of(ctx, "newborn_health_insurance")
    assert police.unit == POLICE and insurance.unit == INSURANCE
    assert police.status == CaseStatus.PROCESSING
    started = events(ctx, police.code)[0]
    assert started.type == "case_started_by_message"
    assert started.payload["from"]["case"] == code
    assert started.payload["message"]["name"] == "residence_requested"

    complete(
        ctx,
        POLICE_OFFICER,
        police.code,
        "register_residence",
        {
            "result": {
                "outcome": "registered",
                "residence_address": "Số 12 phố Đội Cấn",
                "registered_on": "2025-03-04",
            }
        },
    )
    run_once(ctx)
    received = [e for e in events(ctx, code) if e.type == "message_received"]
    assert [(e.payload["message"]["name"], e.payload["element_id"]) for e in received] == [
        ("residence_registered", "await_residence")
    ]
    with ctx.reader() as uow:
        assert uow.cases.get_by_code(code).status == CaseStatus.PROCESSING

    complete(ctx, BHXH_OFFICER, insurance.code, "issue_card", example_card())
    run_once(ctx)
    with ctx.reader() as uow:
        case = uow.cases.get_by_code(code)
    assert case.status == CaseStatus.DONE
    assert case.data["residence_result"]["outcome"] == "registered"
    assert case.data["insurance_result"]["social_insurance_number"] == "0125012345"
    complete(ctx, COUNTER, code, "notify_citizen", {"notified_via": "vneid"})
    with ctx.reader() as uow:
        assert uow.cases.get_by_code(code).status == CaseStatus.RETURNED
        assert uow.subscriptions.for_case(case.id) == []
    assert_replays(ctx, code, police.code, insurance.code)


def example_card() -> dict[str, Any]:
    return {
        "result": {
            "outcome": "issued",
            "social_insurance_number": "0125012345",
            "valid_from": "2025-02-20",
            "primary_care_facility": "Trạm Y tế",
        }
    }


def test_each_message_is_delivered_once_however_often_the_worker_runs(ctx: Any) -> None:
    registered_birth(ctx)
    for _ in range(3):
        run_once(ctx)
    case_of(ctx, "newborn_residence")  # exactly one police case
    case_of(ctx, "newborn_health_insurance")


def test_a_reply_that_arrives_before_anyone_waits_is_kept_and_delivered_later(ctx: Any) -> None:
    """Out of order: the insurance system answers before the birth is even registered."""
    view = cases.start_case(
        ctx, COUNTER, "birth_registration_bundle", 2, COMMUNE, example("application")
    )
    code = view.case.code
    early = receive_message(
        ctx,
        SYSTEM_OF_BHXH,
        "insurance_issued",
        {"dossier": code},
        example_card()["result"],
        "bhxh-1",
        ttl_seconds=86400,
    )
    assert early.state == "kept" and not early.duplicate
    complete(ctx, COUNTER, code, "counter_check", {"check_result": "complete"})
    complete(ctx, CIVIL, code, "civil_status_record", example("civil_status_record"))
    complete(ctx, LEADER, code, "leader_sign", {"sign_result": "signed"})
    run_once(ctx)
    received = [e for e in events(ctx, code) if e.type == "message_received"]
    assert [e.payload["message"]["key"] for e in received] == ["in/bhxh-gateway/bhxh-1"]
    assert received[0].payload["from"]["sender"] == "bhxh-gateway"
    assert_replays(ctx, code)


def test_an_inbound_duplicate_is_acknowledged_and_not_applied_twice(ctx: Any) -> None:
    code = registered_birth(ctx)
    run_once(ctx)
    first = receive_message(
        ctx,
        SYSTEM_OF_BHXH,
        "insurance_issued",
        {"dossier": code},
        example_card()["result"],
        "bhxh-2",
    )
    again = receive_message(
        ctx,
        SYSTEM_OF_BHXH,
        "insurance_issued",
        {"dossier": code},
        example_card()["result"],
        "bhxh-2",
    )
    assert (first.state, first.case_code, first.element_id) == (
        "delivered",
        code,
        "await_insurance",
    )
    assert again.duplicate and (again.state, again.case_code) == ("delivered", code)
    received = [e for e in events(ctx, code) if e.type == "message_received"]
    assert len(received) == 1


def test_an_inbound_message_nobody_waits_for_without_ttl_is_refused(ctx: Any) -> None:
    with pytest.raises(NotFoundError, match="no case waits for message 'insurance_issued'"):
        receive_message(ctx, SYSTEM_OF_BHXH, "insurance_issued", {"dossier": "X-1"}, {}, "k-1")
    with ctx.reader() as uow:
        assert uow.outbox.by_key("in/bhxh-gateway/k-1") is None


def test_a_kept_message_expires_into_an_incident_and_a_retry_delivers_it(
    ctx: Any, clock: Any
) -> None:
    view = cases.start_case(
        ctx, COUNTER, "birth_registration_bundle", 2, COMMUNE, example("application")
    )
    code = view.case.code
    kept = receive_message(
        ctx,
        SYSTEM_OF_BHXH,
        "insurance_issued",
        {"dossier": code},
        example_card()["result"],
        "late-1",
        ttl_seconds=3600,
    )
    clock.advance(timedelta(hours=2))
    run_once(ctx)
    incidents, total = list_incidents(ctx, ADMIN, "open", 1, 50)
    assert total == 1 and incidents[0].incident.kind == "message_expired"
    assert incidents[0].message is not None and incidents[0].message.state == OutboxState.EXPIRED
    assert kept.key == "late-1"

    complete(ctx, COUNTER, code, "counter_check", {"check_result": "complete"})
    complete(ctx, CIVIL, code, "civil_status_record", example("civil_status_record"))
    complete(ctx, LEADER, code, "leader_sign", {"sign_result": "signed"})
    run_once(ctx)
    assert not [e for e in events(ctx, code) if e.type == "message_received"]
    retried = retry_incident(ctx, ADMIN, incidents[0].incident.id)
    assert retried.incident.state.value == "retried"
    run_once(ctx)
    received = [e for e in events(ctx, code) if e.type == "message_received"]
    assert [e.payload["message"]["key"] for e in received] == ["in/bhxh-gateway/late-1"]


def test_only_the_systems_a_procedure_names_may_send_it_messages(ctx: Any, clock: Any) -> None:
    from engine.domain.errors import PermissionDeniedError

    stranger = Actor("other-gateway", frozenset({"integration"}), frozenset())
    view = cases.start_case(
        ctx, COUNTER, "birth_registration_bundle", 2, COMMUNE, example("application")
    )
    code = view.case.code
    # Kept before the case waits: nobody can tell yet who will receive it.
    kept = receive_message(
        ctx, stranger, "insurance_issued", {"dossier": code}, {}, "k-1", ttl_seconds=86400
    )
    assert kept.state == "kept"
    complete(ctx, COUNTER, code, "counter_check", {"check_result": "complete"})
    complete(ctx, CIVIL, code, "civil_status_record", example("civil_status_record"))
    complete(ctx, LEADER, code, "leader_sign", {"sign_result": "signed"})
    run_once(ctx)  # the case now waits: the kept message is refused, visibly, never applied
    incidents, _ = list_incidents(ctx, ADMIN, "open", 1, 50)
    refused = [i for i in incidents if i.incident.kind == "sender_refused"]
    assert len(refused) == 1 and refused[0].message.state == OutboxState.REFUSED
    assert "does not take message 'insurance_issued' from system 'other-gateway'" in (
        refused[0].incident.error
    )
    assert not [e for e in events(ctx, code) if e.type == "message_received"]
    # Retried while the procedure still does not name the sender: refused again, visibly.
    retry_incident(ctx, ADMIN, refused[0].incident.id)
    run_once(ctx)
    incidents, _ = list_incidents(ctx, ADMIN, "open", 1, 50)
    again = [i for i in incidents if i.incident.kind == "sender_refused"]
    assert len(again) == 1 and again[0].incident.id != refused[0].incident.id
    assert again[0].message.state == OutboxState.REFUSED
    assert not [e for e in events(ctx, code) if e.type == "message_received"]

    # Sent while the case waits: refused at once, nothing stored.
    with pytest.raises(PermissionDeniedError, match="other-gateway"):
        receive_message(ctx, stranger, "insurance_issued", {"dossier": code}, {}, "k-2")
    with ctx.reader() as uow:
        assert uow.outbox.by_key("in/other-gateway/k-2") is None
    # The social-insurance gateway the procedure names is taken.
    taken = receive_message(
        ctx, SYSTEM_OF_BHXH, "insurance_issued", {"dossier": code}, example_card()["result"], "k"
    )
    assert taken.state == "delivered"


def test_a_procedure_that_starts_only_on_a_message_cannot_be_started_by_hand(ctx: Any) -> None:
    from engine.domain.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="starts only on a message .*residence_requested"):
        cases.start_case(ctx, POLICE_OFFICER, "newborn_residence", 2, POLICE, {})


def test_an_inbound_message_queued_behind_another_becomes_an_incident_if_nobody_takes_it(
    ctx: Any, clock: Any
) -> None:
    from engine.domain.messaging import OutboxChannel, OutboxMessage

    now = clock.now()
    with ctx.uow() as uow:  # an earlier message of the dossier, waiting for its next attempt
        uow.outbox.add(
            OutboxMessage(
                key="earlier",
                channel=OutboxChannel.CASE,
                name="residence_registered",
                stream="case:D-1",
                payload={},
                created_at=now,
                correlation={"dossier": "D-1"},
                dossier="D-1",
                next_attempt_at=now + timedelta(hours=1),
                expires_at=now + timedelta(days=1),
            )
        )
        uow.commit()
    queued = receive_message(ctx, SYSTEM_OF_BHXH, "insurance_issued", {"dossier": "D-1"}, {}, "q")
    assert queued.state == "pending"
    clock.advance(timedelta(hours=2))
    run_once(ctx)
    incidents, _ = list_incidents(ctx, ADMIN, "open", 1, 50)
    assert [(i.incident.kind, i.incident.name) for i in incidents] == [
        ("message_expired", "insurance_issued")
    ]
    with ctx.reader() as uow:
        assert uow.outbox.by_key("earlier").state == OutboxState.KEPT
