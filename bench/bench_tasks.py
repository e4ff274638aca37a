"""Task-completion benchmark: raw SpiffWorkflow vs the service layer vs HTTP, SQLite and PostgreSQL.

Run by hand (not in CI):  .venv/bin/python bench/bench_tasks.py [--cases 100] [--rounds 5] [--loop 200]
PostgreSQL: --postgres postgresql://postgres@127.0.0.1:5432/test (a private schema is created and dropped).

The runs are interleaved: each round runs raw SpiffWorkflow, then the service layer and HTTP on
each database, `--cases` cases each. A shared 2-core machine changes speed from minute to
minute; measured in the same round, raw and the service layer see the same machine, so the
share of raw is taken per round and its median reported (with the median rate and the pooled
latency percentiles of every round).
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
    """One round of a run: its completion latencies and rate."""
    return {"run": name, "latencies": latencies, "per_second": len(latencies) / wall}


def combine(rounds: list[dict[str, Any]], raw: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one run: median rate, pooled percentiles, median share of raw per round."""
    latencies = [value for one in rounds for value in one["latencies"]]
    shares = [one["per_second"] / same["per_second"] for one, same in zip(rounds, raw, strict=True)]
    return {
        "run": rounds[0]["run"],
        "rounds": len(rounds),
        "completions": len(latencies),
        "per_second": round(statistics.median(one["per_second"] for one in rounds), 1),
        "p50_ms": round(pct(latencies, 0.50), 2),
        "p95_ms": round(pct(latencies, 0.95), 2),
        "share_of_raw": f"{100 * statistics.median(shares):.0f}%",
        "share_range": f"{100 * min(shares):.0f}-{100 * max(shares):.0f}%",
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


def bench_http(backend: Any, n: int) -> dict[str, Any]:
    """The same flow over real HTTP (the backend's werkzeug threaded server on 127.0.0.1)."""
    from api.auth import issue_token
    from engine.domain.clock import SystemClock

    token = issue_token(
        backend.settings, ACTOR.sub, sorted(ACTOR.roles), [UNIT], now=SystemClock().now()
    )
    conn = http.client.HTTPConnection("127.0.0.1", backend.server.server_port)
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
    conn.close()
    return summary(f"HTTP, {backend.name}", latencies, wall)


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


class Backend:
    """One database with bpmn/ and the loop model deployed, and an HTTP server over it."""

    def __init__(self, url: str, name: str) -> None:
        from werkzeug.serving import make_server

        from api.app import create_app

        upgrade(url)
        self.name = name
        self.settings = Settings.from_env(
            database_url=url,
            secret_key="motcua-bench-secret-0123456789abcdef",
            # One client sends thousands of requests a minute here: measure, don't throttle.
            rate_limit="1000000 per minute",
        )
        self.ctx = build_context(self.settings)
        deploy_folder(self.ctx, ROOT / "bpmn")
        deploy_bundle(
            self.ctx,
            ACTOR.__class__("bench", frozenset({"admin"}), frozenset()),
            read_bundle(ROOT / "bench" / "models" / "loop_review"),
        )
        self.server = make_server(
            "127.0.0.1", 0, create_app(self.settings, self.ctx), threaded=True
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        bench_service(self.ctx, name, 3)  # warm caches

    def close(self) -> None:
        """Stop the server, close the pool."""
        self.server.shutdown()
        self.ctx.db_engine.dispose()


def main() -> None:
    """Run everything and print a JSON line per result with its share of raw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100, help="cases per run and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--loop", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access line per request
    schema = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        backends = [Backend(f"sqlite:///{tmp}/bench.db", "SQLite")]
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
        try:
            if args.postgres:
                url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                backends.append(Backend(url, "PostgreSQL"))
            runs: dict[str, list[dict[str, Any]]] = {}
            for _ in range(args.rounds):
                runs.setdefault("raw", []).append(bench_raw(args.cases))
                for one in backends:
                    runs.setdefault(f"service {one.name}", []).append(
                        bench_service(one.ctx, one.name, args.cases)
                    )
                    runs.setdefault(f"http {one.name}", []).append(bench_http(one, args.cases))
            for rounds in runs.values():
                print(json.dumps(combine(rounds, runs["raw"]), ensure_ascii=False))
            for one in backends:
                print(json.dumps(bench_loop(one.ctx, one.name, args.loop), ensure_ascii=False))
        finally:
            for one in backends:
                one.close()
            if args.postgres:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
