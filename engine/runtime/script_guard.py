"""Run-time guards of the model-code sandbox: size limits, attribute rules, data checks, builtins.

Residual risk, by design of any in-process sandbox: one C-level operation cannot be
interrupted from Python (e.g. hashing or comparing a structure built from aliased lists
runs to its end), so workers should still run under process limits (RLIMIT_AS, a watchdog).
"""

from __future__ import annotations

import builtins
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import (
    BuiltinFunctionType,
    CodeType,
    FrameType,
    FunctionType,
    GeneratorType,
    GenericAlias,
    MethodType,
    ModuleType,
    TracebackType,
    UnionType,
)
from typing import Any
from uuid import UUID

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from engine.runtime.script_budget import catch, tick
from engine.runtime.script_errors import ScriptLimitError, ScriptSecurityError
from engine.runtime.script_policy import FORBIDDEN_ATTRS, FORBIDDEN_CALLS

MAX_SIZE = 1_000_000  # items or characters one operation may build
MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_FORMAT_WIDTH = 1_000
MAX_ROUND_DIGITS = 1_000
MAX_DATA_ITEMS = 1_000_000  # container items (counted with repeats) in the data a script leaves
MAX_DATA_DEPTH = 100  # nesting of task data; the serializer and deep copies recurse

# What task data may hold: what the workflow serializer stores (sets and tuples become lists).
DATA_SCALARS = frozenset({type(None), bool, int, float, str, datetime, timedelta, UUID})
_SEQUENCES = (str, bytes, list, tuple)
# Objects whose attributes lead to code, frames, globals or classes, whatever the name.
_NO_ATTRIBUTES = (
    type,
    ModuleType,
    GenericAlias,
    UnionType,
    FunctionType,
    BuiltinFunctionType,
    MethodType,
    GeneratorType,
    CodeType,
    FrameType,
    TracebackType,
)
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


def check_data(values: Mapping[str, Any], what: str) -> None:
    """Refuse values that are not plain data (dict/list/str/number/datetime...) or too large.

    Items are counted as the serializer writes them (an aliased list once per reference), level
    by level, so the check is fast on ordinary case data and stops early on anything else.
    """
    left, scalars = MAX_DATA_ITEMS, DATA_SCALARS
    for name, value in values.items():
        if type(value) in scalars:
            continue
        level, depth = [value], 0
        while level:
            depth += 1
            below: list[Any] = []
            for item in level:
                kind = type(item)
                if kind in scalars:
                    continue
                if kind is dict:
                    below += [k for k in item if type(k) not in scalars]
                    below += [v for v in item.values() if type(v) not in scalars]
                elif kind is list or kind is tuple or kind is set:
                    below += [v for v in item if type(v) not in scalars]
                else:
                    raise ScriptSecurityError(
                        f"{what} '{name}' holds a {kind.__name__}, which is not data"
                    )
                left -= len(item) + 1
                if left < 0 or depth > MAX_DATA_DEPTH:
                    raise ScriptLimitError(
                        f"{what} '{name}' is too large or too deeply nested (or contains itself)"
                    )
            level = below


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


def _weight(seq: Any) -> int:
    # Shallow: counts the items of nested sequences too, so [s] * n is judged by len(s) * n.
    size = len(seq)
    if isinstance(seq, (list, tuple)) and size <= MAX_SIZE:
        size += sum(len(item) for item in seq if isinstance(item, _SEQUENCES))
    return size


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SIZE:
        raise ScriptLimitError(f"concatenation would build more than {MAX_SIZE} items")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise ScriptLimitError("multiplication result is too large")
        return
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, _SEQUENCES) and isinstance(n, int) and n > 0:
            if len(seq) * n > MAX_SIZE or _weight(seq) * n > MAX_SIZE:
                raise ScriptLimitError(f"repetition would build more than {MAX_SIZE} items")


