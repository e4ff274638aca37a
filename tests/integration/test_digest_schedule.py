"""The worker records the daily audit digest at MOTCUA_DIGEST_AT (Vietnam time), exactly once a
day however many workers run, so that operators need no cron job for it."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from engine.calendar import VN_TZ
from engine.domain.model import Actor
from engine.services import cases
from engine.services.audit import last_scheduled, record_due_digest
from engine.settings import Settings
from engine.worker import run_once
from features.samples import application

UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "counter"}), frozenset({UNIT}))


def _digests(ctx: Any) -> list[Any]:
    with ctx.reader() as uow:
        return list(uow.audit.digests())


def test_a_worker_round_records_the_days_digest_once(ctx: Any, clock: Any) -> None:
    ctx.digest_at = time(23, 30)
    cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application())
    run_once(ctx)  # none was ever recorded: the last instant (yesterday 23:30) is due
    run_once(ctx)
    [first] = _digests(ctx)
    assert first.created_by == "system:worker" and first.case_count == 1
    clock.set(datetime(2025, 3, 4, 23, 29, tzinfo=VN_TZ))
    run_once(ctx)
    assert len(_digests(ctx)) == 1
    clock.set(datetime(2025, 3, 4, 23, 31, tzinfo=VN_TZ))
    run_once(ctx)
    run_once(ctx)
    digests = _digests(ctx)
    assert len(digests) == 2 and digests[1].prev_digest == first.digest


def test_several_workers_record_one_digest(ctx: Any) -> None:
    ctx.digest_at = time(23, 30)
    barrier = threading.Barrier(3)
    recorded: list[Any] = []

    def worker() -> None:
        barrier.wait()
        recorded.append(record_due_digest(ctx))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_digests(ctx)) == 1
    assert sum(1 for r in recorded if r is not None) == 1


def test_switched_off_the_worker_records_none(ctx: Any) -> None:
    ctx.digest_at = None
    run_once(ctx)
    assert _digests(ctx) == []


def test_the_days_instant_is_in_vietnam_time() -> None:
    at = time(23, 30)
    night = datetime(2025, 3, 4, 23, 30, tzinfo=VN_TZ)
    assert last_scheduled(datetime(2025, 3, 4, 9, 0, tzinfo=VN_TZ), at) == night - timedelta(1)
    assert last_scheduled(night, at) == night
    # 16:31 UTC is 23:31 in Hanoi: past the day's instant; 16:29 UTC is not.
    assert last_scheduled(datetime.fromisoformat("2025-03-04T16:31:00+00:00"), at) == night
    before = datetime.fromisoformat("2025-03-04T16:29:00+00:00")
    assert last_scheduled(before, at) == night - timedelta(days=1)


@pytest.mark.parametrize(("text", "expected"), [("23:30", time(23, 30)), ("off", None), ("", None)])
def test_motcua_digest_at_reads_a_time_of_day_or_off(text: str, expected: Any) -> None:
    settings = Settings.from_env(database_url="sqlite://", secret_key="s" * 32, digest_at=text)
    assert settings.digest_time == expected


def test_a_malformed_motcua_digest_at_stops_the_start() -> None:
    with pytest.raises(RuntimeError, match="MOTCUA_DIGEST_AT must be a time of day"):
        Settings.from_env(database_url="sqlite://", secret_key="s" * 32, digest_at="half past")
