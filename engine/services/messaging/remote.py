"""Deliveries to systems outside motcua over HTTP: webhooks by message name, the national portal.

A round leases the due rows at the head of their streams (one transaction), sends each outside
any transaction (a slow receiver holds no database lock), then records each outcome in its own
transaction: delivered; or retried after an exponential backoff; or, after the configured number
of attempts, a dead letter with an incident that an operator can retry. Delivery to another
system is at least once (a worker that dies after sending but before recording sends again after
the lease), so every request carries the row's idempotency key for the receiver to deduplicate,
and an HMAC-SHA256 signature over the timestamp and body (headers X-Motcua-Timestamp,
X-Motcua-Signature: ``sha256=<hex>``) so the receiver can check it came from motcua unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState
from engine.services.context import Context
from engine.services.messaging import handoffs
from engine.services.messaging.config import MessagingConfig, Transport
from engine.services.messaging.failures import open_incident

log = logging.getLogger("motcua.outbox")


@dataclass(frozen=True)
class Sent:
    """The outcome of one HTTP attempt."""

    ok: bool
    status: int | None = None
    error: str = ""


class Receiver(Protocol):
    """A destination outside motcua: the portal adapter or a webhook."""

    def send(self, row: OutboxMessage, now: datetime) -> Sent: ...


def sign(key: str, timestamp: str, body: bytes) -> str:
    """The X-Motcua-Signature value: HMAC-SHA256 of ``{timestamp}.{body}``."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_signed(
    config: MessagingConfig,
    transport: Transport,
    url: str,
    row: OutboxMessage,
    body: Any,
    now: datetime,
) -> Sent:
    """POST a JSON body with the row's idempotency key and the signature; 2xx is success."""
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": row.key,
        "X-Motcua-Timestamp": timestamp,
        "X-Motcua-Signature": sign(config.signing_key, timestamp, data),
    }
    try:
        status, text = transport.post(url, data, headers, config.http_timeout)
    except OSError as exc:
        return Sent(False, None, f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return Sent(True, status)
    return Sent(False, status, f"HTTP {status}: {text[:300]}")


@dataclass(frozen=True)
class PortalAdapter:
    """The national portal over HTTP: dossier records to ``{url}/hoso``, progress records to
    ``{url}/tientrinh`` (the portal's real endpoints and token exchange go behind this class)."""

    config: MessagingConfig
    transport: Transport

    def send(self, row: OutboxMessage, now: datetime) -> Sent:
        if not self.config.portal_url:
            return Sent(False, None, "portal sync is not configured (MOTCUA_PORTAL_URL)")
        url = f"{self.config.portal_url.rstrip('/')}/{row.name}"
        return post_signed(self.config, self.transport, url, row, row.payload, now)


@dataclass(frozen=True)
class WebhookSender:
    """A message for a system that is not motcua, posted to the URL configured for its name."""

    config: MessagingConfig
    transport: Transport

    def send(self, row: OutboxMessage, now: datetime) -> Sent:
        url = row.endpoint or self.config.webhooks.get(row.name)
        if not url:
            return Sent(False, None, f"no webhook is configured for message '{row.name}'")
        body = {
            "message": row.name,
            "key": row.key,
            "correlation": row.correlation,
            "payload": row.payload,
            "source": {"case": row.source_case, "seq": row.source_seq},
            "sent_at": now.isoformat(),
        }
        return post_signed(self.config, self.transport, url, row, body, now)


def deliver_remote(ctx: Context, batch: int = 20) -> int:
    """One round: lease due rows, send them, record each outcome; returns how many were sent."""
    config = ctx.messaging
    if config.transport is None:
        return 0
    receivers: dict[OutboxChannel, Receiver] = {
        OutboxChannel.PORTAL: PortalAdapter(config, config.transport),
        OutboxChannel.WEBHOOK: WebhookSender(config, config.transport),
    }
    now = ctx.clock.now()
    with ctx.uow() as uow:
        rows = uow.outbox.claim_remote(now, batch, now + config.lease)
        uow.commit()
    for row in rows:
        sent = receivers[row.channel].send(row, now)
        _record(ctx, row, sent, now)
    return len(rows)


def _record(ctx: Context, leased: OutboxMessage, sent: Sent, now: datetime) -> None:
    config = ctx.messaging
    with ctx.uow() as uow:
        row = uow.outbox.get(leased.id, lock=True)
        if row is None or row.state != OutboxState.PENDING or row.attempts != leased.attempts:
            return  # an operator or another worker moved it on meanwhile
        if sent.ok:
            row.state, row.delivered_at, row.last_error = OutboxState.DELIVERED, now, None
            row.result = {"status": sent.status}
            handoffs.answered(uow, row, now)  # a 2xx is the other system's acknowledgement
        elif row.attempts >= config.max_attempts:
            row.state, row.last_error = OutboxState.DEAD, sent.error
            row.result = {"status": sent.status}
            open_incident(
                uow, row, "dead_letter", f"failed {row.attempts} times; last: {sent.error}", now
            )
        else:
            row.last_error = sent.error
            row.next_attempt_at = now + config.backoff(row.attempts)
            log.info("outbox %s: attempt %d failed (%s)", row.key, row.attempts, sent.error)
        uow.outbox.update(row)
        uow.commit()
