"""Incidents: messages that expired before anyone waited for them, and dead letters; their retry."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.errors import ConflictError, InvalidInputError, NotFoundError
from engine.domain.messaging import Incident, IncidentState, OutboxMessage, OutboxState
from engine.domain.model import Actor
from engine.services.access import require_role
from engine.services.context import Context

OPERATOR_ROLES = {"admin", "operator"}
STATES = tuple(s.value for s in IncidentState)


@dataclass(frozen=True)
class IncidentView:
    """An incident with the message it is about."""

    incident: Incident
    message: OutboxMessage | None


def list_incidents(
    ctx: Context, actor: Actor, state: str | None, page: int, per_page: int
) -> tuple[list[IncidentView], int]:
    """Incidents, oldest first (open ones by default)."""
    require_role(actor, OPERATOR_ROLES | {"auditor"}, "reading incidents")
    if state is not None and state not in STATES:
        raise InvalidInputError(f"state must be one of {', '.join(STATES)}")
    with ctx.reader() as uow:
        items, total = uow.incidents.search(state, (page - 1) * per_page, per_page)
        return [IncidentView(i, uow.outbox.get(i.outbox_id)) for i in items], total


def get_incident(ctx: Context, actor: Actor, incident_id: int) -> IncidentView:
    """One incident with its message."""
    require_role(actor, OPERATOR_ROLES | {"auditor"}, "reading incidents")
    with ctx.reader() as uow:
        incident = uow.incidents.get(incident_id)
        if incident is None:
            raise NotFoundError(f"incident {incident_id} not found")
        return IncidentView(incident, uow.outbox.get(incident.outbox_id))


# A dead letter, an expired message, and a refused one (once the receiving case's model version
# names its sender in external_senders; before that it is refused again) can go back in line.
_RETRYABLE = (OutboxState.DEAD, OutboxState.EXPIRED, OutboxState.REFUSED)


def retry_incident(ctx: Context, actor: Actor, incident_id: int) -> IncidentView:
    """Put the incident's message back in line: due now, attempts from zero, a fresh time to
    live for a message that expired. The worker delivers it in its stream's order."""
    require_role(actor, OPERATOR_ROLES, "retrying an incident")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        incident = uow.incidents.get(incident_id, lock=True)
        if incident is None:
            raise NotFoundError(f"incident {incident_id} not found")
        if incident.state != IncidentState.OPEN:
            raise ConflictError(f"incident {incident_id} is {incident.state.value}, not open")
        message = uow.outbox.get(incident.outbox_id, lock=True)
        if message is None or message.state not in _RETRYABLE:
            raise ConflictError(f"the message of incident {incident_id} is no longer failed")
        if message.state != OutboxState.DEAD:  # it waited for a case: it may wait again
            message.expires_at = now + ctx.messaging.message_ttl
        message.state, message.attempts = OutboxState.PENDING, 0
        message.next_attempt_at, message.last_error = now, None
        uow.outbox.update(message)
        incident.state, incident.resolved_at, incident.resolved_by = (
            IncidentState.RETRIED,
            now,
            actor.sub,
        )
        uow.incidents.update(incident)
        uow.commit()
    return IncidentView(incident, message)
