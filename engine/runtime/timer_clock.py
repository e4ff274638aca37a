"""Run the library's timers on an injected clock (SpiffWorkflow reads the wall clock directly).

SpiffWorkflow computes and checks timer due times with `datetime.now(timezone.utc)` inside its
timer module. `engine_clock` swaps that module's `datetime` for one whose `now()` asks the given
function, for the length of a `with` block; tests and the conformance driver advance a fake clock
instead of sleeping. Not thread-safe: one engine clock at a time per process.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_LOCK = threading.Lock()


class _Meta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, datetime)


def _clock_class(now: Callable[[], datetime]) -> type[datetime]:
    class _ClockDatetime(datetime, metaclass=_Meta):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            value = now()
            return value.astimezone(tz or timezone.utc)

    return _ClockDatetime


@contextlib.contextmanager
def engine_clock(now: Callable[[], datetime]) -> Iterator[None]:
    """Within the block, the engine's timers see `now()` as the current time (tz-aware)."""
    with _LOCK:
        original = _timer_module.datetime
        _timer_module.datetime = _clock_class(now)
        try:
            yield
        finally:
            _timer_module.datetime = original
