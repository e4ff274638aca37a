"""Validation: every refusal names file, line, element and a fix; nothing crashes the validator."""

from __future__ import annotations

import pytest

from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from tests.unit.runtime.bpmn_samples import doc, flow

DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  <decision id="classify" name="Classify">
    <decisionTable id="t1">
      <input id="i1">
      <inputExpression id="ie1" typeRef="double">
      <text>amount</text>
      </inputExpression>
      </input>
      <output id="o1" name="category" typeRef="string"/>
      <rule id="r1">
      <inputEntry id="a1">
      <text>&lt; 250</text>
      </inputEntry>
      <outputEntry id="b1">
      <text>"small"</text>
      </outputEntry>
      </rule>
      <rule id="r2">
      <inputEntry id="a2">
      <text>[250..1000]</text>
      </inputEntry>
      <outputEntry id="b2">
      <text>"medium"</text>
      </outputEntry>
      </rule>
      <rule id="r3">
      <inputEntry id="a3">
      <text>&gt; 1000</text>
      </inputEntry>
      <outputEntry id="b3">
      <text>"large"</text>
      </outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="approver" name="Approver">
    <informationRequirement id="ir"><requiredDecision href="#classify"/></informationRequirement>
    <decisionTable id="t2">
      <input id="i2">
      <inputExpression id="ie2" typeRef="string">
      <text>category</text>
      </inputExpression>
      </input>
      <output id="o2" name="group" typeRef="string"/>
      <rule id="r4">
      <inputEntry id="a4">
      <text>"small","medium"</text>
      </inputEntry>
      <outputEntry id="b4">
      <text>"clerk"</text>
      </outputEntry>
      </rule>
      <rule id="r5">
      <inputEntry id="a5">
      <text>not("small","medium")</text>
      </inputEntry>
      <outputEntry id="b5">
      <text>"leader"</text>
      </outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def _errors(files: dict[str, bytes], process_id: str = "p") -> list:  # type: ignore[type-arg]
    _, problems = compile_process(files, process_id)
    return [p for p in problems if p.severity == "error"]


def test_missing_start_event_is_located() -> None:
    errors = _errors({"m.bpmn": doc('<bpmn:userTask id="t"/>')})
    assert any("no start event" in e.message and e.file == "m.bpmn" and e.line for e in errors)


def test_complex_gateway_and_compensation_are_refused() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "g", "f1")
        + '<bpmn:complexGateway id="g"/>'
        + flow("g", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
        + '<bpmn:intermediateThrowEvent id="c"><bpmn:compensateEventDefinition/>'
        "</bpmn:intermediateThrowEvent>"
    )
    messages = {e.element_id: e.message for e in _errors({"m.bpmn": doc(body)})}
    assert "complex gateways" in messages["g"] and "compensation" in messages["c"]


def test_missing_form_is_refused_with_the_element() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "t", "f1")
        + '<bpmn:userTask id="t"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="formJsonSchemaFilename" value="forms/x.schema.json"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
        + flow("t", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    errors = _errors({"m.bpmn": doc(body)})
    assert [(e.element_id, "forms/x.schema.json" in e.message) for e in errors] == [("t", True)]
    assert errors[0].fix


def test_a_condition_that_is_not_simple_is_refused_naming_it() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "g", "f1")
        + '<bpmn:exclusiveGateway id="g" default="f3"/>'
        + flow("g", "e", "f2", "${execution.getVariable('x')}")
        + flow("g", "e", "f3")
        + '<bpmn:endEvent id="e"/>'
    )
    errors = _errors({"m.bpmn": doc(body)})
    assert errors[0].element_id == "f2" and "execution.getVariable" in errors[0].message


def test_call_activity_calling_its_own_process_is_refused() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "c", "f1")
        + '<bpmn:callActivity id="c" calledElement="p"/>'
        + flow("c", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    errors = _errors({"m.bpmn": doc(body)})
    assert any(e.element_id == "c" and "recurse" in e.message for e in errors)


def test_unconditioned_gateway_flow_is_taken_as_camunda_does() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "g", "f1")
        + '<bpmn:exclusiveGateway id="g"/>'
        + flow("g", "big", "f2", "${amount > 1000}")
        + flow("g", "small", "f3")
        + '<bpmn:userTask id="big"/><bpmn:userTask id="small"/>'
        + flow("big", "e", "f4")
        + flow("small", "e", "f5")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert compiled is not None
    assert any(p.element_id == "f3" and p.severity == "warning" for p in problems)
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements)
    assert Instance.start(model, {"amount": 5}).ready_human_tasks()[0].element_id == "small"
    assert Instance.start(model, {"amount": 5000}).ready_human_tasks()[0].element_id == "big"


def test_unreachable_elements_are_warned() -> None:
    body = (
        '<bpmn:startEvent id="s"/>' + flow("s", "e", "f1") + '<bpmn:endEvent id="e"/>'
        '<bpmn:userTask id="orphan"/>'
    )
    _, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert any(p.element_id == "orphan" and "reached" in p.message for p in problems)


def test_xsd_errors_carry_the_line() -> None:
    body = (
        '<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" targetRef="e"/><bpmn:endEvent id="e"/>'
    )
    errors = _errors({"m.bpmn": doc(body)})
    assert any("XSD" in e.message and e.line == 4 for e in errors)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<not xml",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        b"\x00" * 10,
    ],
)
def test_garbage_never_crashes_the_validator(content: bytes) -> None:
    _, problems = compile_process({"m.bpmn": content}, None)
    assert problems and all(p.file == "m.bpmn" for p in problems)


def _approver_model(mappings: str = "") -> LoadedModel:
    """A business rule task deciding the approver group from the amount, then a user task."""
    extension = f"<bpmn:extensionElements>{mappings}</bpmn:extensionElements>" if mappings else ""
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "rule", "f1")
        + '<bpmn:businessRuleTask id="rule" camunda:decisionRef="approver" '
        f'camunda:resultVariable="approver_group" camunda:mapDecisionResult="singleEntry">'
        f"{extension}</bpmn:businessRuleTask>"
        + flow("rule", "t", "f2")
        + '<bpmn:userTask id="t"/>'
        + flow("t", "e", "f3")
        + '<bpmn:endEvent id="e"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body), "d.dmn": DMN}, "p")
    assert compiled is not None, [str(p) for p in problems]
    return LoadedModel.from_json("h", compiled.spec_json, compiled.elements)


def test_dmn_with_several_decisions_is_evaluated_with_its_requirements() -> None:
    model = _approver_model()
    assert Instance.start(model, {"amount": 300}).data["approver_group"] == "clerk"
    assert Instance.start(model, {"amount": 3000}).data["approver_group"] == "leader"


def test_a_decision_result_is_stored_before_the_tasks_own_output_mapping_reads_it() -> None:
    model = _approver_model(
        "<camunda:inputOutput>"
        '<camunda:outputParameter name="routed_to">${approver_group}</camunda:outputParameter>'
        "</camunda:inputOutput>"
    )
    data = Instance.start(model, {"amount": 3000}).data
    assert (data["approver_group"], data["routed_to"]) == ("leader", "leader")
