"""What the router hands a case (an Arrival, also what replay re-applies) and what it did with
a message (an Outcome)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.messaging import OutboxMessage, OutboxState


@dataclass(frozen=True)
class Arrival:
    """A message as the receiving case records it (the input its replay re-applies)."""

    name: str
    key: str
    correlation: dict[str, str]
    payload: Any
    source_case: str | None = None
    source_seq: int | None = None
    sender: str = "system"

    @classmethod
    def of(cls, row: OutboxMessage) -> Arrival:
        """The arrival of an outbox row."""
        return cls(
            row.name,
            row.key,
            dict(row.correlation),
            row.payload,
            row.source_case,
            row.source_seq,
            row.sender,
        )

    @classmethod
    def from_event(cls, payload: dict[str, Any]) -> Arrival:
        """The arrival recorded in a message_received / case_started_by_message event."""
        message, source = payload["message"], payload.get("from") or {}
        return cls(
            message["name"],
            message["key"],
            dict(message.get("correlation") or {}),
            message.get("payload"),
            source.get("case"),
            source.get("seq"),
            source.get("sender", "system"),
        )

    def recorded(self) -> dict[str, Any]:
        """The event fields: the message, and where it came from."""
        return {
            "message": {
                "name": self.name,
                "key": self.key,
                "correlation": self.correlation,
                "payload": self.payload,
            },
            "from": {"case": self.source_case, "seq": self.source_seq, "sender": self.sender},
        }


@dataclass(frozen=True)
class Outcome:
    """What the router did with a message."""

    state: OutboxState
    case_code: str | None = None
    element_id: str | None = None
    started: bool = False
    # The receiving case's unit, its event recording the receipt, and how many tasks for
    # people the message gave it (a handoff's acknowledgement depends on them).
    unit: str | None = None
    seq: int | None = None
    new_tasks: int = 0

    def result(self) -> dict[str, Any]:
        """The row's stored result (also the answer to a duplicate inbound message)."""
        return {"case": self.case_code, "element_id": self.element_id, "started": self.started}
