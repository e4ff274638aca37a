"""The restricted evaluator: known escapes are refused, limits stop hostile code, benign code runs."""

from __future__ import annotations

import ast
import operator
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.runtime.script_policy import FILENAME, Policy
from engine.runtime.scripting import (
    SandboxEnvironment,
    ScriptError,
    ScriptLimitError,
    ScriptSecurityError,
    ScriptTimeoutError,
    check_expression,
    check_script,
)

EVAL, EXEC = "eval", "exec"

# (id, mode, source): escapes the policy sees in the source, refused before anything runs.
STATIC_ESCAPES = [
    ("subclasses", EVAL, "().__class__.__base__.__subclasses__()"),
    ("str_format_field", EVAL, "'{0.__class__}'.format(amount)"),
    ("str_format_globals", EVAL, "'{.__globals__}'.format(amount)"),
    ("unbound_str_format", EVAL, "str.format('{0.__class__}', amount)"),
    ("format_map", EVAL, "'{a.__class__}'.format_map({'a': amount})"),
    ("format_builtin", EVAL, "format(amount, '>10')"),
    ("fstring_dunder", EVAL, "f'{amount.__class__}'"),
    ("fstring_spec_dunder", EVAL, "f'{amount:{amount.__class__}}'"),
    ("percent_dunder", EVAL, "'%s' % amount.__class__"),
    ("generator_frame", EVAL, "(x for x in ()).gi_frame.f_back.f_globals"),
    ("generator_code", EVAL, "(x for x in ()).gi_code"),
    ("frame_globals", EVAL, "frame.f_globals"),
    ("traceback_frame", EVAL, "tb.tb_frame"),
    ("code_bytes", EVAL, "(lambda: 0).__code__.co_code"),
    ("function_globals", EVAL, "(lambda: 0).__globals__"),
    ("getattr_concat", EVAL, "getattr(amount, '__cl' + 'ass__')"),
    ("hasattr_probe", EVAL, "hasattr(amount, '__class__')"),
    ("builtins_lookup", EVAL, "__builtins__['open']"),
    ("dunder_import", EVAL, "__import__('os')"),
    ("guard_by_name", EVAL, "_getattr_(amount, '__class__')"),
    ("type_three_args", EVAL, "type(amount)('X', (object,), {})"),
    ("vars_call", EVAL, "vars(amount)"),
    ("dir_call", EVAL, "dir()"),
    ("globals_call", EVAL, "globals()"),
    ("locals_call", EVAL, "locals()"),
    ("open_call", EVAL, "open('/etc/passwd').read()"),
    ("eval_call", EVAL, "eval('1')"),
    ("exec_call", EVAL, "exec('x = 1')"),
    ("compile_call", EVAL, "compile('1', 'f', 'eval')"),
    ("breakpoint_call", EVAL, "breakpoint()"),
    ("input_call", EVAL, "input()"),
    ("object_call", EVAL, "object()"),
    ("mro_walk", EVAL, "amount.mro()"),
    ("maketrans", EVAL, "'a'.maketrans('a', 'b')"),
    ("encode_bytes", EVAL, "'a'.encode()"),
    ("import_module", EXEC, "import os"),
    ("import_from", EXEC, "from os import system"),
    ("class_definition", EXEC, "class Escape:\n    pass"),
    ("decorator", EXEC, "@sorted\ndef listed():\n    return []"),
    ("generator_function", EXEC, "def gen():\n    yield 1"),
    ("with_statement", EXEC, "with amount:\n    pass"),
    (
        "traceback_in_handler",
        EXEC,
        "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__",
    ),
    ("with_traceback", EXEC, "try:\n    1 / 0\nexcept Exception as e:\n    t = e.with_traceback"),
    ("print_in_expression", EVAL, "print(amount)"),
    ("dunder_assignment", EXEC, "__builtins__ = {}"),
    ("match_class_pattern", EXEC, "match amount:\n    case int(real=r):\n        pass"),
    ("exception_groups", EXEC, "try:\n    pass\nexcept* ValueError:\n    pass"),
]

