"""Several worker processes fire each due timer exactly once; a killed worker loses nothing.

Real OS processes running the worker's code against the test database (PostgreSQL: they share
the work through FOR UPDATE SKIP LOCKED; SQLite: they take turns on its write lock).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.bootstrap import build_context
from engine.domain.model import Actor
from engine.services import cases
from engine.services.bundles import read_bundle
from engine.services.models import deploy_bundle
from engine.worker import run_once

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "leader"}), frozenset({UNIT}))
ADMIN = Actor("admin", frozenset({"admin"}), frozenset())
CASES = 40
START = datetime(2025, 3, 4, 9, 0, tzinfo=VN)
AFTER_DUE = datetime(2025, 3, 4, 11, 5, tzinfo=VN)  # the 2-working-hour reminders are due

WORKER = """
import os, signal
from datetime import datetime
from engine.bootstrap import build_context
from engine.domain.clock import FakeClock
from engine.settings import Settings
import engine.services.timers as timers
from engine.worker import run_once

settings = Settings.from_env(database_url=os.environ["URL"], secret_key=os.environ["SECRET"])
ctx = build_context(settings, clock=FakeClock(datetime.fromisoformat(os.environ["NOW"])))
kill_after = int(os.environ.get("KILL_AFTER", "0"))
if kill_after:
    original, done = timers._run_case, []
    def run_case(*args, **kwargs):
        result = original(*args, **kwargs)
        done.append(1)
        if len(done) >= kill_after:  # die in the middle of the batch, before its commit
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    timers._run_case = run_case
print(run_once(ctx, batch=int(os.environ["BATCH"])), flush=True)
"""


@pytest.fixture
def due_cases(settings: Any, clock: Any) -> Iterator[tuple[Any, list[str]]]:
    """CASES cases of the timer demo whose reminder timers are all due at AFTER_DUE."""
    ctx = build_context(settings, clock=clock)
    deploy_bundle(ctx, ADMIN, read_bundle(DATA / "timer_demo"))
    clock.set(START)
    codes = [
        cases.start_case(
            ctx, OFFICER, "timer_demo", 1, UNIT, {}, {"full_name": f"Dân {i}"}
        ).case.code
        for i in range(CASES)
    ]
    clock.set(AFTER_DUE)
    yield ctx, codes
    ctx.db_engine.dispose()


def _spawn(settings: Any, batch: int, kill_after: int = 0) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        URL=settings.database_url,
        SECRET=settings.secret_key,
        NOW=AFTER_DUE.isoformat(),
        BATCH=str(batch),
        KILL_AFTER=str(kill_after),
    )
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _firings(ctx: Any, codes: list[str]) -> Counter[str]:
    fired: Counter[str] = Counter()
    for code in codes:
        _, events = cases.case_history(ctx, OFFICER, code)
        fired[code] = sum(1 for e in events if e.type == "timer_fired")
    return fired


def test_four_worker_processes_fire_every_due_timer_exactly_once(
    settings: Any, due_cases: tuple[Any, list[str]]
) -> None:
    ctx, codes = due_cases
    workers = [_spawn(settings, batch=5) for _ in range(4)]
    outputs = [w.communicate(timeout=300) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    assert sum(int(out.strip()) for out, _ in outputs) == CASES  # each case claimed once
    assert set(_firings(ctx, codes).values()) == {1}
    assert run_once(ctx) == 0  # nothing left over


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(
    settings: Any, due_cases: tuple[Any, list[str]]
) -> None:
    ctx, codes = due_cases
    victim = _spawn(settings, batch=10, kill_after=3)
    _, err = victim.communicate(timeout=300)
    assert victim.returncode == -signal.SIGKILL, err
    assert sum(_firings(ctx, codes).values()) == 0  # its batch never committed
    survivor = _spawn(settings, batch=10)
    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    assert int(out.strip()) == CASES
    assert set(_firings(ctx, codes).values()) == {1}
