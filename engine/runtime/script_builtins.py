"""The builtins model code sees: a whitelist, size-checked stand-ins, and refusers for the rest."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any

from engine.runtime.script_data import MAX_SIZE, check_render
from engine.runtime.script_errors import ScriptLimitError, ScriptSecurityError
from engine.runtime.script_policy import FORBIDDEN_CALLS

MAX_ROUND_DIGITS = 1_000


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
