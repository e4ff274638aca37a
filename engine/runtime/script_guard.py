"""Compile-time policy, run-time guards and CPU budget for model expressions and scripts.

Residual risk, by design of any in-process sandbox: a single C-level operation cannot be
interrupted from Python (e.g. comparing or printing a structure built from aliased lists),
so workers should still run under process limits (RLIMIT_AS, a watchdog).
"""

from __future__ import annotations

import ast
import builtins
import operator
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType, ModuleType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

FILENAME = "<motcua-script>"
MAX_SIZE = 1_000_000  # items or characters one operation may build
MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_FORMAT_WIDTH = 1_000

# Attribute names that lead to frames, code, classes or str.format's field lookups.
FORBIDDEN_ATTRS = INSPECT_ATTRIBUTES | {
    "format",
    "format_map",
    "mro",
    "translate",
    "maketrans",
    "gi_yieldfrom",
    "cr_await",
    "ag_await",
    "f_trace_lines",
}
FORBIDDEN_CALLS = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "type",
        "dir",
        "breakpoint",
        "input",
        "help",
        "memoryview",
        "object",
        "super",
        "id",
        "iter",
        "next",
        "classmethod",
        "staticmethod",
        "property",
        "exit",
        "quit",
    }
)


class ScriptError(Exception):
    """A model expression or script was refused or failed in the sandbox."""

    code = "script_error"

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class ScriptSecurityError(ScriptError):
    """The code uses a forbidden construct (imports, dunder access, unsafe builtins)."""

    code = "script_forbidden"


class ScriptTimeoutError(ScriptError):
    """The code used more than its CPU budget."""

    code = "script_timeout"


class ScriptLimitError(ScriptError):
    """The code tried to build a value larger than allowed."""

    code = "script_limit"


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


_BINOP_GUARDS = {
    ast.Add: "_add_",
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
}


class Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, stricter, with size-guarded operators and uncatchable timeouts."""

    def error(self, node: ast.AST, info: str) -> None:
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        where = f"line {line}" + (f", column {col + 1}" if col is not None else "")
        self.errors.append(f"{where}: {info}")

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        if name and name.startswith("_") and name != "_":
            self.error(node, f'use of "{name}" is not allowed')
            return
        super().check_name(node, name, allow_magic_methods)

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("print", "printed"):
            self.error(node, f'"{node.id}" is not available: model code has no output')
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRS:
            self.error(node, f'access to "{node.attr}" is not allowed')
            return self.node_contents_visit(node)
        return super().visit_Attribute(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            self.error(node, f'calling "{node.func.id}" is not allowed')
            return self.node_contents_visit(node)
        return super().visit_Call(node)

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, f'import of "{", ".join(a.name for a in node.names)}" is not allowed')
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, f'import from "{node.module}" is not allowed')
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "class definitions are not allowed")
        return node

    def visit_Yield(self, node: ast.Yield) -> Any:
        # A generator's finally block could run later, outside any CPU budget.
        self.error(node, "generator functions (yield) are not allowed")
        return node

    visit_YieldFrom = visit_Yield  # type: ignore[assignment]

    def visit_With(self, node: ast.With) -> Any:
        self.error(node, "with statements are not allowed")
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        # The tracer is switched off once it raises, so a handler that swallowed the timeout
        # could loop for ever: every handler and finally block re-checks the budget first.
        node = self.node_contents_visit(node)
        for handler in node.handlers:
            handler.body.insert(0, ast.Expr(_call("_budget_check_", [], handler.body[0])))
        if node.finalbody:
            node.finalbody.insert(0, ast.Expr(_call("_budget_check_", [], node.finalbody[0])))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        return node if guard is None else _call(guard, [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec or ast.Constant("")
        node.value = _call("_format_", [node.value, ast.Constant(node.conversion), spec], node)
        node.conversion, node.format_spec = -1, None
        return node


_SEQUENCES = (str, bytes, list, tuple)


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
    return format(converter(value) if converter else value, spec)


def _sized_str_method(text: str, name: str) -> Callable[..., Any]:
    method = getattr(text, name)

    def call(*args: Any) -> Any:
        if name == "join":
            parts = list(args[0])
            if sum(len(p) for p in parts if isinstance(p, str)) + len(text) * len(parts) > MAX_SIZE:
                raise ScriptLimitError(f"join would build more than {MAX_SIZE} characters")
            return method(parts)
        if name == "replace" and len(args) >= 2:
            old, new = str(args[0]), str(args[1])
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


def _getattr(obj: Any, name: str) -> Any:
    if not isinstance(name, str) or name.startswith("_") or name in FORBIDDEN_ATTRS:
        raise ScriptSecurityError(f'access to "{name}" is not allowed')
    if isinstance(obj, (type, ModuleType)):
        raise ScriptSecurityError(f'access to "{name}" of a type or module is not allowed')
    if isinstance(obj, str) and name in _STR_SIZED:
        return _sized_str_method(obj, name)
    if isinstance(obj, list) and name == "extend":
        return lambda items: obj.__iadd__(_guard_list_growth(obj, items))
    return getattr(obj, name)


def _guard_list_growth(target: list[Any], items: Iterable[Any]) -> Iterable[Any]:
    if isinstance(items, (list, tuple, str)) and len(target) + len(items) > MAX_SIZE:
        raise ScriptLimitError(f"extend would build more than {MAX_SIZE} items")
    return items


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


def _forbidden(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ScriptSecurityError(f'calling "{name}" is not allowed')

    return refuse


_LOCAL = threading.local()


def budget_check() -> None:
    """Raise if the current evaluation has used up its CPU time (or none is running)."""
    deadline = getattr(_LOCAL, "deadline", None)
    if deadline is None or time.thread_time() > deadline:
        raise ScriptTimeoutError("the script ran out of CPU time")


def run_with_budget(fn: Callable[..., Any], *args: Any, cpu_seconds: float) -> Any:
    """Call fn(*args), stopping sandboxed frames once this thread used cpu_seconds of CPU."""
    outer = getattr(_LOCAL, "deadline", None)
    deadline = time.thread_time() + cpu_seconds
    deadline = deadline if outer is None else min(deadline, outer)
    previous = sys.gettrace()

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if time.thread_time() > deadline:
            raise ScriptTimeoutError(f"the script used more than {cpu_seconds:g} s of CPU time")
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        # Only the model's own frames are traced: helpers and guards run at full speed.
        return local(frame, event, arg) if frame.f_code.co_filename == FILENAME else None

    _LOCAL.deadline = deadline
    sys.settrace(tracer)
    try:
        return fn(*args)
    finally:
        sys.settrace(previous)
        _LOCAL.deadline = outer


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
    "ord",
    "repr",
    "reversed",
    "round",
    "set",
    "slice",
    "sorted",
    "str",
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
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _ALLOWED_BUILTINS}
SAFE_BUILTINS |= {name: _forbidden(name) for name in FORBIDDEN_CALLS}
SAFE_BUILTINS |= {"range": _range, "sum": _sum}

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
    "_budget_check_": budget_check,
}
