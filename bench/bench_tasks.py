"""Task-completion benchmark: raw SpiffWorkflow vs the service layer vs HTTP, SQLite and PostgreSQL.

Run by hand (not in CI):  .venv/bin/python bench/bench_tasks.py [--cases 300] [--block 1] [--loop 200]
PostgreSQL: --postgres postgresql://postgres@127.0.0.1:5432/test (a private schema is created and dropped).

The runs are interleaved case by case: raw SpiffWorkflow does one case (`--block` cases), then
the service layer and HTTP on each database do theirs, and again, `--cases` in all. A shared
2-core machine changes speed from one second to the next; interleaved that finely, every run
sees the same machine. Each run's rate is its completions over the time it spent (case starts
included), its share of raw is that rate over raw's, and the range is the spread of that share
over blocks of 10% of the cases.
"""

from __future__ import annotations

import argparse
import functools
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
    """One block of a run: its completion latencies and the time it took."""
    return {"run": name, "latencies": latencies, "wall": wall}


def _rate(blocks: list[dict[str, Any]]) -> float:
    return sum(len(b["latencies"]) for b in blocks) / sum(b["wall"] for b in blocks)


def combine(blocks: list[dict[str, Any]], raw: list[dict[str, Any]]) -> dict[str, Any]:
    """The blocks of one run: its rate and share of raw's, pooled percentiles, and the spread
    of the share over tenths of the run."""
    latencies = [value for one in blocks for value in one["latencies"]]
    tenth = max(1, len(blocks) // 10)
    shares = [
        _rate(blocks[i : i + tenth]) / _rate(raw[i : i + tenth])
        for i in range(0, len(blocks), tenth)
    ]
    return {
        "run": blocks[0]["run"],
        "completions": len(latencies),
        "per_second": round(_rate(blocks), 1),
        "p50_ms": round(pct(latencies, 0.50), 2),
        "p95_ms": round(pct(latencies, 0.95), 2),
        "share_of_raw": f"{100 * _rate(blocks) / _rate(raw):.0f}%",
        "share_range": f"{100 * min(shares):.0f}-{100 * max(shares):.0f}%",
    }


@functools.cache
def _raw_model() -> tuple[Any, Any, Any]:
    """The birth registration spec parsed by stock SpiffWorkflow, and its serializer."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(p) for p in (ROOT / "bpmn" / "birth_registration").glob("*.bpmn")])
    spec = parser.get_spec("birth_registration")
    subs = parser.get_subprocess_specs("birth_registration")
    return spec, subs, BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def bench_raw(n: int) -> dict[str, Any]:
    """Stock SpiffWorkflow in memory, serialize + deserialize (spec inline) at every wait."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    spec, subs, ser = _raw_model()
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
    conn = backend.connection
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
    return summary(f"HTTP, {backend.name}", latencies, time.perf_counter() - started)


def bench_loop(ctx: Any, name: str, loops: int) -> dict[str, Any]:
    """Does the 200th completion of a looping case cost what the 5th did?

    A long case is driven `loops` rounds first; then, alternately, a fresh case completes its
    rounds 1-30 and the long case its next 30, so the early and late completions are measured
    at the same moments (the median of rounds 3-30 against the long case's 30)."""

    def start() -> str:
        view = cases.start_case(
            ctx, ACTOR, "bench_loop_review", 1, UNIT, {}, applicant={"full_name": "Bench"}
        )
        return view.case.code

    def complete(code: str, note: str) -> float:
        task_id = _open_task(ctx, code)
        t0 = time.perf_counter()
        tasks.complete_task(ctx, ACTOR, task_id, {"again": True, "note": note})
        return time.perf_counter() - t0

    long = start()
    for i in range(loops - 1):
        complete(long, f"round {i}")
    fresh = start()
    early, late = [], []
    for i in range(30):
        early.append(complete(fresh, f"round {i}"))
        late.append(complete(long, f"round {loops + i}"))
    early_ms, late_ms = statistics.median(early[2:]), statistics.median(late)
    return {
        "run": f"loop of {loops}, {name}",
        "rounds_3_30_ms": round(1000 * early_ms, 2),
        f"rounds_{loops}_{loops + 29}_ms": round(1000 * late_ms, 2),
        "ratio": round(late_ms / early_ms, 2),
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
        self.connection = http.client.HTTPConnection("127.0.0.1", self.server.server_port)
        bench_service(self.ctx, name, 3)  # warm caches

    def close(self) -> None:
        """Stop the server, close the pool."""
        self.connection.close()
        self.server.shutdown()
        self.ctx.db_engine.dispose()


def main() -> None:
    """Run everything and print a JSON line per result with its share of raw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=300, help="cases per run")
    parser.add_argument("--block", type=int, default=1, help="cases per run between switches")
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
            for _ in range(max(1, args.cases // args.block)):
                runs.setdefault("raw", []).append(bench_raw(args.block))
                for one in backends:
                    runs.setdefault(f"service {one.name}", []).append(
                        bench_service(one.ctx, one.name, args.block)
                    )
                    runs.setdefault(f"http {one.name}", []).append(bench_http(one, args.block))
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
