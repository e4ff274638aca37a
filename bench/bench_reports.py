"""Benchmark of the Decision 766 report over a million dossiers on PostgreSQL.

Run by hand (not in CI):  .venv/bin/python bench/bench_reports.py [--cases 1000000] [--keep]
    --postgres postgresql://postgres@127.0.0.1:5432/test (a private schema is created and
    dropped unless --keep).

The data: tests/report_dataset.py draws a template of dossiers with the outcomes the report
distinguishes (on time, late, open, paused, re-appointed, at intake, two supplements...) over
July-September 2025 for 5 units, with their tasks; PostgreSQL then copies the template under
new unit names (UBND-A-1, UBND-A-2, ...) until --cases dossiers exist, each with a ~3 KB
workflow state, its receipt event, and a timer event for one in ten.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from engine.adapters.database import upgrade  # noqa: E402
from engine.adapters.rows import CaseRow, TaskRow  # noqa: E402
from engine.bootstrap import build_context  # noqa: E402
from engine.domain.clock import FakeClock  # noqa: E402
from engine.domain.model import SYSTEM_ACTOR  # noqa: E402
from engine.domain.reporting import parse_period  # noqa: E402
from engine.services import report_render  # noqa: E402
from engine.services.bundles import read_bundle  # noqa: E402
from engine.services.models import deploy_bundle  # noqa: E402
from engine.services.operations import operations_snapshot  # noqa: E402
from engine.services.reports import ReportRequest, service_quality_report  # noqa: E402
from engine.settings import Settings  # noqa: E402
from tests.report_dataset import VN, generate  # noqa: E402

TEMPLATE = 20_000
STATE = json.dumps(
    {
        "spec": "birth_registration",
        "tasks": [
            {"id": str(i), "data": "x" * 20, "state": "COMPLETED", "children": list(range(8))}
            for i in range(40)
        ],
    }
)
CASE_COLUMNS = [c.name for c in CaseRow.__table__.columns]
TASK_COLUMNS = [c.name for c in TaskRow.__table__.columns]


def _copy_sql(table: str, columns: list[str], rewrite: dict[str, str], where: str) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    exprs = ", ".join(rewrite.get(c, f'"{c}"') for c in columns)
    return (
        f'INSERT INTO "{table}" ({cols}) SELECT {exprs} FROM "{table}" '
        f"CROSS JOIN generate_series(1, :copies) AS k WHERE {where}"
    )


def build(ctx: Any, cases: int) -> dict[str, float]:
    """Deploy, draw the template, copy it to `cases` dossiers; seconds per phase."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    versions = {}
    for name, limit in (("birth_registration", "SD"), ("household_business", "3WD")):
        v = deploy_bundle(ctx, SYSTEM_ACTOR, read_bundle(ROOT / "bpmn" / name)).version
        versions[name] = (v.id, v.content_hash, limit)
    template = min(TEMPLATE, cases)
    data = generate(template, versions, ctx.calendar, state=STATE)
    timings["generate_template_s"] = time.perf_counter() - t
    t = time.perf_counter()
    copies = cases // template - 1
    with ctx.db_engine.begin() as conn:
        for i in range(0, len(data.cases), 5000):
            conn.execute(insert(CaseRow), data.cases[i : i + 5000])
        for i in range(0, len(data.tasks), 10000):
            conn.execute(insert(TaskRow), data.tasks[i : i + 10000])
        shift = f"k * {template}"
        conn.execute(
            text(
                _copy_sql(
                    "case",
                    CASE_COLUMNS,
                    {
                        "id": f"id + {shift}",
                        "code": "code || '-' || k",
                        "unit": "unit || '-' || k",
                    },
                    f"id <= {template}",
                )
            ),
            {"copies": copies},
        )
        conn.execute(
            text(
                _copy_sql(
                    "task",
                    TASK_COLUMNS,
                    {
                        "id": "id || '-' || k",
                        "case_id": f"case_id + {shift}",
                        "case_code": "case_code || '-' || k",
                        "unit": "unit || '-' || k",
                        "assignee": "assignee || '-' || k",
                        "completed_by": "completed_by || '-' || k",
                    },
                    "id NOT LIKE '%-%-%'",
                )
            ),
            {"copies": copies},
        )
        conn.execute(
            text("""
            INSERT INTO case_event (case_id, seq, type, at, actor, actor_unit, payload,
                                    model_hash, prev_hash, hash)
            SELECT id, 1, 'case_received', received_at, 'gen', unit, '{}', model_hash, '', md5(code)
            FROM "case"
            UNION ALL
            SELECT id, 2, 'timer_fired', received_at + interval '1 hour', 'system', unit,
                   json_build_object('lateness_seconds', (id % 7) * 0.4), model_hash, '', md5(code)
            FROM "case" WHERE id % 10 = 0""")
        )
        conn.execute(
            text("""SELECT setval(pg_get_serial_sequence('"case"', 'id'), max(id))
                             FROM "case\"""")
        )
    timings["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with ctx.db_engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    timings["vacuum_analyze_s"] = time.perf_counter() - t
    return timings


def timed(runs: int, fn: Any) -> dict[str, float]:
    """Median and best of `runs` calls, in seconds."""
    seconds = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t)
    return {"median_s": round(statistics.median(seconds), 3), "best_s": round(min(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="keep the schema (prints its name)")
    parser.add_argument("--schema", help="measure again on a schema kept by --keep")
    args = parser.parse_args()
    schema = args.schema or f"bench_reports_{uuid.uuid4().hex[:8]}"
    if not args.schema:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    url = args.postgres.replace("postgresql://", "postgresql+psycopg://")
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    upgrade(url)
    settings = Settings.from_env(database_url=url, secret_key="bench-" + "x" * 40)
    ctx = build_context(settings, clock=FakeClock(datetime(2025, 11, 3, 9, tzinfo=VN)))
    tz = ctx.calendar.hours.tz
    try:
        result: dict[str, Any] = {"cases": args.cases}
        if not args.schema:
            result.update(build(ctx, args.cases))
        with ctx.db_engine.connect() as conn:
            result["case_table"] = conn.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size('\"case\"'))")
            )
            result["tasks"] = conn.scalar(text("SELECT count(*) FROM task"))
        month = ReportRequest(parse_period("2025-08"))
        report = service_quality_report(ctx, SYSTEM_ACTOR, month)
        result["month_dossiers"] = report.counts["received"]
        result["month_on_time_rate"] = float(report.indicator("2.1").rate or 0)
        result["monthly_json"] = timed(
            args.runs,
            lambda: report_render.as_json(service_quality_report(ctx, SYSTEM_ACTOR, month), tz),
        )
        html = ReportRequest(parse_period("2025-08"), trend_months=6)
        result["monthly_html_with_6_month_trend"] = timed(
            args.runs,
            lambda: report_render.as_html(service_quality_report(ctx, SYSTEM_ACTOR, html), tz),
        )
        overdue = ReportRequest(parse_period("2025-08"), list_limit=None)
        result["monthly_csv_all_overdue"] = timed(
            args.runs,
            lambda: report_render.as_csv(
                service_quality_report(ctx, SYSTEM_ACTOR, overdue), tz, "overdue"
            ),
        )
        quarter = ReportRequest(parse_period(None, "2025-07-01", "2025-09-30"))
        result["quarter_json_all_cases"] = timed(
            args.runs,
            lambda: report_render.as_json(service_quality_report(ctx, SYSTEM_ACTOR, quarter), tz),
        )
        one_unit = ReportRequest(parse_period("2025-08"), unit="UBND-A-7")
        result["monthly_json_one_unit"] = timed(
            args.runs, lambda: service_quality_report(ctx, SYSTEM_ACTOR, one_unit)
        )
        result["metrics_snapshot"] = timed(
            args.runs, lambda: operations_snapshot(ctx, SYSTEM_ACTOR)
        )
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        ctx.db_engine.dispose()
        if args.keep or args.schema:
            print(f"kept schema {schema}", file=sys.stderr)
        else:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
