"""Run-time guards of the model-code sandbox: size-checked operators, attribute and write rules.

Residual risk, by design of any in-process sandbox: one C-level operation cannot be
interrupted from Python (e.g. hashing or comparing a structure built from aliased lists
runs to its end), so workers should still run under process limits (RLIMIT_AS, a watchdog).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
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
from typing import Any, cast

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from engine.runtime.script_budget import catch, tick
from engine.runtime.script_builtins import SAFE_BUILTINS
from engine.runtime.script_data import MAX_SIZE, check_render
from engine.runtime.script_errors import ScriptLimitError, ScriptSecurityError
from engine.runtime.script_policy import FORBIDDEN_ATTRS

MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_FORMAT_WIDTH = 1_000

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
    converters: dict[int, Callable[[Any], str]] = {115: str, 114: repr, 97: ascii}
    converter = converters.get(conversion)
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
            growth = (cast(Any, text).count(old) if old else len(text) + 1) * max(
                len(new) - len(old), 0
            )
            if len(text) + growth > MAX_SIZE:
                raise ScriptLimitError(f"replace would build more than {MAX_SIZE} characters")
        if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            if args[0] > MAX_SIZE:
                raise ScriptLimitError(f"padding to more than {MAX_SIZE} characters")
        if name == "expandtabs" and args and isinstance(args[0], int):
            if cast(Any, text).count("\t") * args[0] + len(text) > MAX_SIZE:
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


_DICT_ATTRIBUTES = frozenset(dir(dict))


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
    if type(obj) is dict and name not in _DICT_ATTRIBUTES:
        # SpiffArena's scripts read dict data as attributes (payload.field), as its DotDict
        # offers: the value of an existing key, read only; the dict's own methods come first.
        try:
            return obj[name]
        except KeyError:
            raise AttributeError(f"'dict' object has no attribute or key '{name}'") from None
    return getattr(obj, name)


def _write(obj: Any) -> Any:
    # Scripts may change the dicts and lists of case data in place, nothing else.
    if isinstance(obj, (dict, list)):
        return obj
    raise ScriptSecurityError(f"changing a {type(obj).__name__} is not allowed")


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
