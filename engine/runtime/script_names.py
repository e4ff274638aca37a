"""Functions and modules model code uses that the sandbox does not have: refused at deploy.

Model code sees plain task data, the safe builtins (script_builtins) and the working-time
helpers (timekeeping.RuntimeEnv.helpers); task data never holds a callable. So a call of a name
none of those provides, and not defined by the code itself, can only fail when the case runs
(`get_current_user()`, `timedelta(days=1)`); so can a module function used without the module
(`datetime.now()`, `time.time()`). Both are refused at deploy with the name instead.

`datetime`, `date`, `timedelta`, `timezone` and `time` are stand-ins on the case clock
(script_dates); a module function they leave out (`time.sleep()`, `time.monotonic()`) is refused
at deploy too. Working time comes from `working_days()` and `working_hours()`.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

from engine.runtime.script_builtins import SAFE_BUILTINS
from engine.runtime.script_dates import STAND_INS
from engine.runtime.script_scope import SCOPE_NAMES
from engine.runtime.timekeeping import RuntimeEnv, wall_now

# Module functions and constants no JSON value (str, list, dict, number) has as an attribute:
# `name.attr` with a free `name` is then the module, not data.
MODULE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "datetime": frozenset(
        {"now", "utcnow", "today", "fromisoformat", "strptime", "fromtimestamp", "combine"}
        | {"date", "datetime", "timedelta", "timezone", "time", "MINYEAR", "MAXYEAR"}
    ),
    "time": frozenset({"time", "sleep", "monotonic", "strftime", "localtime", "gmtime"})
    | frozenset({"mktime", "perf_counter", "time_ns", "strptime"}),
    "json": frozenset({"dumps", "loads", "dump", "load"}),
    "math": frozenset({"floor", "ceil", "sqrt", "pi", "e", "log", "pow", "fabs", "isclose"}),
    "random": frozenset({"random", "randint", "choice", "shuffle", "uniform", "sample"}),
    "uuid": frozenset({"uuid4", "uuid1", "UUID"}),
    "re": frozenset({"match", "search", "sub", "findall", "compile", "fullmatch"}),
    "os": frozenset({"environ", "getenv", "path", "system", "listdir"}),
}


def helper_names() -> frozenset[str]:
    """What model code may call besides what it defines: safe builtins, helpers, print()."""
    helpers = frozenset(RuntimeEnv(now=wall_now).helpers())
    return frozenset(SAFE_BUILTINS) | helpers | SCOPE_NAMES | STAND_INS.keys()


def unavailable_names(source: str, mode: str) -> list[str]:
    """Problems naming each call of a missing function or module in `source` ('eval'/'exec')."""
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    try:
        tree = ast.parse(text, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # the restricted compile reports what is wrong with the code itself
    bound = frozenset(_bound(tree))
    known = helper_names() | bound
    found: dict[tuple[int, int, str], None] = {}
    for node in ast.walk(tree):
        message = ""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in known:
                message = (
                    f"calls '{node.func.id}()', which model code does not have "
                    "(only safe builtins, datetime/date/timedelta/time, working_days() and "
                    "working_hours())"
                )
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id not in bound
            and node.attr in MODULE_ATTRIBUTES.get(node.value.id, ())
        ):
            message = _module_use(node.value.id, node.attr, known)
        if message:
            found[(getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)] = None
    # In reading order, each missing name once.
    problems: dict[str, str] = {}
    for line, column, message in sorted(found):
        problems.setdefault(message, f"line {line}, column {column}: {message}")
    return list(problems.values())


def _module_use(module: str, attr: str, known: frozenset[str]) -> str:
    """Why `module.attr` cannot run, or '' when the sandbox provides it."""
    stand_in = STAND_INS.get(module)
    if stand_in is not None:
        if attr in stand_in.names:
            return ""
        offered = ", ".join(sorted(stand_in.names))
        return f"uses '{module}.{attr}', which model code's '{module}' does not have ({offered})"
    if module in known:
        return ""
    return f"uses '{module}.{attr}', but model code has no '{module}': modules cannot be used"


def _bound(tree: ast.AST) -> Iterator[str]:
    """Names the code itself binds (assignments, loops, functions, arguments, handlers)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name
        elif isinstance(node, ast.Import | ast.ImportFrom):
            yield from ((a.asname or a.name).split(".")[0] for a in node.names)


def lane_owner_assignments(source: str) -> list[str]:
    """Problems naming each assignment of SpiffArena's `lane_owners`, which motcua never reads.

    SpiffArena lets a script name the users of each lane (`lane_owners = {"Finance": [...]}`);
    here a lane's tasks go to the role procedure.json maps it to, so the script would only seem
    to decide who acts. Refused, so that the assignment is made where motcua reads it.
    """
    try:
        tree = ast.parse(textwrap.dedent(source), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [
        f"line {node.lineno}, column {node.col_offset + 1}: sets 'lane_owners', SpiffArena's "
        "users of each lane, which motcua does not read: a lane's tasks go to the role "
        "procedure.json maps it to"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and node.id == "lane_owners"
        and isinstance(node.ctx, ast.Store)
    ][:1]
