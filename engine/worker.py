"""Background worker: fires due timers case by case, each in its own transaction."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from engine.domain.model import SYSTEM_ACTOR
from engine.services.context import Context
from engine.services.timers import due_cases, fire_timers

log = logging.getLogger("motcua.worker")


def run_once(ctx: Context, batch: int = 100) -> int:
    """Process every case whose timer is due now; return how many were processed."""
    processed = 0
    for code in due_cases(ctx, batch):
        try:
            if fire_timers(ctx, SYSTEM_ACTOR, code):
                processed += 1
        except Exception:  # one broken case must not stop the others; it stays due and visible
            log.exception("timer processing failed for case %s", code)
    return processed


def run_worker(ctx: Context, *, once: bool = False, idle_seconds: float = 5.0) -> None:
    """Loop until SIGTERM/SIGINT: process due work, then sleep until the next due time."""
    stopping = False

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started")
    while not stopping:
        done = run_once(ctx)
        if once:
            break
        if done == 0:
            time.sleep(idle_seconds)
    log.info("worker stopped")
