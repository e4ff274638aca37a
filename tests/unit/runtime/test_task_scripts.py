"""Pre- and post-scripts run on script tasks too: pre before the script, post after it."""

from __future__ import annotations

import pytest

from engine.domain.errors import ScriptFailedError
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from tests.unit.runtime.bpmn_samples import doc, flow


def _chain(task: str) -> LoadedModel:
    """start -> task (id "site") -> end, compiled and loaded as the engine loads it."""
    xml = doc(
        '<bpmn:startEvent id="start"/>'
        + flow("start", "site", "f1")
        + task
        + flow("site", "end", "f2")
        + '<bpmn:endEvent id="end"/>'
    )
    compiled, problems = compile_process({"p.bpmn": xml}, "p")
    assert compiled is not None, problems
    return LoadedModel.from_json("test", compiled.spec_json, compiled.elements)


def _script_task(script: str, pre: str = "", post: str = "") -> str:
    hooks = "".join(
        f"<spiffworkflow:{tag}>{text}</spiffworkflow:{tag}>"
        for tag, text in (("preScript", pre), ("postScript", post))
        if text
    )
    return (
        '<bpmn:scriptTask id="site" scriptFormat="python">'
        f"<bpmn:extensionElements>{hooks}</bpmn:extensionElements>"
        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
    )


def test_a_script_tasks_pre_script_runs_before_it_and_its_post_script_after_it() -> None:
    model = _chain(_script_task("fee = base * 2", pre="base = 100", post="total = fee + 10"))
    case = Instance.start(model, {"base": 1})
    assert case.is_completed()
    assert case.data == {"base": 100, "fee": 200, "total": 210}


def test_camunda_input_and_output_parameters_of_a_script_task_are_applied() -> None:
    task = (
        '<bpmn:scriptTask id="site" scriptFormat="python"><bpmn:extensionElements>'
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="limit">1000</camunda:inputParameter>'
        '<camunda:outputParameter name="verdict">${over}</camunda:outputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
        "<bpmn:script>over = amount &gt; int(limit)</bpmn:script></bpmn:scriptTask>"
    )
    case = Instance.start(_chain(task), {"amount": 1500})
    # The input parameter is local to the task, as in Camunda: gone when the task ends.
    assert case.data == {"amount": 1500, "over": True, "verdict": True}


def test_a_camunda_input_parameter_covers_a_case_variable_only_while_the_task_runs() -> None:
    task = (
        '<bpmn:scriptTask id="site" scriptFormat="python"><bpmn:extensionElements>'
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="amount">${amount * 2}</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
        "<bpmn:script>seen = amount</bpmn:script></bpmn:scriptTask>"
    )
    case = Instance.start(_chain(task), {"amount": 1500})
    assert case.data == {"amount": 1500, "seen": 3000}


def test_camunda_parameters_run_around_the_tasks_own_pre_and_post_scripts() -> None:
    task = (
        '<bpmn:scriptTask id="site" scriptFormat="python"><bpmn:extensionElements>'
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="limit">${cap}</camunda:inputParameter>'
        '<camunda:outputParameter name="verdict">${checked}</camunda:outputParameter>'
        "</camunda:inputOutput>"
        "<spiffworkflow:preScript>\n    doubled = limit * 2\n  </spiffworkflow:preScript>"
        "<spiffworkflow:postScript>checked = over</spiffworkflow:postScript>"
        "</bpmn:extensionElements>"
        "<bpmn:script>over = amount &gt; doubled</bpmn:script></bpmn:scriptTask>"
    )
    case = Instance.start(_chain(task), {"amount": 1500, "cap": 500})
    assert case.data["doubled"] == 1000 and case.data["verdict"] is True


@pytest.mark.parametrize("hook", ["pre", "post"])
def test_a_failing_pre_or_post_script_of_a_script_task_names_the_task(hook: str) -> None:
    failing = {hook: "ratio = 1 / 0"}
    model = _chain(_script_task("ok = 1", **failing))
    with pytest.raises(ScriptFailedError) as failure:
        Instance.start(model, {})
    assert failure.value.details[0]["element_id"] == "site"
    assert "division by zero" in failure.value.message
