"""Audit benchmark: replay a long case, verify a large history on PostgreSQL (and SQLite).

Run by hand (not in CI):
    .venv/bin/python bench/bench_audit.py [--events 200] [--verify-events 100000]
PostgreSQL: --postgres postgresql://postgres@127.0.0.1:5432/test (a private schema is created and
dropped). Targets (issue "Auditors replay case histories"): replaying a 200-event case < 1 s;
verifying 100,000 events < 10 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.adapters.database import upgrade  # noqa: E402
from engine.bootstrap import build_context, deploy_folder  # noqa: E402
from engine.domain.clock import FakeClock  # noqa: E402
from engine.domain.history import GENESIS, seal  # noqa: E402
from engine.domain.model import Actor, CaseEvent  # noqa: E402
from engine.services import audit, cases, tasks  # noqa: E402
from engine.services.bundles import read_bundle  # noqa: E402
from engine.services.models import deploy_bundle  # noqa: E402
from engine.services.replay import load_recorded, replay  # noqa: E402
from engine.settings import Settings  # noqa: E402

UNIT = "UBND-BENCH"
ACTOR = Actor("bench", frozenset({"officer", "admin"}), frozenset({UNIT}))
START = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)


def _context(url: str) -> Any:
    upgrade(url)
    settings = Settings.from_env(
        database_url=url, secret_key="motcua-bench-secret-0123456789abcdef"
    )
    ctx = build_context(settings, clock=FakeClock(START))
    deploy_folder(ctx, ROOT / "bpmn")
    deploy_bundle(ctx, ACTOR, read_bundle(ROOT / "bench" / "models" / "loop_review"))
    return ctx


def long_case(ctx: Any, events: int) -> str:
    """A case of about `events` events: a review task claimed and completed again and again."""
    view = cases.start_case(
        ctx, ACTOR, "bench_loop_review", 1, UNIT, {}, applicant={"full_name": "Bench"}
    )
    code = view.case.code
    task_id = view.open_tasks[0].id
    done = view.case.last_event_seq
    while done < events - 3:
        ctx.clock.advance(timedelta(minutes=7))
        tasks.claim_task(ctx, ACTOR, task_id)
        last = done + 3 >= events - 3
        tasks.complete_task(ctx, ACTOR, task_id, {"again": not last, "note": f"round {done}"})
        current = cases.get_case(ctx, ACTOR, code)
        done = current.case.last_event_seq
        if current.open_tasks:
            task_id = current.open_tasks[0].id
    return code


def bench_replay(ctx: Any, name: str, events: int, runs: int) -> dict[str, Any]:
    """Replay one long case several times; report the median and the worst."""
    code = long_case(ctx, events)
    case = cases.get_case(ctx, ACTOR, code).case
    recorded = load_recorded(ctx, case)
    replay(ctx, recorded)  # warm the scratch database and caches
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = replay(ctx, recorded)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert result.matched, result.divergence
    return {
        "run": f"replay, {name}",
        "events": len(recorded.events),
        "commands": result.commands,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),
    }


def fill_history(ctx: Any, total: int, per_case: int = 20) -> None:
    """Insert `total` sealed events over total/per_case cases (bulk, outside the services)."""
    from sqlalchemy import func, insert, select

    from engine.adapters.rows import CaseEventRow, CaseRow

    template_code = long_case(ctx, 6)
    with ctx.uow() as uow:
        version = uow.models.latest("bench_loop_review")
        session = uow.session
        base = session.scalars(select(CaseRow).where(CaseRow.code == template_code)).one()
        assert version is not None
        columns = {c.key: getattr(base, c.key) for c in CaseRow.__mapper__.column_attrs}
        first_id = int(session.scalar(select(func.max(CaseRow.id))) or 0) + 1
        event_columns = [k for k in CaseEventRow.__table__.columns.keys() if k != "id"]
        cases_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        for n in range(total // per_case):
            case_id = first_id + n
            prev = GENESIS
            for seq in range(1, per_case + 1):
                event = CaseEvent(
                    case_id=case_id,
                    seq=seq,
                    type="task_completed",
                    at=START + timedelta(minutes=seq),
                    actor="bench",
                    actor_unit=UNIT,
                    payload={
                        "element_id": "review",
                        "name": "Xem xét hồ sơ",
                        "data": {"again": True, "note": f"vòng {seq} của hồ sơ {n}"},
                        "diff": {"changed": {"note": f"vòng {seq}"}, "removed": []},
                    },
                    model_hash=version.content_hash,
                    task_id=str(uuid.uuid4()),
                )
                seal(event, prev)
                prev = event.hash
                event_rows.append({k: getattr(event, k) for k in event_columns})
            values = dict(columns)
            values.update(
                id=case_id,
                code=f"{UNIT}-250304-{n + 1000:06d}",
                last_event_seq=per_case,
                last_event_hash=prev,
            )
            cases_rows.append(values)
            if len(cases_rows) >= 500:
                session.execute(insert(CaseRow), cases_rows)
                session.execute(insert(CaseEventRow), event_rows)
                cases_rows, event_rows = [], []
        if cases_rows:
            session.execute(insert(CaseRow), cases_rows)
            session.execute(insert(CaseEventRow), event_rows)
        uow.commit()


def bench_verify(ctx: Any, name: str, total: int) -> dict[str, Any]:
    """Verify every chain and the digests over `total` extra events."""
    started = time.perf_counter()
    fill_history(ctx, total)
    filled = time.perf_counter() - started
    digest_started = time.perf_counter()
    audit.record_digest(ctx, ACTOR)
    digest_s = time.perf_counter() - digest_started
    times, cpu = [], []
    for _ in range(2):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = audit.verify_history(ctx, ACTOR)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert report.ok, report.breaks[:3]
    return {
        "run": f"verify, {name}",
        "events": report.events,
        "cases": report.cases,
        "fill_s": round(filled, 1),
        "digest_s": round(digest_s, 3),
        "verify_s": round(min(times), 3),
        "verify_cpu_s": round(min(cpu), 3),
        "events_per_s": int(report.events / min(times)),
    }


def machine() -> dict[str, Any]:
    """How busy the machine is (shared machines drift): load and a fixed JSON workload."""
    sample = json.dumps({"element_id": "review", "data": {"note": "n1", "i": 3}})
    started = time.perf_counter()
    for _ in range(20_000):
        json.loads(sample)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return {
        "run": "machine",
        "loadavg_1m": float(load),
        "json_loads_us": round((time.perf_counter() - started) * 50, 2),
    }


def main() -> None:
    """Run the benchmarks and print one JSON line per result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verify-events", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []

    def report(result: dict[str, Any]) -> None:
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)

    report(machine())
    with tempfile.TemporaryDirectory() as tmp:
        ctx = _context(f"sqlite:///{tmp}/bench.db")
        report(bench_replay(ctx, "SQLite", args.events, args.runs))
        report(bench_verify(ctx, "SQLite", args.verify_events))
        ctx.db_engine.dispose()
    if args.postgres:
        import psycopg

        schema = f"motcua_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            ctx = _context(f"{args.postgres}?options=-csearch_path%3D{schema}")
            report(bench_replay(ctx, "PostgreSQL", args.events, args.runs))
            report(bench_verify(ctx, "PostgreSQL", args.verify_events))
            ctx.db_engine.dispose()
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    report(machine())


if __name__ == "__main__":
    main()
