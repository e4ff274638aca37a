"""Names bound to one run of model code: `is_defined()` over its variables, `print()` to the log.

`is_defined('a.b')` is FEEL's `is defined(a.b)` (juel.py translates it): true when the variable
exists, and each further name is a key of the dict before it; null counts as defined. It reads
task data only, never the sandbox's guards or helpers, and answers a bool.

`print()` follows RestrictedPython's PrintCollector: the policy rewrites `print(...)` into a call on
a collector that `_print_` makes, and `printed` into the text collected so far. Here every
collector of a run writes into one bounded `Printed`, which the script engine logs with the task
(logger "motcua.scripts", debug level), never to stdout: a script may print, and printing is
never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

from engine.runtime.script_data import check_render
from engine.runtime.script_errors import ScriptSecurityError

DEFINED = "is_defined"
MAX_PRINTED = 10_000  # characters of one run's output kept for the log
SCOPE_NAMES = frozenset({DEFINED, "print", "printed"})

log = logging.getLogger("motcua.scripts")


def definer(scope: Mapping[str, Any], hidden: Collection[str]) -> Callable[[str], bool]:
    """`is_defined(path)` over the variables of `scope`, never over the `hidden` names."""

    def is_defined(path: str) -> bool:
        if not isinstance(path, str):
            raise TypeError("is_defined() takes a variable name or dotted path as text")
        first, *rest = path.split(".")
        if first.startswith("_") or first in hidden or first not in scope:
            return False
        value = scope[first]
        for key in rest:
            if type(value) is not dict or key not in value:
                return False
            value = value[key]
        return True

    return is_defined


class Printed:
    """What one run printed, cut at MAX_PRINTED characters."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self.cut = False

    def collector(self, _getattr_: Any = None) -> _Collector:
        """The `_print_` factory the policy calls at the top of a script and of each function."""
        return _Collector(self)

    def write(self, text: str) -> None:
        """Keep text, up to the bound."""
        room = MAX_PRINTED - self._size
        if len(text) > room:
            text, self.cut = text[: max(room, 0)], True
        self._parts.append(text)
        self._size += len(text)

    @property
    def full(self) -> bool:
        """True once the bound is reached."""
        return self._size >= MAX_PRINTED

    def text(self) -> str:
        """Everything kept so far."""
        return "".join(self._parts)

    def log_for(self, element_id: str, process_id: str) -> None:
        """Hand the output to the engine's log, naming the task; nothing when nothing was printed."""
        if self._size or self.cut:
            suffix = " [cut]" if self.cut else ""
            # Debug level: scripts may print personal data, which production logs should not keep.
            log.debug("%s/%s printed: %s%s", process_id, element_id, self.text(), suffix)


class _Collector:
    """RestrictedPython's collector interface (`_call_print`, and calling it for `printed`)."""

    def __init__(self, sink: Printed) -> None:
        self._sink = sink

    def __call__(self) -> str:
        return self._sink.text()

    def _call_print(
        self,
        *objects: Any,
        sep: str | None = " ",
        end: str | None = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        if file is not None:
            raise ScriptSecurityError("print(file=...) is not allowed: output goes to the log")
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise TypeError("print() takes text for sep and end")
        for number, value in enumerate(objects):
            if self._sink.full:  # render no more than the log keeps
                self._sink.cut = True
                return
            check_render(value)  # a small structure of aliased lists has a huge text
            self._sink.write((sep if number else "") + str(value))
        self._sink.write(end)
