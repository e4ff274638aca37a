"""Small BPMN documents in the dialects modellers write, for compiler and lint tests."""

from __future__ import annotations

from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)


def doc(body: str, process_id: str = "p", extra: str = "") -> bytes:
    """A definitions document with one executable process holding `body`."""
    return (
        f'{HEAD}<bpmn:process id="{process_id}" isExecutable="true">\n{body}\n'
        f"</bpmn:process>\n{extra}</bpmn:definitions>\n"
    ).encode()


def flow(source: str, target: str, flow_id: str | None = None, condition: str = "") -> str:
    """A sequence flow, optionally without id, optionally conditioned."""
    ident = f' id="{flow_id}"' if flow_id else ""
    cond = (
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression>"
        if condition
        else ""
    )
    return f'<bpmn:sequenceFlow{ident} sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


CAMUNDA_REVIEW = doc(
    '<bpmn:startEvent id="start"/>'
    + flow("start", "review", "f1")
    + '<bpmn:userTask id="review" name="Review" camunda:candidateGroups="clerk,leader" '
    'camunda:assignee="an" camunda:formKey="forms/review.schema.json" camunda:dueDate="4WH">'
    "<bpmn:extensionElements><camunda:properties>"
    '<camunda:property name="portalStatus" value="2"/><camunda:property name="slip" value="mau_01"/>'
    "</camunda:properties><camunda:formData>"
    '<camunda:formField id="approved" label="Approved?" type="boolean"/>'
    "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    + flow("review", "gw", "f2")
    + '<bpmn:exclusiveGateway id="gw"/>'
    + flow("gw", "ok", "f3", "${approved}")
    + flow("gw", "no", "f4", "${not approved}")
    + '<bpmn:endEvent id="ok"/><bpmn:endEvent id="no"/>'
)


def load_model(xml: bytes, process_id: str = "p") -> LoadedModel:
    """Compile one BPMN document as deploy does and load it as a case would run it."""
    compiled, problems = compile_process({f"{process_id}.bpmn": xml}, process_id)
    assert compiled is not None, problems
    return LoadedModel.from_json("test", compiled.spec_json, compiled.elements)


def complete_in_command(
    model: LoadedModel, state: str, element_id: str, data: dict[str, object]
) -> str:
    """One command on a stored case: load it, complete its ready task, store it again."""
    instance = Instance.load(model, state)
    [task] = [t for t in instance.ready_human_tasks() if t.element_id == element_id]
    instance.complete_human_task(task.id, data)
    return instance.dump()
