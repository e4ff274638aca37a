"""How replay re-applies a delivered message: the recorded message, to the replayed case.

A message is an input of the receiving case like a completed task: replay hands the recorded
message (name, correlation, payload) to the replayed case, or starts the replayed case with it,
through the same functions the router uses; the events the command produces are compared with
the recorded ones. The sending case's ``message_sent`` events are derived events of its own
commands and need nothing here; its ``handoff_unacknowledged`` events (the worker's escalation of
a handoff nobody took up in time) are inputs, re-applied from their recorded details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.domain.errors import ConflictError
from engine.domain.model import Actor
from engine.services.messaging.acknowledgement import ESCALATED_EVENT, escalate_handoff
from engine.services.messaging.arrival import Arrival
from engine.services.messaging.routing import apply_to_case, start_from_message
from engine.services.replay import register_input

if TYPE_CHECKING:
    from engine.domain.model import CaseEvent
    from engine.services.replay import ReplayRun


def _actor(event: CaseEvent) -> Actor:
    units = frozenset({event.actor_unit}) if event.actor_unit else frozenset()
    return Actor(sub=event.actor, roles=frozenset({"system", "replay"}), units=units)


@register_input("message_received")
def replay_message_received(run: ReplayRun, event: CaseEvent) -> None:
    """Deliver the recorded message to the replayed case."""
    with run.ctx.uow() as uow:
        case = uow.cases.get_by_code(run.code, lock=True)
        if case is None:
            raise ConflictError(f"the replay of {run.code} has no case")
        arrival = Arrival.from_event(event.payload)
        now = run.ctx.clock.now()
        if apply_to_case(run.ctx, uow, case, arrival, now, _actor(event)) is None:
            raise ConflictError(f"the replayed case does not wait for message '{arrival.name}'")
        uow.commit()


@register_input("case_started_by_message")
def replay_case_started_by_message(run: ReplayRun, event: CaseEvent) -> None:
    """Start the replayed case with the recorded message."""
    p = event.payload
    with run.ctx.uow() as uow:
        start_from_message(
            run.ctx,
            uow,
            p["procedure_id"],
            p["unit"],
            Arrival.from_event(p),
            run.ctx.clock.now(),
            _actor(event),
        )
        uow.commit()


@register_input(ESCALATED_EVENT)
def replay_handoff_unacknowledged(run: ReplayRun, event: CaseEvent) -> None:
    """Escalate the recorded handoff again on the replayed sending case."""
    with run.ctx.uow() as uow:
        case = uow.cases.get_by_code(run.code, lock=True)
        if case is None:
            raise ConflictError(f"the replay of {run.code} has no case")
        escalate_handoff(run.ctx, uow, case, event.payload, run.ctx.clock.now(), _actor(event))
        uow.commit()
