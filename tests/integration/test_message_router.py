"""The router under concurrency: several workers deliver every message exactly once, in order.

Threads run the router's rounds at the same time against the test database (PostgreSQL: they
share the rows through FOR UPDATE SKIP LOCKED and the stream-head rule; SQLite: they take turns
on its write lock). Every message starts a case of the police or insurance procedure.
"""

from __future__ import annotations

import threading
from typing import Any

from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState
from engine.services.messaging.routing import route_messages

DOSSIERS = 12
WORKERS = 3


def _queue(ctx: Any) -> list[str]:
    """Two messages per dossier stream: residence first, then insurance."""
    now = ctx.clock.now()
    keys = []
    with ctx.uow() as uow:
        for n in range(DOSSIERS):
            dossier = f"UBND-PHUCXA-250304-{n:04d}"
            for name, unit in (
                ("residence_requested", "CA-PHUCXA"),
                ("insurance_requested", "BHXH-BADINH"),
            ):
                key = f"{dossier}/{name}"
                uow.outbox.add(
                    OutboxMessage(
                        key=key,
                        channel=OutboxChannel.CASE,
                        name=name,
                        stream=f"case:{dossier}",
                        payload={"unit": unit, "applicant": {"full_name": f"Người {n}"}},
                        created_at=now,
                        correlation={"dossier": dossier},
                        dossier=dossier,
                        state=OutboxState.PENDING,
                        next_attempt_at=now,
                        expires_at=now,
                    )
                )
                keys.append(key)
        uow.commit()
    return keys


def test_concurrent_routers_deliver_each_message_once_in_stream_order(ctx: Any) -> None:
    keys = _queue(ctx)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while route_messages(ctx, limit=5):
                pass
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    with ctx.reader() as uow:
        rows = [uow.outbox.by_key(k) for k in keys]
        started = {}
        for row in rows:
            assert row is not None and row.state == OutboxState.DELIVERED, row
            assert row.result["started"] is True
            started[row.key] = uow.cases.get_by_code(row.result["case"])
        assert len({c.code for c in started.values()}) == 2 * DOSSIERS  # one case per message
        for n in range(DOSSIERS):
            dossier = f"UBND-PHUCXA-250304-{n:04d}"
            residence = started[f"{dossier}/residence_requested"]
            insurance = started[f"{dossier}/insurance_requested"]
            assert residence.id < insurance.id  # the stream's first message went first
            first = uow.events.for_case(residence.id)[0]
            assert first.payload["message"]["correlation"] == {"dossier": dossier}
