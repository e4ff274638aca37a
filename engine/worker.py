"""Background worker: runs cases whose timers or legal-clock milestones are due, routes messages,
escalates handoffs nobody took up in time, records the daily audit digest (MOTCUA_DIGEST_AT).

Several workers may run against PostgreSQL at once (they claim work with SKIP LOCKED); on SQLite
run one. The loop sleeps only when a round found nothing to do, and never longer than
`idle_seconds`, so a timer fires within that many seconds of its due time.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from engine.services.audit import record_due_digest
from engine.services.context import Context
from engine.services.messaging.rounds import run_messages
from engine.services.timers import Round, run_due

log = logging.getLogger("motcua.worker")


def run_once(ctx: Context, batch: int = 50) -> int:
    """Process every case due now, batch after batch; return how many cases were processed."""
    processed = 0
    while True:
        result: Round = run_due(ctx, batch)
        processed += result.processed
        if result.processed < batch:
            break
    # Messages between cases, webhooks and portal records, then the handoffs whose
    # acknowledgement allotment has passed (engine.services.messaging).
    processed += run_messages(ctx)
    record_due_digest(ctx)  # the day's audit digest once its time has passed (no case work)
    return processed


def run_worker(ctx: Context, *, once: bool = False, idle_seconds: float = 1.0) -> None:
    """Loop until SIGTERM/SIGINT: process due work, then wait a little for more."""
    stopping = False

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started")
    while not stopping:
        try:
            done = run_once(ctx)
        except Exception:  # the database went away, etc.: log, back off, try again
            log.exception("worker round failed")
            done = 0
        if once:
            break
        if done == 0:
            time.sleep(idle_seconds)
    log.info("worker stopped")
