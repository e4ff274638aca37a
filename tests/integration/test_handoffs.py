"""The acknowledgement rule of handoffs: settings, per-procedure allotments, exactly-once escalation.

Through the service layer on SQLite and PostgreSQL with the birth registration bundle of bpmn/
(the commune's case hands the dossier to the police and to social insurance); the scenarios an
analyst reads are in features/inter_agency/handoff_ack.feature and
features/land_registration/handoff_ack.feature.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.bootstrap import handoff_allotment
from engine.domain.messaging import HandoffState
from engine.domain.model import Actor
from engine.domain.procedure import ProcedureMeta
from engine.services import cases
from engine.services.bundles import read_bundle
from engine.services.models import deploy_bundle
from engine.services.replay import load_recorded, replay
from engine.worker import run_once
from features.inter_agency.steps.bundle import CARD, RESIDENCE
from tests.integration.birth_bundle import (
    ADMIN,
    BUNDLE,
    COMMUNE,
    COUNTER,
    LEADER,
    complete,
    registered_birth,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]
SENT = datetime(2025, 3, 4, 9, 0, tzinfo=VN)
AFTER_DUE = datetime(2025, 3, 4, 11, 5, tzinfo=VN)  # 2 working hours after 09:00 have passed

WORKER = """
import os
from datetime import datetime
from engine.bootstrap import build_context
from engine.domain.clock import FakeClock
from engine.settings import Settings
from engine.services.messaging.acknowledgement import check_acknowledgements

settings = Settings.from_env(database_url=os.environ["URL"], secret_key=os.environ["SECRET"])
ctx = build_context(settings, clock=FakeClock(datetime.fromisoformat(os.environ["NOW"])))
print(check_acknowledgements(ctx), flush=True)
"""


def handoffs_of(ctx: Any, code: str) -> list[Any]:
    with ctx.reader() as uow:
        case = uow.cases.get_by_code(code)
        return [h for h in uow.handoffs.for_case(case.id, code) if h.source_case == code]


def escalations(ctx: Any, code: str) -> tuple[int, int]:
    """(handoff_unacknowledged events, open escalation tasks) of a case."""
    _, events = cases.case_history(ctx, LEADER, code)
    with ctx.reader() as uow:
        open_tasks = uow.tasks.open_for_case(uow.cases.get_by_code(code).id)
    return (
        sum(1 for e in events if e.type == "handoff_unacknowledged"),
        sum(1 for t in open_tasks if t.kind == "handoff"),
    )


def test_the_setting_takes_a_working_time_or_switches_the_rule_off() -> None:
    assert handoff_allotment("2WH") == "2WH"
    assert handoff_allotment(" 0.5WD ") == "0.5WD"
    assert handoff_allotment("off") is None and handoff_allotment("") is None
    with pytest.raises(RuntimeError, match="MOTCUA_HANDOFF_ACK_ALLOTMENT"):
        handoff_allotment("two hours")


def test_a_procedure_names_its_allotment_as_a_working_time_or_off() -> None:
    base = {"id": "x_procedure", "process_id": "x"}
    assert ProcedureMeta.parse({**base, "handoff_ack_allotment": "4WH"})[0] is not None
    assert ProcedureMeta.parse({**base, "handoff_ack_allotment": "off"})[0] is not None
    meta, problems = ProcedureMeta.parse({**base, "handoff_ack_allotment": "soon"})
    assert meta is None and "handoff_ack_allotment" in problems[0].message


def test_every_message_to_another_agency_is_a_handoff_due_in_two_working_hours(
    ctx: Any, clock: Any
) -> None:
    clock.set(SENT)
    code = registered_birth(ctx)
    sent = handoffs_of(ctx, code)
    assert sorted(h.name for h in sent) == ["insurance_requested", "residence_requested"]
    for handoff in sent:
        assert handoff.state == HandoffState.AWAITING and handoff.allotment == "2WH"
        assert handoff.source_unit == COMMUNE and handoff.delivered_at is None
        assert handoff.ack_due_at == datetime(2025, 3, 4, 11, 0, tzinfo=VN)


@pytest.mark.parametrize(
    ("allotment", "due"),
    [("off", None), ("4WH", datetime(2025, 3, 4, 14, 30, tzinfo=VN))],
)
def test_a_procedure_may_change_its_allotment_or_switch_the_rule_off(
    ctx: Any, clock: Any, allotment: str, due: datetime | None
) -> None:
    files = read_bundle(BUNDLE)
    meta = json.loads(files["procedure.json"])
    files["procedure.json"] = json.dumps({**meta, "handoff_ack_allotment": allotment}).encode()
    deploy_bundle(ctx, ADMIN, files)
    clock.set(SENT)
    code = registered_birth(ctx)
    sent = handoffs_of(ctx, code)
    if due is None:
        assert sent == []
    else:
        assert {h.ack_due_at for h in sent} == {due} and {h.allotment for h in sent} == {"4WH"}


def test_several_workers_escalate_each_unacknowledged_handoff_exactly_once(
    ctx: Any, clock: Any, settings: Any
) -> None:
    clock.set(SENT)
    codes = [registered_birth(ctx) for _ in range(6)]
    run_once(ctx)  # the police and social-insurance cases start; nobody there claims anything
    clock.set(AFTER_DUE)
    env = dict(
        os.environ, URL=settings.database_url, SECRET=settings.secret_key, NOW=AFTER_DUE.isoformat()
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    assert sum(int(out.strip()) for out, _ in outputs) == 2 * len(codes)  # each settled once
    run_once(ctx)  # a later round finds nothing left to escalate
    for code in codes:
        assert escalations(ctx, code) == (2, 2)
        assert {h.state for h in handoffs_of(ctx, code)} == {HandoffState.ESCALATED}
        result = replay(ctx, load_recorded(ctx, cases.get_case(ctx, LEADER, code).case))
        assert result.matched, result.divergence


def test_escalations_cancelled_with_the_resolved_case_replay_in_the_same_order(
    ctx: Any, clock: Any
) -> None:
    police = Actor("ca.dung", frozenset({"officer", "police"}), frozenset({"CA-PHUCXA"}))
    bhxh = Actor("bh.em", frozenset({"officer", "social_insurance"}), frozenset({"BHXH-BADINH"}))
    clock.set(SENT)
    code = registered_birth(ctx)
    run_once(ctx)
    clock.set(AFTER_DUE)
    run_once(ctx)
    assert escalations(ctx, code) == (2, 2)
    for actor, procedure, element_id, result in (
        (police, "newborn_residence", "register_residence", RESIDENCE),
        (bhxh, "newborn_health_insurance", "issue_card", CARD),
    ):
        with ctx.reader() as uow:
            found, _ = uow.cases.search({"procedure_id": procedure}, _page())
        complete(ctx, actor, found[0].code, element_id, {"result": result})
    run_once(ctx)
    complete(ctx, COUNTER, code, "notify_citizen", {"notified_via": "vneid"})
    _, events = cases.case_history(ctx, LEADER, code)
    cancelled = [e for e in events if e.type == "task_cancelled"]
    assert [e.payload["element_id"] for e in cancelled] == ["handoff_escalation"] * 2
    result = replay(ctx, load_recorded(ctx, cases.get_case(ctx, LEADER, code).case))
    assert result.matched, result.divergence


def _page() -> Any:
    from engine.adapters.repository import Page

    return Page(1, 50)