# (id, mode, source, context): escapes only run time can see, mostly objects smuggled into data.
RUNTIME_ESCAPES = [
    ("smuggled_type", EVAL, "f(1)", {"f": type}),
    ("smuggled_str_format", EVAL, "f('{0.__class__}', 1)", {"f": str.format}),
    ("smuggled_attrgetter", EVAL, "f('__class__')(1)", {"f": operator.attrgetter}),
    ("smuggled_getattr", EVAL, "f(1, '__class__')", {"f": getattr}),
    ("smuggled_module", EVAL, "m.system('true')", {"m": os}),
    ("smuggled_module_attr", EVAL, "m.path", {"m": sys}),
    ("smuggled_function", EVAL, "f", {"f": lambda: 1}),
    ("nested_smuggled_eval", EVAL, "d['f']('1')", {"d": {"f": eval}}),
    ("smuggled_in_list", EVAL, "xs[0]", {"xs": [1, [open]]}),
    ("smuggled_dict_key", EVAL, "1", {"d": {len: 1}}),
    ("smuggled_frame", EVAL, "1", {"frame": sys._getframe()}),
    ("aliased_getattr", EXEC, "g = getattr\ny = g(amount, '__class__')", {}),
    ("aliased_type", EXEC, "t = type\ny = t(amount)", {}),
    ("type_attribute", EVAL, "int.from_bytes(b'', 'big')", {}),
    ("type_classmethod", EVAL, "dict.fromkeys([1])", {}),
    ("generic_alias", EVAL, "list[int].copy", {}),
    ("function_attribute", EVAL, "(lambda: 0).real", {}),
    ("builtin_method_attribute", EVAL, "'a'.upper.real", {}),
    (
        "exception_attribute",
        EXEC,
        "try:\n    1 / 0\nexcept Exception as e:\n    n = e.add_note",
        {},
    ),
    (
        "caught_security_error",
        EXEC,
        "try:\n    y = int.from_bytes\nexcept Exception:\n    y = 0",
        {},
    ),
    (
        "finally_swallows",
        EXEC,
        "for i in [1]:\n    try:\n        y = int.real\n    finally:\n        break",
        {},
    ),
    ("setattr_on_text", EXEC, "s = 'abc'\ns.upper = 1", {}),
    ("returns_generator", EVAL, "(x for x in [1])", {}),
    ("returns_function", EVAL, "lambda: 1", {}),
    ("leaves_function_in_data", EXEC, "d = {'f': lambda: 1}", {}),
    ("leaves_view_in_data", EXEC, "k = {}.keys()", {}),
]


@pytest.fixture
def env() -> SandboxEnvironment:
    """A sandbox with a small CPU budget, so that timeouts come quickly."""
    return SandboxEnvironment(helpers={"double": lambda n: n * 2}, cpu_seconds=0.2)


@dataclass
class Used:
    """CPU seconds this thread used inside a `stopwatch` block.

    Limits are asserted in CPU time: on a loaded machine wall time says little about the sandbox.
    """

    cpu: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Used]:
    """Measure the CPU time of the block (also when it raises)."""
    used, started = Used(), time.thread_time()
    try:
        yield used
    finally:
        used.cpu = time.thread_time() - started


def run(env: SandboxEnvironment, mode: str, source: str, data: dict[str, Any]) -> Any:
    """Evaluate or execute source over data, as the engine does."""
    if mode == EVAL:
        return env.evaluate(source, data)
    env.execute(source, data)
    return data


def check(mode: str, source: str) -> list[str]:
    """Deploy-time problems of source."""
    return check_expression(source) if mode == EVAL else check_script(source)


@pytest.mark.parametrize(
    ("mode", "source"), [case[1:] for case in STATIC_ESCAPES], ids=[c[0] for c in STATIC_ESCAPES]
)
def test_escape_visible_in_the_source_is_refused_at_deploy_and_at_run_time(
    env: SandboxEnvironment, mode: str, source: str
) -> None:
    assert check(mode, source), "the deploy-time check must refuse it"
    with pytest.raises(ScriptError):
        run(env, mode, source, {"amount": 5})


@pytest.mark.parametrize(
    ("mode", "source", "data"),
    [case[1:] for case in RUNTIME_ESCAPES],
    ids=[c[0] for c in RUNTIME_ESCAPES],
)
def test_escape_only_run_time_can_see_is_refused_when_it_runs(
    env: SandboxEnvironment, mode: str, source: str, data: dict[str, Any]
) -> None:
    with pytest.raises(ScriptSecurityError):
        run(env, mode, source, {"amount": 5, **data})


