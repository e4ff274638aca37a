"""Timer benchmark: many open cases, a burst of timers due in the same minute, N workers.

Run by hand (not in CI), on PostgreSQL:
    .venv/bin/python bench/bench_timers.py [--open 100000] [--due 10000] [--workers 2]

One template case of tests/integration/data/timer_demo is started through the service layer; its
row is cloned into `--open` cases with fresh task ids (set-up in seconds, not hours). `--due` of them
get next_due_at a few seconds from now; the rest are due tomorrow. Then `--workers` real
`motcua worker` processes (wall clock) start, and the script waits until every due case fired.
Reported: wall time from the due instant to the last firing, firings per second, and the p50/p95
lateness (the claim instant recorded on each timer_fired event minus the due instant).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.adapters.database import upgrade  # noqa: E402
from engine.bootstrap import build_context  # noqa: E402
from engine.domain.clock import FakeClock  # noqa: E402
from engine.domain.model import Actor  # noqa: E402
from engine.services import cases  # noqa: E402
from engine.services.bundles import read_bundle  # noqa: E402
from engine.services.models import deploy_bundle  # noqa: E402
from engine.settings import Settings  # noqa: E402

SECRET = "motcua-bench-secret-0123456789abcdef"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UNIT = "UBND-BENCH"
ACTOR = Actor("bench", frozenset({"officer", "leader", "admin"}), frozenset({UNIT}))


def setup(url: str, plain: str, schema: str, total: int, due: int, due_at: datetime) -> None:
    """Deploy the demo, start a template case in the past, clone it `total` times."""
    upgrade(url)
    settings = Settings.from_env(database_url=url, secret_key=SECRET)
    ctx = build_context(settings, clock=FakeClock(datetime(2025, 3, 4, 2, 0, tzinfo=UTC)))
    deploy_bundle(ctx, ACTOR, read_bundle(ROOT / "tests/integration/data/timer_demo"))
    template = cases.start_case(ctx, ACTOR, "timer_demo", 1, UNIT, {}, {"full_name": "Mẫu"}).case
    ctx.db_engine.dispose()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        cursor = conn.execute('SELECT * FROM "case" WHERE code = %s', (template.code,))
        generated = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = 'case' AND is_generated = 'ALWAYS'",
                (schema,),
            )
        }
        names = [d.name for d in cursor.description if d.name != "id" and d.name not in generated]
        row = dict(zip([d.name for d in cursor.description], cursor.fetchone(), strict=True))
        # Each clone gets its own SpiffWorkflow task ids (they key the task projection).
        ids = sorted(set(UUID_RE.findall(row["state"])))
        later = due_at + timedelta(days=1)
        placeholders = ", ".join(["%s"] * len(names))
        quoted = ", ".join(f'"{n}"' for n in names)
        with conn.cursor() as cur:
            batch = []
            for i in range(1, total + 1):
                mapping = {old: str(uuid.uuid4()) for old in ids}
                values = dict(row)
                values["code"] = f"{template.code}-{i}"
                values["state"] = UUID_RE.sub(lambda m, mp=mapping: mp[m.group(0)], row["state"])
                values["next_due_at"] = due_at if i <= due else later
                values["last_event_seq"], values["last_event_hash"] = 0, ""
                batch.append(tuple(_adapt(values[n]) for n in names))
                if len(batch) == 2000 or i == total:
                    cur.executemany(f'INSERT INTO "case" ({quoted}) VALUES ({placeholders})', batch)
                    batch = []
        conn.execute('UPDATE "case" SET next_due_at = NULL WHERE code = %s', (template.code,))
        conn.execute('ANALYZE "case"')


def _adapt(value: object) -> object:
    return Jsonb(value) if isinstance(value, dict | list) else value


def main() -> None:
    """Set up, start the workers, wait for the burst to be fired, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    schema = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    url = f"{args.postgres.replace('postgresql://', 'postgresql+psycopg://')}"
    url += f"?options=-csearch_path%3D{schema}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    workers: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.time()
        due_at = datetime.now(UTC) + timedelta(seconds=30)
        setup(url, args.postgres, schema, args.open, args.due, due_at)
        print(f"set-up of {args.open} cases: {time.time() - t0:.1f} s", file=sys.stderr)
        env = dict(os.environ, MOTCUA_DATABASE_URL=url, MOTCUA_SECRET_KEY=SECRET)
        motcua = str(Path(sys.executable).with_name("motcua"))
        workers = [
            subprocess.Popen([motcua, "worker"], env=env, stderr=subprocess.DEVNULL)
            for _ in range(args.workers)
        ]
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            while True:
                left = conn.execute(
                    'SELECT count(*) FROM "case" WHERE next_due_at <= %s', (due_at,)
                ).fetchone()
                if left is not None and left[0] == 0 and datetime.now(UTC) > due_at:
                    break
                time.sleep(0.2)
            done_at = datetime.now(UTC)
            # A firing's event carries the instant its worker claimed the case.
            lateness = [
                max(0.0, (r[0] - due_at).total_seconds())
                for r in conn.execute("SELECT at FROM case_event WHERE type = 'timer_fired'")
            ]
        wall = (done_at - due_at).total_seconds()
        lateness.sort()
        print(
            json.dumps(
                {
                    "open_cases": args.open,
                    "due_in_same_minute": args.due,
                    "workers": args.workers,
                    "fired": len(lateness),
                    "all_fired_within_s": round(wall, 1),
                    "fired_per_s": round(len(lateness) / wall, 1),
                    "lateness_p50_s": round(statistics.median(lateness), 2),
                    "lateness_p95_s": round(lateness[int(0.95 * (len(lateness) - 1))], 2),
                }
            )
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            if not os.environ.get("KEEP"):
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
            print(schema, file=sys.stderr)


if __name__ == "__main__":
    main()
