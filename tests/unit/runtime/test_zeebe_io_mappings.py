"""Camunda 8 (Zeebe) input/output mappings run as Zeebe runs them, or the model is refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.runtime.compiler import compile_process
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.instance import Instance, LoadedModel
from tests.unit.runtime.bpmn_samples import doc, flow

START_TO = '<bpmn:startEvent id="s"/>' + flow("s", "t", "f1")
TO_END = flow("t", "e", "f2") + '<bpmn:endEvent id="e"/>'


def _mapped(mappings: str) -> str:
    return f"<bpmn:extensionElements><zeebe:ioMapping>{mappings}</zeebe:ioMapping>"


def _model(body: str, registry: ConnectorRegistry | None = None, extra: str = "") -> LoadedModel:
    connectors = registry or ConnectorRegistry(accept_any=True)
    compiled, problems = compile_process(
        {"m.bpmn": doc(body, extra=extra)}, "p", connectors=connectors
    )
    errors = [str(p) for p in problems if p.severity == "error"]
    assert compiled is not None and not errors, errors
    return LoadedModel.from_json("h", compiled.spec_json, compiled.elements)


def _charging(seen: list[dict[str, Any]]) -> ConnectorRegistry:
    """A card connector: it records the data it is called with and answers like a job worker."""

    def charge(params: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
        seen.append(dict(data))
        return {"charged": data["openAmount"], "receipt": {"no": 7}}

    registry = ConnectorRegistry()
    registry.register("type:creditCardCharging", charge)
    return registry


def _charge_task(mappings: str) -> str:
    return (
        START_TO + '<bpmn:serviceTask id="t"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="creditCardCharging"/>'
        f"<zeebe:ioMapping>{mappings}</zeebe:ioMapping>"
        "</bpmn:extensionElements></bpmn:serviceTask>" + TO_END
    )


def test_a_service_tasks_connector_sees_the_values_its_zeebe_inputs_map() -> None:
    seen: list[dict[str, Any]] = []
    body = _charge_task(
        '<zeebe:input source="=remainingAmount" target="openAmount"/>'
        '<zeebe:input source="=openAmount * 100" target="cents"/>'
        '<zeebe:input source="VISA" target="brand"/>'
    )
    registry = _charging(seen)
    Instance.start(_model(body, registry), {"remainingAmount": 30}, connectors=registry)
    assert seen[0]["openAmount"] == 30
    assert seen[0]["cents"] == 3000  # a source sees the inputs before it
    assert seen[0]["brand"] == "VISA"  # a source without "=" is a static string


def test_zeebe_outputs_map_the_connector_result_and_the_inputs_stay_local_to_the_task() -> None:
    seen: list[dict[str, Any]] = []
    body = _charge_task(
        '<zeebe:input source="=remainingAmount" target="openAmount"/>'
        '<zeebe:input source="=&quot;card&quot;" target="method"/>'
        '<zeebe:output source="=charged" target="paidAmount"/>'
        '<zeebe:output source="=is defined(receipt.no)" target="hasReceipt"/>'
    )
    registry = _charging(seen)
    start = {"remainingAmount": 30, "method": "cash"}
    case = Instance.start(_model(body, registry), start, connectors=registry)
    assert case.is_completed()
    assert case.data["paidAmount"] == 30 and case.data["hasReceipt"] is True
    assert case.data["method"] == "cash"  # the value the input covered is back
    assert "openAmount" not in case.data  # an input creates a local variable: gone after the task


def test_without_outputs_the_job_variables_become_case_variables_as_zeebe_merges_them() -> None:
    seen: list[dict[str, Any]] = []
    body = _charge_task('<zeebe:input source="=remainingAmount" target="openAmount"/>')
    registry = _charging(seen)
    case = Instance.start(_model(body, registry), {"remainingAmount": 30}, connectors=registry)
    assert case.data["charged"] == 30 and case.data["receipt"] == {"no": 7}
    assert "openAmount" not in case.data  # the input stays local to the task
    assert not [name for name in case.data if name.startswith("spiff__")]


def test_with_outputs_only_what_they_map_leaves_the_task() -> None:
    seen: list[dict[str, Any]] = []
    body = _charge_task(
        '<zeebe:input source="=remainingAmount" target="openAmount"/>'
        '<zeebe:output source="=charged" target="paidAmount"/>'
    )
    registry = _charging(seen)
    case = Instance.start(_model(body, registry), {"remainingAmount": 30}, connectors=registry)
    assert case.data == {"remainingAmount": 30, "paidAmount": 30}


def test_a_dotted_target_builds_a_dict_as_input_and_merges_into_one_as_output() -> None:
    seen: list[dict[str, Any]] = []
    body = _charge_task(
        '<zeebe:input source="=remainingAmount" target="openAmount"/>'
        '<zeebe:input source="=customer.name" target="card.holder"/>'
        '<zeebe:input source="=customer.card" target="card.number"/>'
        '<zeebe:output source="=receipt.no" target="payment.receipt.no"/>'
    )
    registry = _charging(seen)
    start = {"remainingAmount": 5, "customer": {"name": "An", "card": "4111"}, "card": {"old": 1}}
    case = Instance.start(
        _model(body, registry), {**start, "payment": {"id": 3}}, connectors=registry
    )
    assert seen[0]["card"] == {"holder": "An", "number": "4111"}  # a new dict, not the old one
    assert case.data["card"] == {"old": 1}
    assert case.data["payment"] == {"id": 3, "receipt": {"no": 7}}  # merged, missing dict made


def test_a_zeebe_output_on_an_error_boundary_event_is_set_when_the_error_is_caught() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "charge", "f1")
        + '<bpmn:subProcess id="charge"><bpmn:startEvent id="cs"/>'
        + flow("cs", "fail", "g1")
        + '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="expired"/></bpmn:endEvent>'
        "</bpmn:subProcess>"
        + flow("charge", "paid", "f2")
        + '<bpmn:endEvent id="paid"/>'
        + '<bpmn:boundaryEvent id="invalid" attachedToRef="charge">'
        + _mapped(
            '<zeebe:output source="=&quot;Card expired: &quot; + cardNumber" '
            'target="creditCardErrorMessage"/>'
            '<zeebe:output source="=true" target="payment.failed"/>'
        )
        + '</bpmn:extensionElements><bpmn:errorEventDefinition errorRef="expired"/>'
        "</bpmn:boundaryEvent>"
        + flow("invalid", "review", "f3")
        + '<bpmn:userTask id="review"/>'
        + flow("review", "failed", "f4")
        + '<bpmn:endEvent id="failed"/>'
    )
    error = '<bpmn:error id="expired" name="Expired" errorCode="creditCardError"/>'
    case = Instance.start(_model(body, extra=error), {"cardNumber": "4111"})
    assert [t.element_id for t in case.ready_human_tasks()] == ["review"]
    assert case.data["creditCardErrorMessage"] == "Card expired: 4111"
    assert case.data["payment"] == {"failed": True}


def test_zeebe_mappings_run_around_the_user_tasks_own_scripts_across_a_restore() -> None:
    body = (
        START_TO
        + '<bpmn:userTask id="t">'
        + _mapped(
            '<zeebe:input source="=applicant.name" target="applicantName"/>'
            '<zeebe:input source="=false" target="approved"/>'
            '<zeebe:output source="=approved" target="decision"/>'
        )
        + '<spiffworkflow:preScript>\n    greeting = "Hi " + applicantName\n  '
        "</spiffworkflow:preScript>"
        "<spiffworkflow:postScript>shout = greeting.upper()</spiffworkflow:postScript>"
        "</bpmn:extensionElements></bpmn:userTask>" + TO_END
    )
    model = _model(body)
    first = Instance.start(model, {"applicant": {"name": "An"}, "approved": "not yet"})
    case = Instance.load(model, first.dump())
    task = case.ready_human_tasks()[0]
    assert case.task_data(task.id)["approved"] is False
    case.complete_human_task(task.id, {"approved": True})
    assert case.data["shout"] == "HI AN"  # the own pre-script read the input, post ran too
    assert case.data["decision"] is True
    assert case.data["approved"] == "not yet"  # the form answered the local variable only
    assert "applicantName" not in case.data


def test_each_instance_of_a_multi_instance_subprocess_gets_its_own_zeebe_inputs() -> None:
    body = (
        START_TO
        + '<bpmn:subProcess id="t">'
        + _mapped(
            '<zeebe:input source="=&quot;not needed here&quot;" target="buckets"/>'
            '<zeebe:input source="=bucket * 10" target="size"/>'
            '<zeebe:output source="=size" target="lastSize"/>'
        )
        + "</bpmn:extensionElements>"
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:extensionElements>'
        '<zeebe:loopCharacteristics inputCollection="=buckets" inputElement="bucket"/>'
        "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>"
        '<bpmn:startEvent id="ss"/>'
        + flow("ss", "sc", "g1")
        + '<bpmn:scriptTask id="sc"><bpmn:script>seen = buckets</bpmn:script></bpmn:scriptTask>'
        + flow("sc", "se", "g2")
        + '<bpmn:endEvent id="se"/></bpmn:subProcess>'
        + TO_END
    )
    case = Instance.start(_model(body), {"buckets": [1, 2, 3]})
    assert case.data["buckets"] == [1, 2, 3]  # each instance covered it, none replaced it
    assert case.data["seen"] == "not needed here"
    assert case.data["lastSize"] == 30


def test_a_zeebe_source_the_engine_cannot_translate_is_refused_naming_element_and_line() -> None:
    body = _charge_task(
        '<zeebe:input source="=remainingAmount" target="openAmount"/>\n'
        '<zeebe:input source="= substring(risks, 2)" target="risksText"/>'
    )
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p", connectors=_charging([]))
    errors = [p for p in problems if p.severity == "error"]
    assert compiled is None and len(errors) == 1
    assert errors[0].element_id == "t" and errors[0].line == 5
    assert "input mapping 'risksText'" in errors[0].message
    assert "cannot be evaluated" in errors[0].message and errors[0].fix


def test_inputs_on_an_event_and_outputs_on_an_end_event_are_refused_naming_them() -> None:
    body = (
        START_TO
        + '<bpmn:intermediateCatchEvent id="t">'
        + _mapped('<zeebe:input source="=a" target="x"/>')
        + "</bpmn:extensionElements><bpmn:timerEventDefinition>"
        "<bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
        + flow("t", "e", "f2")
        + '<bpmn:endEvent id="e">'
        + _mapped('<zeebe:output source="=a" target="y"/>')
        + "</bpmn:extensionElements></bpmn:endEvent>"
    )
    _, problems = compile_process({"m.bpmn": doc(body)}, "p")
    refused = {(p.element_id, p.message) for p in problems if p.severity == "error"}
    assert refused == {
        ("t", "input mapping 'x': an event (intermediateCatchEvent) takes no inputs"),
        ("e", "output mapping 'y': a throw or end event (endEvent) has no result to map"),
    }
