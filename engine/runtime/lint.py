"""Semantic checks on BPMN XML that the library does not make, each located by file, line and id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime.scripting import check_expression, check_script

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

KNOWN_SLIPS = {"mau_01", "mau_02", "mau_03", "mau_04", "mau_05", "mau_06"}
UNSUPPORTED = {
    "complexGateway": "complex gateways are not supported",
    "compensateEventDefinition": "compensation is not supported",
    "linkEventDefinition": "link events are not supported",
}


def _q(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def element_properties(element: etree._Element) -> dict[str, str]:
    """The spiffworkflow:properties of an element as a dict."""
    props = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS
    )
    return {p.get("name", ""): p.get("value", "") for p in props}


def lane_map(process: etree._Element) -> dict[str, str]:
    """Element id -> name of the lane holding it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(_q("lane")):
        for ref in lane.findall(_q("flowNodeRef")):
            lanes[(ref.text or "").strip()] = lane.get("name", "")
    return lanes


def lint_process(
    file: str,
    root: etree._Element,
    files: Mapping[str, bytes],
    lane_roles: Mapping[str, str] | None,
) -> Iterator[ModelProblem]:
    """Yield every problem found in one BPMN document."""

    def problem(
        el: etree._Element, message: str, fix: str, severity: str = "error"
    ) -> ModelProblem:
        return ModelProblem(
            message,
            file=file,
            line=el.sourceline,
            element_id=el.get("id", ""),
            fix=fix,
            severity=severity,
        )

    for tag, why in UNSUPPORTED.items():
        for el in root.iter(_q(tag)):
            parent = el.getparent() if tag.endswith("Definition") else el
            yield problem(parent, why, "Model the path explicitly with supported elements.")

    for flow in root.iter(_q("sequenceFlow")):
        if not flow.get("id"):
            yield problem(
                flow,
                "a sequence flow has no id and would be dropped silently",
                "Give the flow an id (any modeller does when the flow is redrawn).",
            )

    for process in root.iter(_q("process")):
        if process.get("isExecutable", "true").lower() == "false":
            continue
        yield from _lint_one_process(file, process, files, lane_roles, problem)


def _lint_one_process(file, process, files, lane_roles, problem):  # type: ignore[no-untyped-def]
    if not process.findall(_q("startEvent")):
        yield problem(process, "the process has no start event", "Draw a start event.")
    lanes = lane_map(process)
    flows = {f.get("id"): f for f in process.iter(_q("sequenceFlow"))}

    for task in process.iter(_q("userTask")):
        props = element_properties(task)
        lane = lanes.get(task.get("id", ""), "")
        if lane_roles is not None and not props.get("candidateGroups") and lane not in lane_roles:
            where = f"lane '{lane}'" if lane else "no lane"
            yield problem(
                task,
                f"user task is in {where}, which maps to no role: nobody could claim it",
                'Put the task in a lane listed under "lanes" in procedure.json.',
            )
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            ref = props.get(key)
            if ref and ref not in files:
                yield problem(
                    task,
                    f"form file '{ref}' is referenced but not in the bundle",
                    "Add the form file to the procedure folder or fix the file name.",
                )

    for el in process.iter():
        if not isinstance(el.tag, str):
            continue
        props = element_properties(el)
        status = props.get("portalStatus")
        if status is not None and (not status.isdigit() or not 1 <= int(status) <= 10):
            yield problem(
                el, f"portalStatus '{status}' is not a portal code 1-10", "Use a code 1-10."
            )
        slip = props.get("slip")
        if slip is not None and slip not in KNOWN_SLIPS:
            yield problem(el, f"unknown slip '{slip}'", f"Use one of {sorted(KNOWN_SLIPS)}.")

    for tag in ("exclusiveGateway", "inclusiveGateway"):
        for gw in process.iter(_q(tag)):
            outgoing = [flows.get((o.text or "").strip()) for o in gw.findall(_q("outgoing"))]
            outgoing = [f for f in outgoing if f is not None]
            if len(outgoing) < 2:
                continue
            default = gw.get("default")
            for flow in outgoing:
                if flow.get("id") != default and flow.find(_q("conditionExpression")) is None:
                    yield problem(
                        flow,
                        f"flow leaving gateway '{gw.get('id')}' has no condition and is not the default",
                        "Add a condition to the flow or mark it as the gateway's default flow.",
                    )

    for cond in process.iter(_q("conditionExpression")):
        for issue in check_expression((cond.text or "").strip()):
            yield problem(
                cond.getparent(), f"condition: {issue}", "Write a simple expression over case data."
            )

    for script_task in process.iter(_q("scriptTask")):
        script = script_task.find(_q("script"))
        for issue in check_script(script.text or "" if script is not None else ""):
            yield problem(
                script_task, f"script: {issue}", "Remove the forbidden construct from the script."
            )

    for service in process.iter(_q("serviceTask")):
        if not service.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS):
            yield problem(
                service,
                "service task is bound to no connector and would wait for ever",
                "Choose a registered connector (operator) for the task in the modeller.",
            )
