"""Sandbox overhead: one gateway condition (and one script task) in our sandbox vs plain eval/exec.

Run by hand (not in CI):  .venv/bin/python bench/bench_scripting.py [--number 20000] [--repeat 7]
Prints microseconds of CPU time per evaluation (best and median of the repeats) for small and
typical case data. CPU time (thread_time) rather than wall time, so that a busy machine does not
blur the comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.script_engine.python_environment import (  # noqa: E402
    TaskDataEnvironment,
)

from engine.runtime.script_budget import run_with_budget  # noqa: E402
from engine.runtime.script_data import check_data  # noqa: E402
from engine.runtime.script_guard import GUARDS  # noqa: E402
from engine.runtime.scripting import SandboxEnvironment, compile_code  # noqa: E402

CONDITION = "check_result == 'complete' and len(missing_documents) == 0"
SCRIPT = """missing = [doc for doc in required if doc not in submitted]
fee = amount * 2
status = "complete" if not missing else "incomplete"
"""
SMALL: dict[str, Any] = {
    "check_result": "complete",
    "missing_documents": [],
    "amount": 100,
    "required": ["cccd", "to_khai", "giay_chung_sinh"],
    "submitted": ["cccd", "to_khai", "giay_chung_sinh"],
}
# A birth-registration-sized case: ~40 fields, a list of documents, a few nested records.
TYPICAL: dict[str, Any] = {
    **SMALL,
    **{f"field_{i}": f"value {i}" for i in range(30)},
    "applicant": {"name": "Nguyễn Văn A", "id_number": "001090000001", "phone": "0900000000"},
    "child": {"name": "Nguyễn Văn B", "born": "2025-03-01", "sex": "nam", "place": "Hà Nội"},
    "documents": [{"code": f"doc_{i}", "received": True, "pages": i} for i in range(10)],
    # Case data holds dates as ISO-8601 text: forms send text, and a date a script leaves is
    # stored as text (engine/runtime/script_dates.py). DATED below holds a datetime object.
    "submitted_at": "2025-03-03T08:00:00+00:00",
}
DATED: dict[str, Any] = {**TYPICAL, "submitted_at": datetime(2025, 3, 3, 8, 0, tzinfo=UTC)}


def per_call(fn: Callable[[], Any], number: int, repeat: int) -> tuple[float, float]:
    """Best and median microseconds of CPU time per call."""
    timer = timeit.Timer(fn, timer=time.thread_time)
    runs = [t / number * 1e6 for t in timer.repeat(number=number, repeat=repeat)]
    return min(runs), statistics.median(runs)


def cases(data: dict[str, Any]) -> list[tuple[str, Callable[[], Any]]]:
    """What to time over one data set: the baselines, the sandbox and its parts."""
    sandbox, spiff_default = SandboxEnvironment(), TaskDataEnvironment()
    plain_code = compile(CONDITION, "<plain>", "eval")
    plain_script = compile(SCRIPT, "<plain>", "exec")
    code = compile_code(CONDITION, "eval")
    scope = {**data, **GUARDS}

    def script_sandbox() -> None:
        sandbox.execute(SCRIPT, dict(data))

    def script_plain() -> None:
        exec(plain_script, dict(data))

    return [
        ("plain eval, precompiled", lambda: eval(plain_code, dict(data))),
        ("plain eval of the text (Spiff's default)", lambda: eval(CONDITION, dict(data))),
        ("Spiff TaskDataEnvironment.evaluate", lambda: spiff_default.evaluate(CONDITION, data)),
        ("sandbox evaluate (all included)", lambda: sandbox.evaluate(CONDITION, data)),
        ("  part: compiled-code cache lookup", lambda: compile_code(CONDITION, "eval")),
        ("  part: task data check", lambda: check_data(data, "task data field")),
        ("  part: scope building", lambda: {**sandbox.globals, **data, **GUARDS}),
        (
            "  part: guarded code under budget",
            lambda: run_with_budget(eval, code, scope, cpu_seconds=1),
        ),
        ("plain exec of the script", script_plain),
        ("sandbox execute of the script", script_sandbox),
    ]


def main() -> None:
    """Time every case over small and typical data and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000, help="calls per repeat")
    parser.add_argument("--repeat", type=int, default=7, help="repeats (best and median shown)")
    args = parser.parse_args()
    print(f"condition: {CONDITION}")
    print(f"Python {sys.version.split()[0]}; CPU µs per evaluation, best / median of {args.repeat}")
    for label, data in (
        ("small data (5 fields)", SMALL),
        ("typical data (43 fields)", TYPICAL),
        ("typical data holding a datetime object, which a script turns into text", DATED),
    ):
        print(f"\n{label}")
        for name, fn in cases(data):
            best, median = per_call(fn, args.number, args.repeat)
            print(f"  {name:45} {best:8.2f} / {median:8.2f}")


if __name__ == "__main__":
    main()