def test_refusals_name_the_line_and_the_construct() -> None:
    problems = check_script("a = 1\nb = a.__class__")
    assert problems == ['line 2, column 7: access to "__class__" is not allowed']
    assert check_expression("'{}'.format(a)") == [
        'line 1, column 6: access to "format" is not allowed (use an f-string)'
    ]


REWRITTEN = """
total = 2 ** 3 + 4 * 5 + (1 << 2) + ('%d' % 7 == '7')
label = f'{total:>5}{total!r}'
count = 0
while count < 3:
    count += 1
for i in range(2):
    try:
        count = count * 2
    except (KeyError, ValueError) as e:
        count = -1
    finally:
        count += 0
def twice(n):
    return n * 2
squares = [twice(n) for n in range(3) if n]
pick = sorted(squares, key=lambda n: -n)
"""


def test_every_node_the_policy_adds_carries_a_source_location() -> None:
    # compile() refuses nodes without lineno; an earlier BinOp rewrite produced such calls.
    policy = Policy()
    tree = policy.visit(ast.parse(REWRITTEN, FILENAME, "exec"))
    assert policy.errors == []
    unlocated = [
        type(node).__name__
        for node in ast.walk(tree)
        if isinstance(node, ast.expr | ast.stmt) and not hasattr(node, "lineno")
    ]
    assert unlocated == []
    compile(tree, FILENAME, "exec")
    assert check_script(REWRITTEN) == []
    data: dict[str, Any] = {}
    SandboxEnvironment().execute(REWRITTEN, data)
    assert (data["total"], data["label"], data["count"], data["pick"]) == (
        33,
        "   3333",
        12,
        [4, 2],
    )


def test_helpers_are_callable_but_their_insides_are_not(env: SandboxEnvironment) -> None:
    assert env.evaluate("double(21)", {}) == 42
    with pytest.raises(ScriptSecurityError, match="function"):
        env.evaluate("double.real", {})
    assert check_expression("double.__globals__")


# (id, mode, source, error): hostile code the limits must stop quickly, leaving the process usable.
LIMITS = [
    ("endless_loop_one_line", EXEC, "while True: pass", ScriptTimeoutError),
    ("endless_loop", EXEC, "n = 0\nwhile True:\n    n = n + 1", ScriptTimeoutError),
    (
        "huge_nested_loops",
        EXEC,
        "for i in range(10**6):\n    for j in range(10**6): pass",
        ScriptTimeoutError,
    ),
    (
        "huge_comprehension",
        EVAL,
        "len([1 for i in range(10**6) for j in range(10**6)])",
        ScriptTimeoutError,
    ),
    (
        "exponential_recursion",
        EXEC,
        "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(60)",
        ScriptTimeoutError,
    ),
    (
        "swallowed_timeout",
        EXEC,
        "try:\n    while True: pass\nexcept Exception:\n    pass\nok = 1",
        ScriptTimeoutError,
    ),
    (
        "bare_except_timeout",
        EXEC,
        "try:\n    while True: pass\nexcept:\n    while True: pass",
        ScriptTimeoutError,
    ),
    (
        "finally_break_timeout",
        EXEC,
        "for i in range(3):\n    try:\n        while True: pass\n    finally:\n        break",
        ScriptTimeoutError,
    ),
    (
        "slow_sort_key",
        EVAL,
        "sorted(range(10**6), key=lambda i: [j for j in range(50)])",
        ScriptTimeoutError,
    ),
    ("huge_power", EVAL, "10**10**10", ScriptLimitError),
    ("huge_power_augmented", EXEC, "x = 10\nx **= 10**10", ScriptLimitError),
    ("huge_repeated_text", EVAL, "'a' * 10**10", ScriptLimitError),
    ("huge_repeated_list", EVAL, "[0] * 10**9", ScriptLimitError),
    ("repeated_nested_list", EVAL, "[[0] * 1000] * 10**6", ScriptLimitError),
    ("huge_left_shift", EVAL, "1 << 10**9", ScriptLimitError),
    ("huge_product", EVAL, "(10**30000) * (10**30000)", ScriptLimitError),
    ("huge_range", EVAL, "list(range(10**9))", ScriptLimitError),
    ("huge_range_sum", EVAL, "sum(range(10**12))", ScriptLimitError),
    ("huge_padding", EVAL, "'x'.ljust(10**9)", ScriptLimitError),
    ("huge_join", EVAL, "'-'.join(['x' * 10**5] * 20)", ScriptLimitError),
    ("huge_replace", EVAL, "('x' * 10**5).replace('x', 'y' * 100)", ScriptLimitError),
    ("huge_percent_width", EVAL, "'%0999999999d' % 1", ScriptLimitError),
    ("huge_fstring_width", EVAL, "f'{1:>{10**9}}'", ScriptLimitError),
    ("huge_round_digits", EVAL, "round(1, -10**7)", ScriptLimitError),
    ("list_sum_concatenation", EVAL, "len(sum([[0] * 1000] * 100, []))", ScriptSecurityError),
    (
        "aliased_text",
        EXEC,
        "a = [0] * 999\nb = [a] * 999\nc = [b] * 999\nt = str(c)",
        ScriptLimitError,
    ),
    (
        "aliased_error_message",
        EXEC,
        "a = [0] * 999\nb = [a] * 999\nraise ValueError([b] * 999)",
        ScriptLimitError,
    ),
    ("self_containing_data", EXEC, "x = []\nx.append(x)", ScriptLimitError),
    ("deeply_nested_data", EXEC, "x = []\nfor i in range(10000):\n    x = [x]", ScriptLimitError),
]


