"""The commune's side of the birth registration bundle (bpmn/birth_registration_bundle), driven
through the service layer: the officers, the examples and a case up to the hand-over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.domain.model import Actor
from engine.services import cases, tasks

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "bpmn" / "birth_registration_bundle"
COMMUNE = "UBND-PHUCXA"
COUNTER = Actor("mc.lan", frozenset({"officer", "counter"}), frozenset({COMMUNE}))
CIVIL = Actor("ht.binh", frozenset({"officer", "civil_status"}), frozenset({COMMUNE}))
LEADER = Actor("ld.cuong", frozenset({"officer", "leader"}), frozenset({COMMUNE}))
ADMIN = Actor("admin", frozenset({"admin"}), frozenset())


def example(name: str) -> dict[str, Any]:
    """One of the bundle's example form submissions."""
    return dict(json.loads((BUNDLE / "examples" / f"{name}.json").read_text(encoding="utf-8")))


def complete(ctx: Any, actor: Actor, code: str, element_id: str, data: dict[str, Any]) -> None:
    """Claim and complete the open task `element_id` of a case."""
    with ctx.reader() as uow:
        task = next(
            t
            for t in uow.tasks.open_for_case(uow.cases.get_by_code(code).id)
            if t.element_id == element_id
        )
    tasks.claim_task(ctx, actor, task.id)
    tasks.complete_task(ctx, actor, task.id, data)


def registered_birth(ctx: Any) -> str:
    """A bundle case up to the hand-over: the birth is registered, both requests thrown."""
    view = cases.start_case(
        ctx, COUNTER, "birth_registration_bundle", 2, COMMUNE, example("application")
    )
    code = view.case.code
    complete(ctx, COUNTER, code, "counter_check", {"check_result": "complete"})
    complete(ctx, CIVIL, code, "civil_status_record", example("civil_status_record"))
    complete(ctx, LEADER, code, "leader_sign", {"sign_result": "signed"})
    return code