def _check_pow(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if b > MAX_INT_BITS or b * a.bit_length() > MAX_INT_BITS:
            raise ScriptLimitError("exponentiation result is too large")


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and b > MAX_INT_BITS - a.bit_length():
        raise ScriptLimitError("shift result is too large")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?([-#0 +]*[\d*]*(?:\.[\d*]*)?)[a-zA-Z%]")


def _check_spec(spec: str) -> None:
    if "*" in spec or any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec)):
        raise ScriptLimitError(f"format width or precision above {MAX_FORMAT_WIDTH}")


def _check_mod(a: Any, b: Any) -> None:
    if isinstance(a, str):
        for spec in _PERCENT_SPEC.findall(a):
            _check_spec(spec)
        check_render(b)


def _guarded(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Any:
    def guard(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)

    return guard


_INPLACE = {
    "+=": (_check_add, operator.iadd),
    "*=": (_check_mul, operator.imul),
    "**=": (_check_pow, operator.ipow),
    "<<=": (_check_lshift, operator.ilshift),
    "%=": (_check_mod, operator.imod),
    "-=": (None, operator.isub),
    "/=": (None, operator.itruediv),
    "//=": (None, operator.ifloordiv),
    ">>=": (None, operator.irshift),
    "|=": (None, operator.ior),
    "&=": (None, operator.iand),
    "^=": (None, operator.ixor),
}


def _inplacevar(op: str, a: Any, b: Any) -> Any:
    if op not in _INPLACE:
        raise ScriptSecurityError(f"operator {op} is not allowed")
    check, apply = _INPLACE[op]
    if check is not None:
        check(a, b)
    return apply(a, b)


def _format(value: Any, conversion: int, spec: str) -> str:
    converter = {115: str, 114: repr, 97: ascii}.get(conversion)
    _check_spec(spec)
    check_render(value)
    return format(converter(value) if converter else value, spec)


def _sized_str_method(text: str | bytes, name: str) -> Callable[..., Any]:
    method = getattr(text, name)

    def call(*args: Any) -> Any:
        if name == "join":
            parts = list(args[0])
            joined = sum(len(p) for p in parts if isinstance(p, (str, bytes)))
            if joined + len(text) * len(parts) > MAX_SIZE:
                raise ScriptLimitError(f"join would build more than {MAX_SIZE} characters")
            return method(parts)
        if name == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            growth = (text.count(old) if old else len(text) + 1) * max(len(new) - len(old), 0)
            if len(text) + growth > MAX_SIZE:
                raise ScriptLimitError(f"replace would build more than {MAX_SIZE} characters")
        if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            if args[0] > MAX_SIZE:
                raise ScriptLimitError(f"padding to more than {MAX_SIZE} characters")
        if name == "expandtabs" and args and isinstance(args[0], int):
            if text.count("\t") * args[0] + len(text) > MAX_SIZE:
                raise ScriptLimitError(f"expandtabs would build more than {MAX_SIZE} characters")
        return method(*args)

    return call


_STR_SIZED = frozenset({"join", "replace", "ljust", "rjust", "center", "zfill", "expandtabs"})


def _extend(target: list[Any]) -> Callable[[Iterable[Any]], None]:
    def extend(items: Iterable[Any]) -> None:
        if isinstance(items, (list, tuple, str)) and len(target) + len(items) > MAX_SIZE:
            raise ScriptLimitError(f"extend would build more than {MAX_SIZE} items")
        target.extend(items)

    return extend


def _getattr(obj: Any, name: str) -> Any:
    if not isinstance(name, str) or name.startswith("_") or name in FORBIDDEN_ATTRS:
        raise ScriptSecurityError(f'access to "{name}" is not allowed')
    if isinstance(obj, _NO_ATTRIBUTES):
        kind = type(obj).__name__
        raise ScriptSecurityError(f'access to "{name}" of a {kind} is not allowed')
    if isinstance(obj, BaseException) and name != "args":
        raise ScriptSecurityError(f'access to "{name}" of an exception is not allowed')
    if isinstance(obj, (str, bytes)) and name in _STR_SIZED:
        return _sized_str_method(obj, name)
    if isinstance(obj, list) and name == "extend":
        return _extend(obj)
    return getattr(obj, name)


def _write(obj: Any) -> Any:
    # Scripts may change the dicts and lists of case data in place, nothing else.
    if isinstance(obj, (dict, list)):
        return obj
    raise ScriptSecurityError(f"changing a {type(obj).__name__} is not allowed")


def _range(*args: int) -> range:
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = MAX_SIZE + 1
    if size > MAX_SIZE:
        raise ScriptLimitError(f"range of more than {MAX_SIZE} items is not allowed")
    return result


def _sum(items: Iterable[Any], start: Any = 0) -> Any:
    # sum(lists, []) concatenates in C, out of reach of the size guards.
    if not isinstance(start, (int, float)):
        raise ScriptSecurityError("sum() only adds numbers")
    return sum(items, start)


def _round(number: Any, ndigits: int | None = None) -> Any:
    # round(1, -10**7) computes 10**(10**7) in C before it answers.
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise ScriptLimitError(f"round() to more than {MAX_ROUND_DIGITS} digits")
    return round(number) if ndigits is None else round(number, ndigits)


def _repr(value: Any) -> str:
    check_render(value)
    return repr(value)


class _StrMeta(type):
    """Makes SafeStr stand for str in isinstance() while its calls check the text size."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, str)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, str)

    def __call__(cls, *args: Any, **kwargs: Any) -> str:
        if args:
            check_render(args[0])
        return str(*args, **kwargs)


class SafeStr(metaclass=_StrMeta):
    """The sandbox's `str`: str(value) refuses values whose text would be huge."""


# C code inside allowed methods imports these through the caller's __import__ (datetime's
# strftime and strptime); model code itself cannot name __import__ (the policy refuses it).
_C_IMPORTS = frozenset({"time", "_strptime"})


def _import(name: str, *args: Any, **kwargs: Any) -> Any:
    if name not in _C_IMPORTS:
        raise ScriptSecurityError(f'import of "{name}" is not allowed')
    return builtins.__import__(name, *args, **kwargs)


def _forbidden(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ScriptSecurityError(f'calling "{name}" is not allowed')

    return refuse


_ALLOWED_BUILTINS = (
    "None",
    "False",
    "True",
    "abs",
    "all",
    "any",
    "bool",
    "callable",
    "chr",
    "dict",
    "divmod",
    "enumerate",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "max",
    "min",
    "next",
    "ord",
    "reversed",
    "set",
    "slice",
    "sorted",
    "tuple",
    "zip",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "Exception",
    "IndexError",
    "KeyError",
    "LookupError",
    "NameError",
    "OverflowError",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _ALLOWED_BUILTINS}
SAFE_BUILTINS |= {name: _forbidden(name) for name in FORBIDDEN_CALLS}
SAFE_BUILTINS |= {"range": _range, "sum": _sum, "round": _round, "repr": _repr, "str": SafeStr}
SAFE_BUILTINS["__import__"] = _import

GUARDS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": _write,
    "_apply_": lambda fn, *args, **kwargs: fn(*args, **kwargs),
    "_inplacevar_": _inplacevar,
    "_add_": _guarded(_check_add, operator.add),
    "_mul_": _guarded(_check_mul, operator.mul),
    "_pow_": _guarded(_check_pow, operator.pow),
    "_lshift_": _guarded(_check_lshift, operator.lshift),
    "_mod_": _guarded(_check_mod, operator.mod),
    "_format_": _format,
    "_tick_": tick,
    "_catch_": catch,
}
