"""One parser for every dialect: Camunda, Zeebe, Spiff and plain BPMN compile the same way."""

from __future__ import annotations

import json

import pytest

from engine.runtime.compiler import compile_process
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.juel import UntranslatableError, to_python
from tests.unit.runtime.bpmn_samples import CAMUNDA_REVIEW, doc, flow

SCHEMA = json.dumps({"type": "object", "properties": {"approved": {"type": "boolean"}}}).encode()


def _compile(files: dict[str, bytes], process_id: str = "p", **kwargs):  # type: ignore[no-untyped-def]
    compiled, problems = compile_process(files, process_id, **kwargs)
    errors = [str(p) for p in problems if p.severity == "error"]
    return compiled, errors, problems


@pytest.mark.parametrize(
    ("source", "python"),
    [
        ("${approved}", "approved"),
        ("${amount > 1000}", "amount > 1000"),
        ("${x == 'y'}", "x == 'y'"),
        ("=approved", "approved"),
        ("${a && b}", "a and b"),
        ("${not x}", "not x"),
        ("${!x}", "not x"),
        ("${x eq 'y'}", "x == 'y'"),
        ("${empty list}", "not list"),
        ("${a.b > 3}", "a['b'] > 3"),
        ('= status = "done"', 'status == "done"'),
        ("x > 1", "x > 1"),
    ],
)
def test_simple_juel_and_feel_become_python(source: str, python: str) -> None:
    assert to_python(source) == python


@pytest.mark.parametrize(
    "source",
    ["${execution.getVariable('a')}", "${bean.check(x)}", "${x = 1}", "=distinct values(items)"],
)
def test_other_juel_is_refused(source: str) -> None:
    with pytest.raises(UntranslatableError):
        to_python(source)


def test_camunda_properties_fill_the_elements_contract() -> None:
    files = {"m.bpmn": CAMUNDA_REVIEW, "forms/review.schema.json": SCHEMA}
    compiled, errors, _ = _compile(files)
    assert not errors and compiled is not None
    props = compiled.elements["review"]["properties"]
    assert props["candidateGroups"] == "clerk,leader"
    assert props["assignee"] == "an"
    assert props["formJsonSchemaFilename"] == "forms/review.schema.json"
    assert props["allotment"] == "4WH"
    assert props["portalStatus"] == "2" and props["slip"] == "mau_01"
    assert compiled.elements["review"]["form_fields"][0]["id"] == "approved"


def test_camunda_juel_conditions_run_in_the_sandbox() -> None:
    files = {"m.bpmn": CAMUNDA_REVIEW, "forms/review.schema.json": SCHEMA}
    compiled, _, _ = _compile(files)
    assert compiled is not None
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements)
    instance = Instance.start(model, {})
    task = instance.ready_human_tasks()[0]
    instance.complete_human_task(task.id, {"approved": False})
    assert instance.is_completed()


def test_zeebe_assignment_and_form_are_read() -> None:
    body = (
        '<bpmn:startEvent id="s"/>' + flow("s", "t", "f1") + '<bpmn:userTask id="t">'
        "<bpmn:extensionElements>"
        '<zeebe:assignmentDefinition candidateGroups="=clerk"/>'
        '<zeebe:formDefinition formKey="forms/t.schema.json"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
        + flow("t", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, errors, _ = _compile({"m.bpmn": doc(body), "forms/t.schema.json": SCHEMA})
    assert not errors and compiled is not None
    assert compiled.elements["t"]["properties"]["candidateGroups"] == "clerk"


def test_flows_without_id_are_kept_so_the_case_stops_at_the_user_task() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "t")
        + '<bpmn:userTask id="t"/>'
        + flow("t", "e")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, errors, problems = _compile({"m.bpmn": doc(body)})
    assert not errors and compiled is not None
    assert any("without an id" in p.message for p in problems)
    instance = Instance.start(LoadedModel.from_json("h", compiled.spec_json, compiled.elements), {})
    assert [t.element_id for t in instance.ready_human_tasks()] == ["t"]
    assert not instance.is_completed()


def test_an_element_named_start_is_renamed_not_confused_with_the_engine_start() -> None:
    body = (
        '<bpmn:startEvent id="Start"/>'
        + flow("Start", "t", "f1")
        + '<bpmn:userTask id="t"/>'
        + flow("t", "End", "f2")
        + '<bpmn:endEvent id="End"/>'
    )
    compiled, errors, problems = _compile({"m.bpmn": doc(body)})
    assert not errors and compiled is not None
    assert "Start_element" in compiled.elements
    assert any("reserved" in p.message for p in problems)


def test_unquoted_iso_timer_values_are_accepted() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "w", "f1")
        + '<bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>" + flow("w", "e", "f2") + '<bpmn:endEvent id="e"/>'
    )
    compiled, errors, _ = _compile({"m.bpmn": doc(body)})
    assert not errors and compiled is not None


def test_cron_cycles_with_the_last_day_are_refused_with_a_fix() -> None:
    body = (
        '<bpmn:startEvent id="s"><bpmn:timerEventDefinition>'
        "<bpmn:timeCycle>0 0 9 L * ?</bpmn:timeCycle></bpmn:timerEventDefinition>"
        "</bpmn:startEvent>" + flow("s", "e", "f1") + '<bpmn:endEvent id="e"/>'
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert any("cron cycle '0 0 9 L * ?'" in e and "ISO-8601" in e for e in errors)


def test_a_zeebe_script_expression_sets_its_result_variable() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "prepare", "f1")
        + '<bpmn:scriptTask id="prepare"><bpmn:extensionElements>'
        '<zeebe:script expression="=count + 1" resultVariable="next_count"/>'
        "</bpmn:extensionElements></bpmn:scriptTask>"
        + flow("prepare", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, errors, _ = _compile({"m.bpmn": doc(body)})
    assert not errors and compiled is not None
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements)
    assert Instance.start(model, {"count": 2}).data == {"count": 2, "next_count": 3}


def test_a_script_task_without_a_script_is_refused_naming_it() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "empty", "f1")
        + '<bpmn:scriptTask id="empty"/>'
        + flow("empty", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert any("[empty]" in e and "script task has no script" in e for e in errors), errors


def test_data_stores_drawn_as_documentation_are_ignored() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "t", "f1")
        + '<bpmn:task id="t"><bpmn:dataOutputAssociation id="a"><bpmn:targetRef>ds</bpmn:targetRef>'
        "</bpmn:dataOutputAssociation></bpmn:task>"
        + '<bpmn:dataStoreReference id="ds" dataStoreRef="store"/>'
        + flow("t", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, errors, _ = _compile(
        {"m.bpmn": doc(body, extra='<bpmn:dataStore id="store" name="DB"/>')}
    )
    assert not errors and compiled is not None


def test_unregistered_service_task_is_refused_and_registered_one_runs() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "svc", "f1")
        + '<bpmn:serviceTask id="svc" camunda:type="external" camunda:topic="tax-code"/>'
        + flow("svc", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    files = {"m.bpmn": doc(body)}
    _, errors, _ = _compile(files)
    assert any("topic:tax-code" in e and "not a registered connector" in e for e in errors)
    registry = ConnectorRegistry()
    registry.register("topic:tax-code", lambda params, data: {"tax_code": "123"})
    compiled, errors, _ = _compile(files, connectors=registry)
    assert not errors and compiled is not None


def test_unbound_service_task_is_refused() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "svc", "f1")
        + '<bpmn:serviceTask id="svc"/>'
        + flow("svc", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert any("bound to no connector" in e for e in errors)
