"""What model code may see and leave behind: plain data, of bounded size, and bounded text.

Task data comes from users and from earlier scripts; `check_data` makes sure it holds only what
the workflow serializer stores (no function, module, type or frame smuggled in) and is not too
large or deep. `check_render` stops str()/repr()/f-strings/% from building a huge text out of a
small structure of aliased lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from itertools import chain
from typing import Any
from uuid import UUID

from engine.runtime.script_errors import ScriptLimitError, ScriptSecurityError

MAX_SIZE = 1_000_000  # items or characters one operation may build
MAX_DATA_ITEMS = 1_000_000  # container items (counted with repeats) in the data a script leaves
MAX_DATA_DEPTH = 100  # nesting of task data; the serializer and deep copies recurse

# The scalars of JSON, which most values are.
JSON_SCALARS = frozenset({type(None), bool, int, float, str})
# What task data may hold: what the workflow serializer stores (sets and tuples become lists).
DATA_SCALARS = JSON_SCALARS | {datetime, timedelta, UUID}
_TEXT = (str, bytes)
_CONTAINERS = (dict, list, tuple, set, frozenset)


def _children(item: Any) -> Iterable[Any]:
    if isinstance(item, dict):
        return (*item, *item.values())
    return item.args if isinstance(item, BaseException) else item


def _footprint(value: Any) -> int:
    """Characters and items value's text would have, repeats counted, for render checks.

    Each distinct container is measured once, so a structure built from aliased lists is
    judged in the time its distinct parts take, not in the time its text would take.
    """
    nested = (*_CONTAINERS, BaseException)
    known: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, expanded = stack.pop()
        key = id(item)
        if expanded:
            size = len(item.args) if isinstance(item, BaseException) else len(item)
            for child in _children(item):
                if isinstance(child, nested):
                    size += known[id(child)]
                elif isinstance(child, _TEXT):
                    size += len(child)
            open_.discard(key)
            known[key] = size
            if size > MAX_SIZE:
                return size
        elif key in open_:
            return MAX_SIZE + 1  # it contains itself
        elif key not in known:
            open_.add(key)
            stack.append((item, True))
            stack += [(c, False) for c in _children(item) if isinstance(c, nested)]
    return known[id(value)]


def _data_problem(level: list[Any], scalars: frozenset[type] = DATA_SCALARS) -> str | None:
    """Why the values in level are not plain data of bounded size, or None when they are.

    Items are counted as the serializer writes them (an aliased list once per reference), level
    by level; `issuperset(map(type, ...))` runs in C, and most containers hold only scalars.
    """
    left, depth = MAX_DATA_ITEMS, 0
    while level:
        depth += 1
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is dict:
                if not scalars.issuperset(map(type, chain(item, item.values()))):
                    below += [k for k in item if type(k) not in scalars]
                    below += [v for v in item.values() if type(v) not in scalars]
            elif kind is list or kind is tuple or kind is set:
                if not scalars.issuperset(map(type, item)):
                    below += [v for v in item if type(v) not in scalars]
            elif kind not in scalars:
                return f"holds a {kind.__name__}, which is not data"
            left -= len(item) + 1 if kind not in scalars else 0
            if left < 0 or depth > MAX_DATA_DEPTH:
                return "is too large or too deeply nested (or contains itself)"
        level = below
    return None


def check_data(
    values: Mapping[str, Any], what: str, scalars: frozenset[type] = DATA_SCALARS
) -> None:
    """Refuse values that are not plain data (dict/list/str/number/datetime...) or too large.

    `scalars` are the exact types accepted as leaves (model code's dates while it runs).
    """
    if scalars.issuperset(map(type, values.values())):
        return
    if _data_problem([v for v in values.values() if type(v) not in scalars], scalars) is None:
        return
    # Rare: walk again value by value, to name the one at fault.
    for name, value in values.items():
        problem = _data_problem([value], scalars)
        if problem is not None:
            error = ScriptSecurityError if "not data" in problem else ScriptLimitError
            raise error(f"{what} '{name}' {problem}")
    raise ScriptLimitError(f"{what} holds more than {MAX_DATA_ITEMS} items in all")


def check_render(value: Any) -> None:
    """Refuse to turn into text a value whose text would be longer than MAX_SIZE (aliasing too)."""
    if isinstance(value, _TEXT):
        size = len(value)
    elif isinstance(value, (*_CONTAINERS, BaseException)):
        size = _footprint(value)
    else:
        return
    if size > MAX_SIZE:
        raise ScriptLimitError(f"the text would be longer than {MAX_SIZE} characters")
