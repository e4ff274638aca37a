"""Task-completion benchmark: raw SpiffWorkflow vs the service layer vs HTTP, SQLite and PostgreSQL.

Run by hand (not in CI):  .venv/bin/python bench/bench_tasks.py [--cases 200] [--loop 200]
PostgreSQL: --postgres postgresql://postgres@127.0.0.1:5432/test (a private schema is created and dropped).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.adapters.database import upgrade  # noqa: E402
from engine.adapters.repository import Page  # noqa: E402
from engine.bootstrap import build_context, deploy_folder  # noqa: E402
from engine.domain.model import Actor  # noqa: E402
from engine.services import cases, tasks  # noqa: E402
from engine.services.bundles import read_bundle  # noqa: E402
from engine.services.models import deploy_bundle  # noqa: E402
from engine.settings import Settings  # noqa: E402
from features.samples import application, task_data  # noqa: E402

UNIT = "UBND-BENCH"
ACTOR = Actor(
    "bench", frozenset({"officer", "counter", "civil_status", "leader"}), frozenset({UNIT})
)
HAPPY = [
    ("counter_check", "counter_check/complete"),
    ("civil_status_record", "civil_status_record/approved"),
    ("leader_sign", "leader_sign/signed"),
    ("return_result", "return_result/in_person"),
]


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, latencies: list[float], wall: float) -> dict[str, Any]:
    """Completions per second and latency percentiles."""
    return {
        "run": name,
        "completions": len(latencies),
        "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(pct(latencies, 0.50), 2),
        "p95_ms": round(pct(latencies, 0.95), 2),
    }


def bench_raw(n: int) -> dict[str, Any]:
    """Stock SpiffWorkflow in memory, serialize + deserialize (spec inline) at every wait."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(p) for p in (ROOT / "bpmn" / "birth_registration").glob("*.bpmn")])
    spec = parser.get_spec("birth_registration")
    subs = parser.get_subprocess_specs("birth_registration")
    ser = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        wf = BpmnWorkflow(spec, subs)
        wf.get_next_task(state=TaskState.READY).data.update(application())
        wf.do_engine_steps()
        state = ser.serialize_json(wf)
        for element, key in HAPPY:
            t0 = time.perf_counter()
            wf = ser.deserialize_json(state)
            task = wf.get_next_task(state=TaskState.READY, manual=True)
            assert task.task_spec.bpmn_id == element, task.task_spec.bpmn_id
            task.data.update(task_data(key))
            task.run()
            wf.do_engine_steps()
            state = ser.serialize_json(wf)
            latencies.append(time.perf_counter() - t0)
        assert wf.is_completed()
    return summary(
        "raw SpiffWorkflow (in memory, ser/deser per step)",
        latencies,
        time.perf_counter() - started,
    )


def _open_task(ctx: Any, code: str) -> str:
    items, _ = tasks.list_tasks(ctx, ACTOR, "units", {"case_code": code}, Page(1, 5))
    return items[0].id


def bench_service(ctx: Any, name: str, n: int) -> dict[str, Any]:
    """Start a case and complete its four tasks through the service layer."""
    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        view = cases.start_case(ctx, ACTOR, "birth_registration", 1, UNIT, application())
        task_id = view.open_tasks[0].id
        for _element, key in HAPPY:
            t0 = time.perf_counter()
            done = tasks.complete_task(ctx, ACTOR, task_id, task_data(key))
            latencies.append(time.perf_counter() - t0)
            if key != HAPPY[-1][1]:
                task_id = done.open_tasks[0].id  # the next step, as the completion returns it
    return summary(f"service layer, {name}", latencies, time.perf_counter() - started)


def bench_http(ctx: Any, settings: Settings, name: str, n: int) -> dict[str, Any]:
    """The same flow over real HTTP (werkzeug threaded server on 127.0.0.1)."""
    from werkzeug.serving import make_server

    from api.app import create_app
    from api.auth import issue_token
    from engine.domain.clock import SystemClock

    server = make_server("127.0.0.1", 0, create_app(settings, ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = issue_token(settings, ACTOR.sub, sorted(ACTOR.roles), [UNIT], now=SystemClock().now())
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: Any = None) -> Any:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        payload = json.loads(response.read())
        assert response.status < 300, payload
        return payload

    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        case = call(
            "POST",
            "/cases",
            {
                "procedure_id": "birth_registration",
                "channel": 1,
                "unit": UNIT,
                "data": application(),
            },
        )
        task_id = case["open_tasks"][0]["id"]
        for _element, key in HAPPY:
            t0 = time.perf_counter()
            result = call("POST", f"/tasks/{task_id}/complete", {"data": task_data(key)})
            latencies.append(time.perf_counter() - t0)
            if key != HAPPY[-1][1]:
                task_id = result["case"]["open_tasks"][0]["id"]
    wall = time.perf_counter() - started
    server.shutdown()
    return summary(f"HTTP, {name}", latencies, wall)


def bench_loop(ctx: Any, name: str, loops: int) -> dict[str, Any]:
    """One case looping `loops` times: does the 200th completion cost what the 5th did?"""
    view = cases.start_case(
        ctx, ACTOR, "bench_loop_review", 1, UNIT, {}, applicant={"full_name": "Bench"}
    )
    costs = []
    for i in range(loops):
        task_id = _open_task(ctx, view.case.code)
        t0 = time.perf_counter()
        tasks.complete_task(ctx, ACTOR, task_id, {"again": i < loops - 1, "note": f"round {i}"})
        costs.append(time.perf_counter() - t0)
    early = statistics.median(costs[2:8])
    late = statistics.median(costs[-6:])
    return {
        "run": f"loop of {loops}, {name}",
        "5th_ms": round(1000 * early, 2),
        f"{loops}th_ms": round(1000 * late, 2),
        "ratio": round(late / early, 2),
    }


def backend(url: str, name: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every service/HTTP/loop run on one database."""
    upgrade(url)
    settings = Settings.from_env(
        database_url=url, secret_key="motcua-bench-secret-0123456789abcdef"
    )
    ctx = build_context(settings)
    deploy_folder(ctx, ROOT / "bpmn")
    deploy_bundle(
        ctx,
        ACTOR.__class__("bench", frozenset({"admin"}), frozenset()),
        read_bundle(ROOT / "bench" / "models" / "loop_review"),
    )
    bench_service(ctx, name, 3)  # warm caches
    results = [
        bench_service(ctx, name, args.cases),
        bench_http(ctx, settings, name, args.cases),
        bench_loop(ctx, name, args.loop),
    ]
    ctx.db_engine.dispose()
    return results


def main() -> None:
    """Run everything and print a JSON line per result plus the ratio to raw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--loop", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = [bench_raw(args.cases)]
    with tempfile.TemporaryDirectory() as tmp:
        results += backend(f"sqlite:///{tmp}/bench.db", "SQLite", args)
    if args.postgres:
        import psycopg

        schema = f"motcua_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            results += backend(
                f"{args.postgres}?options=-csearch_path%3D{schema}", "PostgreSQL", args
            )
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    raw = results[0]["per_second"]
    for result in results:
        if "per_second" in result:
            result["share_of_raw"] = f"{100 * result['per_second'] / raw:.0f}%"
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
