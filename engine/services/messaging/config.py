"""How messages leave motcua: time to live, retries, webhooks by message name, the portal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol


class Transport(Protocol):
    """Sends one HTTP request (engine.adapters.http_transport implements it).

    Returns the status code and the start of the response body; raises OSError when the
    receiving system cannot be reached (refused, timed out, DNS).
    """

    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, str]: ...


@dataclass
class MessagingConfig:
    """Messaging settings, built by engine.bootstrap from Settings."""

    # A case message nobody waits for yet is kept this long, then becomes an incident.
    message_ttl: timedelta = timedelta(days=7)
    # Message name -> URL of a system that is not motcua (tax, police database, insurance).
    webhooks: dict[str, str] = field(default_factory=dict)
    # Base URL of the national public service portal's sync API; None: no portal sync.
    portal_url: str | None = None
    # Key of the HMAC-SHA256 signature on every outgoing request (X-Motcua-Signature).
    signing_key: str = ""
    # Attempts before a webhook or portal record is a dead letter (an incident).
    max_attempts: int = 6
    backoff_first: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    # A claimed remote delivery is not taken by another worker for this long.
    lease: timedelta = timedelta(minutes=2)
    http_timeout: float = 10.0
    # A handoff to another agency not acknowledged within this working time (of the sending
    # unit) escalates to the sending unit's leaders; None: no acknowledgement rule.
    handoff_ack: str | None = "2WH"
    transport: Transport | None = None

    @property
    def portal_enabled(self) -> bool:
        """True when portal sync records are produced."""
        return bool(self.portal_url)

    def backoff(self, attempts: int) -> timedelta:
        """Wait before the next attempt after `attempts` failed ones (exponential, capped)."""
        return min(self.backoff_first * 2 ** max(0, attempts - 1), self.backoff_max)
