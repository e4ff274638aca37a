"""The worker's message round: route case messages, then send what leaves for other systems."""

from __future__ import annotations

from engine.services.context import Context
from engine.services.messaging.acknowledgement import check_acknowledgements
from engine.services.messaging.remote import deliver_remote
from engine.services.messaging.routing import route_messages


def run_messages(ctx: Context, limit: int = 500) -> int:
    """Deliver every due case message, then every due webhook and portal record, in stream
    order, then settle the handoffs whose acknowledgement allotment has passed; return how
    many rows were handled. Each remote round leases the next row of every stream, so the loop
    ends when nothing is due (sent rows are done, failed ones wait)."""
    handled = route_messages(ctx, limit)
    for _ in range(limit):
        sent = deliver_remote(ctx)
        if sent == 0:
            break
        handled += sent
    return handled + check_acknowledgements(ctx, limit)
