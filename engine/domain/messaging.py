"""Messages between agencies and systems: outbox rows, waiting catches, incidents (plain types).

One outbox carries everything that leaves a case: a message for another case (channel ``case``),
a webhook to a system that is not motcua (``webhook``) and a record for the national public
service portal (``portal``). Each row has an idempotency ``key`` (unique) and a ``stream``:
rows of one stream are delivered in the order they were written (one stream per dossier and
destination), streams independently of each other.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class OutboxChannel(enum.StrEnum):
    """Where an outbox row goes."""

    CASE = "case"
    WEBHOOK = "webhook"
    PORTAL = "portal"


class OutboxState(enum.StrEnum):
    """Lifecycle of an outbox row.

    pending: to be tried when ``next_attempt_at`` is reached (new, or retrying after a failure);
    kept: a case message nobody waits for yet, kept until ``expires_at`` or until a catch appears;
    delivered; expired: kept past its time to live (an incident); refused: kept, then found to
    come from a system the receiving procedure does not take it from (an incident, never
    applied); dead: failed every attempt (an incident). An incident retry puts the row back to
    pending. A pending or dead row holds back the later rows of its stream; a kept, expired or
    refused one does not (it waits for a catch, not for a receiver).
    """

    PENDING = "pending"
    KEPT = "kept"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REFUSED = "refused"
    DEAD = "dead"


@dataclass
class OutboxMessage:
    """One outgoing (or inbound, for routing) message."""

    key: str
    channel: OutboxChannel
    name: str
    stream: str
    payload: Any
    created_at: datetime
    correlation: dict[str, str] = field(default_factory=dict)
    dossier: str | None = None
    source_case: str | None = None
    source_seq: int | None = None
    sender: str = "system"
    endpoint: str | None = None
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    expires_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    id: int = 0


@dataclass(frozen=True)
class Subscription:
    """A case waiting at a message catch: the router's index of who waits for what."""

    case_id: int
    case_code: str
    name: str
    element_id: str
    correlation: dict[str, str]
    created_at: datetime


class IncidentState(enum.StrEnum):
    """An incident is open until someone retries (or resolves) it."""

    OPEN = "open"
    RETRIED = "retried"
    RESOLVED = "resolved"


@dataclass
class Incident:
    """Something that needs an operator: an expired message, a dead letter."""

    kind: str
    outbox_id: int
    name: str
    channel: str
    case_code: str | None
    error: str
    attempts: int
    created_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)
    state: IncidentState = IncidentState.OPEN
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    id: int = 0


class HandoffState(enum.StrEnum):
    """Where the receiving side's acknowledgement of a handoff stands.

    awaiting: sent, not yet acknowledged, its allotment still running; acknowledged: the
    receiving side took it up within the allotment; escalated: the allotment passed without an
    acknowledgement and the sending unit's leaders got an escalation task (a later
    acknowledgement is still recorded, as late).
    """

    AWAITING = "awaiting"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"


@dataclass
class Handoff:
    """One message a case sent to another agency (liên thông) and its acknowledgement.

    ``needs_take_up``: the delivery gave the receiving case work for a person, so it counts as
    acknowledged only when an officer of the receiving unit claims or completes a task of that
    case; otherwise delivery itself (or, for a system outside motcua, its 2xx answer) is the
    acknowledgement.
    """

    outbox_id: int
    key: str
    name: str
    channel: str
    source_case_id: int
    source_case: str
    source_unit: str
    dossier: str | None
    sent_at: datetime
    allotment: str
    ack_due_at: datetime
    endpoint: str | None = None
    state: HandoffState = HandoffState.AWAITING
    target_case: str | None = None
    target_unit: str | None = None
    delivered_at: datetime | None = None
    receipt_seq: int | None = None
    needs_take_up: bool = False
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_how: str | None = None
    escalated_at: datetime | None = None
    escalation_task_id: str | None = None
    id: int = 0