@pytest.mark.parametrize(
    ("mode", "source", "error"), [case[1:] for case in LIMITS], ids=[c[0] for c in LIMITS]
)
def test_limits_stop_hostile_code_quickly_and_leave_the_sandbox_usable(
    env: SandboxEnvironment, mode: str, source: str, error: type[ScriptError]
) -> None:
    with stopwatch() as used:
        with pytest.raises(error):
            run(env, mode, source, {})
    assert used.cpu < 1.0
    assert env.evaluate("amount + 1", {"amount": 1}) == 2
    assert env.execute("total = 0\nfor i in range(10):\n    total += i", data := {})
    assert data == {"total": 45, "i": 9}


def test_memory_growth_is_stopped_before_it_hurts_the_process() -> None:
    roomy = SandboxEnvironment(cpu_seconds=10)
    with stopwatch() as used:
        with pytest.raises(ScriptLimitError, match="MB of memory"):
            roomy.execute("s = 'x' * 10**6\nkept = [s[i:] for i in range(2000)]", {})
    assert used.cpu < 1.0
    assert roomy.evaluate("len('x' * 10**6)", {}) == 10**6


def test_code_cannot_run_after_its_evaluation_ended() -> None:
    from engine.runtime.script_budget import tick

    with pytest.raises(ScriptTimeoutError, match="outside its evaluation"):
        tick()


SUBMITTED = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
DOC_B = {"name": "b", "ok": False}
DATA: dict[str, Any] = {
    "check_result": "complete",
    "missing_documents": [],
    "amount": 1500,
    "name": "Nguyễn Văn A",
    "docs": [{"name": "a", "ok": True}, DOC_B],
    "submitted": SUBMITTED,
    "wait": timedelta(days=3),
}

