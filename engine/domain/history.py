"""The hash chain of a case's history: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from engine.domain.model import CaseEvent

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in an event: {type(value).__name__}")


def canonical(event: CaseEvent) -> bytes:
    """Canonical bytes of the event's content (everything but its own hash)."""
    body = {
        "case_id": event.case_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "actor_unit": event.actor_unit,
        "task_id": event.task_id,
        "payload": event.payload,
        "model_hash": event.model_hash,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    ).encode()


def seal(event: CaseEvent, prev_hash: str) -> CaseEvent:
    """Set prev_hash and hash on the event and return it."""
    event.prev_hash = prev_hash
    event.hash = hashlib.sha256(canonical(event)).hexdigest()
    return event
