"""What SpiffArena scripts expect of their environment: print, is_defined, dict attributes."""

from __future__ import annotations

import logging

import pytest

from engine.runtime.juel import to_python
from engine.runtime.script_scope import MAX_PRINTED, Printed
from engine.runtime.scripting import (
    SandboxEnvironment,
    ScriptError,
    ScriptLimitError,
    ScriptSecurityError,
    check_script,
    make_script_engine,
)


@pytest.fixture
def env() -> SandboxEnvironment:
    return SandboxEnvironment(helpers={"double": lambda n: n * 2}, cpu_seconds=0.5)


def test_print_in_a_script_is_collected_not_written_to_stdout(
    env: SandboxEnvironment, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = Printed()
    data = {"amount": 5}
    script = "print('amount', amount, sep='=')\ndef show(n):\n    print(n * 2)\nshow(amount)"
    assert check_script(script) == []
    env.execute(script, data, {}, printed)
    assert printed.text() == "amount=5\n10\n"
    assert data == {"amount": 5}
    assert capsys.readouterr().out == ""


def test_printed_reads_what_the_script_printed(env: SandboxEnvironment) -> None:
    data: dict[str, object] = {}
    env.execute("print('a')\nprint('b', end='')\nlog = printed", data)
    assert data == {"log": "a\nb"}


def test_the_script_engine_logs_the_output_with_the_element(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Spec:
        bpmn_id, name = "notify", "notify"

    class Workflow:
        spec = type("ProcessSpec", (), {"name": "procedure"})()

    class Task:
        task_spec, workflow, data = Spec(), Workflow(), {"who": "An"}

    with caplog.at_level(logging.DEBUG, logger="motcua.scripts"):
        make_script_engine().execute(Task(), "print('hello', who)")
    assert [r.getMessage() for r in caplog.records] == ["procedure/notify printed: hello An\n"]


def test_print_cannot_write_elsewhere_nor_build_a_huge_text(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptSecurityError, match="file"):
        env.execute("print('x', file=d)", {"d": {}})
    with pytest.raises(ScriptLimitError):  # a small structure whose text is huge
        env.execute("a = [1] * 1000\nfor i in range(4):\n    a = [a] * 1000\nprint(a)", {})
    printed = Printed()
    env.execute("for i in range(5000):\n    print('line', i)", {}, {}, printed)
    assert printed.cut and len(printed.text()) == MAX_PRINTED


def test_print_stays_refused_in_an_expression(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptError, match="not available in an expression"):
        env.evaluate("print(1)", {})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("applicant", True),
        ("applicant.name", True),
        ("applicant.phone", True),  # null is a defined value, as in FEEL
        ("applicant.address", False),
        ("applicant.name.first", False),
        ("breakfast", False),
        ("double", False),  # a helper is not data
        ("_getattr_", False),
        ("__builtins__", False),
        ("is_defined", False),
    ],
)
def test_is_defined_answers_for_data_paths_only(
    env: SandboxEnvironment, path: str, expected: bool
) -> None:
    data = {"applicant": {"name": "An", "phone": None}}
    assert env.evaluate(f"is_defined({path!r})", data) is expected


def test_feel_is_defined_reads_as_the_sandbox_test(env: SandboxEnvironment) -> None:
    python = to_python("=not(is defined(breakfastPrepared))")
    assert env.evaluate(python, {}) is True
    assert env.evaluate(python, {"breakfastPrepared": False}) is False
    assert to_python("=is defined(null)") == "True"


def test_a_script_sees_its_own_new_variables_as_defined(env: SandboxEnvironment) -> None:
    data: dict[str, object] = {}
    env.execute("before = is_defined('x')\nx = 1\nafter = is_defined('x')", data)
    assert data == {"before": False, "x": 1, "after": True}


def test_task_data_may_not_hide_is_defined(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptError, match="is_defined"):
        env.execute("y = 1", {"is_defined": True})


def test_dict_data_reads_as_attributes_like_spiffarena(env: SandboxEnvironment) -> None:
    data = {"payload": {"initial_var_one": 3, "nested": {"x": 1}, "items": "shadowed"}}
    env.execute("second = payload.initial_var_one + payload.nested.x", data)
    assert data["second"] == 4
    # The dict's own methods come first, as with SpiffArena's DotDict.
    assert env.evaluate("sorted(payload.items())[0][0]", data) == "initial_var_one"
    with pytest.raises(AttributeError, match="no attribute or key 'missing'"):
        env.evaluate("payload.missing", data)


@pytest.mark.parametrize(
    "script",
    ["payload.x = 1", "payload.__class__", "payload._hidden", "y = getattr(payload, 'x')"],
)
def test_dict_attribute_access_is_read_only_and_never_private(
    env: SandboxEnvironment, script: str
) -> None:
    data = {"payload": {"x": 0, "_hidden": 1}}
    with pytest.raises((ScriptError, AttributeError)):
        env.execute(script, data)
    assert data["payload"] == {"x": 0, "_hidden": 1}