BENIGN_EXPRESSIONS = [
    ("check_result == 'complete' and len(missing_documents) == 0", True),
    ("amount * 2 + 1", 3001),
    (
        "(amount // 7, amount % 7, -amount, amount ** 2, amount / 4)",
        (214, 2, -1500, 2250000, 375.0),
    ),
    ("1000 < amount <= 2000 and amount != 0", True),
    ("'a' in [d['name'] for d in docs] and 'z' not in name", True),
    ("[d['name'] for d in docs if d['ok']]", ["a"]),
    ("{d['name']: d['ok'] for d in docs}", {"a": True, "b": False}),
    ("{len(d) for d in docs}", {2}),
    ("sum(1 for d in docs if not d['ok'])", 1),
    ("all(d.get('ok') for d in docs) or any(d.get('ok') for d in docs)", True),
    ("docs[0].get('missing', 'none')", "none"),
    ("sorted(docs, key=lambda d: d['name'], reverse=True)[0]['name']", "b"),
    ("next((d['name'] for d in docs if not d['ok']), None)", "b"),
    ("name.upper().split()[-1] + name[0:3]", "ANgu"),
    ("name.replace('A', 'B').startswith('Ng') and name.strip() == name", True),
    ("' / '.join(['a', 'b'])", "a / b"),
    ("f'{amount:,} VND, {name!r}'", "1,500 VND, 'Nguyễn Văn A'"),
    ("'%s-%05d' % ('HS', amount)", "HS-01500"),
    (
        "(round(3.14159, 2), abs(-3), min(3, 1, 2), max([1, 5]), divmod(7, 2))",
        (3.14, 3, 1, 5, (3, 1)),
    ),
    ("int('12') + float('1.5') + len(str(12)) + bool([])", 15.5),
    ("(list(range(3)), dict(a=1), set([1, 1]), tuple([1]))", ([0, 1, 2], {"a": 1}, {1}, (1,))),
    (
        "(list(enumerate('ab')), list(zip('ab', [1, 2])))",
        ([(0, "a"), (1, "b")], [("a", 1), ("b", 2)]),
    ),
    ("isinstance(name, str) and isinstance(amount, (int, float))", True),
    ("(submitted + wait).isoformat()", "2025-03-06T08:00:00+00:00"),
    ("submitted.strftime('%d/%m/%Y') + ' ' + str(submitted.year)", "03/03/2025 2025"),
    ("wait.days * 24 + wait.total_seconds() / 3600", 144.0),
    ("'PT72H'", "PT72H"),
    ("1 if amount > 1000 else 0", 1),
    ("(x := 5) + x", 10),
    ("str(docs) == repr(docs)", True),
    ("double(amount)", 3000),
]


@pytest.mark.parametrize(("source", "expected"), BENIGN_EXPRESSIONS)
def test_benign_expression_evaluates_as_in_python(
    env: SandboxEnvironment, source: str, expected: Any
) -> None:
    assert check_expression(source) == []
    assert env.evaluate(source, {**DATA, "docs": [dict(d) for d in DATA["docs"]]}) == expected


BENIGN_SCRIPTS = [
    ("total = 0\nfor d in docs:\n    if d['ok']:\n        total += 1", {"total": 1, "d": DOC_B}),
    ("amount += 100\nnote = f'{amount}'", {"amount": 1600, "note": "1600"}),
    ("amount -= 1\namount *= 2\namount //= 3\namount %= 1000", {"amount": 999}),
    ("items = []\nitems.append(1)\nitems.extend([2, 3])\nitems += [4]", {"items": [1, 2, 3, 4]}),
    ("def fee(x):\n    return x // 10\nresult = fee(amount)", {"result": 150}),
    ("summary = {}\nsummary['n'] = len(docs)", {"summary": {"n": 2}}),
    ("docs[0]['ok'] = False", {"docs": [{"name": "a", "ok": False}, DOC_B]}),
    ("try:\n    v = int('x')\nexcept ValueError:\n    v = -1", {"v": -1}),
    (
        "try:\n    v = {}['k']\nexcept KeyError as e:\n    v = str(e.args[0])\nfinally:\n    w = 1",
        {"v": "k", "w": 1},
    ),
    (
        "i = 0\nwhile i < 10:\n    i += 1\n    if i == 5:\n        continue\nelse:\n    done = True",
        {"i": 10, "done": True},
    ),
    (
        "a, (b, c) = 1, (2, 3)\npairs = [(k, v) for k, v in {'x': 1}.items()]",
        {"a": 1, "b": 2, "c": 3, "pairs": [("x", 1)]},
    ),
    ("due = (submitted + wait).isoformat()", {"due": "2025-03-06T08:00:00+00:00"}),
    ("square = lambda n: n * n\nval = square(4)", {"val": 16}),
    ("assert amount > 0, 'positive'\nok = True", {"ok": True}),
    ("del missing_documents\ncount = len(docs)", {"count": 2}),
]


@pytest.mark.parametrize(("source", "changes"), BENIGN_SCRIPTS)
def test_benign_script_changes_task_data_as_in_python(
    env: SandboxEnvironment, source: str, changes: dict[str, Any]
) -> None:
    assert check_script(source) == []
    data = {**DATA, "docs": [dict(d) for d in DATA["docs"]]}
    env.execute(source, data)
    # Dates the data held are kept as ISO-8601 text after any script, like the dates it makes.
    before = {**DATA, "submitted": SUBMITTED.isoformat(), "wait": "P3D"}
    changed = {k: v for k, v in data.items() if k not in before or v != before[k]}
    assert changed == changes
    assert ("missing_documents" in data) == ("del missing_documents" not in source)
