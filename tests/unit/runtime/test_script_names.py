"""Model code that calls what the sandbox lacks is refused at deploy, naming the function."""

from __future__ import annotations

import pytest

from engine.domain.errors import ModelProblem
from engine.runtime.compiler import compile_process
from engine.runtime.script_names import helper_names, unavailable_names
from tests.unit.runtime.bpmn_samples import doc, flow


@pytest.mark.parametrize(
    ("source", "mode", "expected"),
    [
        (
            "done = refresh_permissions()",
            "exec",
            "line 1, column 8: calls 'refresh_permissions()', which model code does not have "
            "(only safe builtins, datetime/date/timedelta/time, working_days() and "
            "working_hours())",
        ),
        (
            "time.sleep(5)",
            "exec",
            "line 1, column 1: uses 'time.sleep', which model code's 'time' does not have "
            "(gmtime, localtime, mktime, strftime, time, time_ns)",
        ),
        ("json.loads(payload)['x']", "eval", "uses 'json.loads'"),
    ],
)
def test_a_missing_function_or_module_is_named(source: str, mode: str, expected: str) -> None:
    problems = unavailable_names(source, mode)
    assert problems and expected in problems[0]


@pytest.mark.parametrize(
    "source",
    [
        "total = sum(len(d) for d in docs)",
        "def fee(x):\n    return x // 10\nresult = fee(amount)",
        "square = lambda n: n * n\nval = square(4)",
        "items.append(1)\nname = applicant['name'].upper()",
        "due = working_days(2)",
        "due = (datetime.now() + timedelta(days=1)).isoformat()",
        "stamp = time.time()\ndel time",
        "day = datetime.date.today()",
        "time = '09:00'\nhour = time.split(':')[0]",
        "d = date.split('-')",
        "ok = x(\n",  # a syntax error is the restricted compile's to report
    ],
)
def test_what_the_sandbox_provides_or_the_code_defines_passes(source: str) -> None:
    assert unavailable_names(source, "exec") == []


def test_the_helpers_are_the_safe_builtins_the_dates_and_the_working_time_functions() -> None:
    names = helper_names()
    assert {"len", "sorted", "working_days", "working_hours"} <= names
    assert {"datetime", "date", "timedelta", "timezone", "time"} <= names
    assert "get_current_user" in names  # SpiffArena's helper: who gave the command
    assert "refresh_permissions" not in names


def _refusal(script: str) -> ModelProblem:
    """The one error deploying a script task `stamp` holding script gives."""
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "stamp", "f1")
        + f'<bpmn:scriptTask id="stamp"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        + flow("stamp", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert compiled is None
    [problem] = [p for p in problems if p.severity == "error"]
    assert problem.element_id == "stamp" and problem.line
    return problem


def test_a_script_task_calling_a_missing_function_is_refused_at_deploy_with_a_fix() -> None:
    problem = _refusal("done = refresh_permissions()")
    assert "calls 'refresh_permissions()'" in problem.message
    assert "working_days()" in problem.fix


def test_a_script_setting_spiffarenas_lane_owners_is_refused_at_deploy() -> None:
    problem = _refusal('lane_owners = {"Finance": ["an", "binh"]}')
    assert "sets 'lane_owners'" in problem.message
    assert "procedure.json" in problem.fix
