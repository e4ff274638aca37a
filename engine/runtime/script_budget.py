"""CPU and memory budget of one sandboxed evaluation, checked where model code can loop.

The compile policy puts a `_tick_()` call at the top of every loop body, comprehension step,
function and lambda, and a `_catch_()` call at the top of every except/finally block: model
code cannot run for long without passing one, and cannot swallow a sandbox error. A tick
costs one `perf_counter()`; the precise checks (thread CPU time, resident memory) run about
every CHECK_EVERY seconds of wall time, since `thread_time()` alone costs about 2 µs.

Memory is the process's resident size (Linux /proc; elsewhere it is not checked), measured from
the first precise check: a neighbour thread's allocations count too, hence the generous margin.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from time import perf_counter, thread_time
from typing import Any

from engine.runtime.script_errors import ScriptError, ScriptLimitError, ScriptTimeoutError

MAX_MEMORY_GROWTH = 256 * 1024 * 1024  # bytes of resident memory one evaluation may add
CHECK_EVERY = 0.002  # seconds of wall time between precise checks

try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, OSError, ValueError):  # not a POSIX system: no memory check
    _PAGE = 0


def resident_bytes() -> int | None:
    """Resident memory of this process (Linux /proc), or None where it cannot be read."""
    if not _PAGE:
        return None
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        return None
    try:
        return int(os.read(fd, 200).split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None
    finally:
        os.close(fd)


class _Budget:
    """Deadlines of one evaluation; the CPU clock is first read at the first precise check."""

    __slots__ = ("cpu_seconds", "started", "next_check", "cpu_deadline", "rss_limit", "outer")

    def __init__(self, cpu_seconds: float, outer: _Budget | None, entry: BaseException | None):
        self.cpu_seconds = cpu_seconds
        self.started = perf_counter()
        self.next_check = self.started + min(CHECK_EVERY, cpu_seconds)
        self.cpu_deadline: float | None = None
        self.rss_limit: int | None = None
        self.outer = (outer, entry)

    def check(self) -> None:
        """Raise once the CPU budget is spent or memory grew too much; plan the next check."""
        now, cpu = perf_counter(), thread_time()
        if self.cpu_deadline is None:
            # Whatever ran since the start was at most the wall time that passed.
            self.cpu_deadline = cpu + self.cpu_seconds - (now - self.started)
            outer = self.outer[0]
            if outer is not None and outer.cpu_deadline is not None:
                self.cpu_deadline = min(self.cpu_deadline, outer.cpu_deadline)
        if cpu > self.cpu_deadline:
            raise ScriptTimeoutError(
                f"the script used more than {self.cpu_seconds:g} s of CPU time"
            )
        rss = resident_bytes()
        if rss is not None:
            if self.rss_limit is None:
                self.rss_limit = rss + MAX_MEMORY_GROWTH
            elif rss > self.rss_limit:
                raise ScriptLimitError(
                    f"the script used more than {MAX_MEMORY_GROWTH // 2**20} MB of memory"
                )
        # CPU time cannot pass faster than wall time, so nothing is missed until then.
        self.next_check = now + min(CHECK_EVERY, self.cpu_deadline - cpu)


class _State(threading.local):
    budget: _Budget | None = None


_STATE = _State()


def tick() -> bool:
    """Raise if the running evaluation is over budget (or none is running); else True."""
    budget = _STATE.budget
    if budget is None:
        # A generator or function made by model code, called after its evaluation ended.
        raise ScriptTimeoutError("model code cannot run outside its evaluation")
    if perf_counter() >= budget.next_check:
        budget.check()
    return True


def catch() -> None:
    """Start of every except/finally block: sandbox errors go on, whatever the handler says."""
    exc = sys.exc_info()[1]
    budget = _STATE.budget
    entry = budget.outer[1] if budget is not None else None
    if isinstance(exc, ScriptError) and exc is not entry:
        raise exc
    tick()


def run_with_budget(fn: Callable[..., Any], *args: Any, cpu_seconds: float) -> Any:
    """Call fn(*args) with a fresh budget of cpu_seconds (never more than an enclosing one)."""
    outer = _STATE.budget
    # The exception the caller may be handling right now is not the model's to re-raise.
    _STATE.budget = _Budget(cpu_seconds, outer, sys.exc_info()[1])
    try:
        return fn(*args)
    finally:
        _STATE.budget = outer
