"""Semantic checks on BPMN XML that the library does not make, each located by file, line and id.

They run on the tree after dialects.normalize, so expressions are already Python and vendor
extensions already Spiff; what the rewrite could not translate was reported there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime.columns import element_problem
from engine.runtime.idioms import REPORTED
from engine.runtime.properties import element_properties
from engine.runtime.script_names import lane_owner_assignments, unavailable_names
from engine.runtime.scripting import check_expression, check_script

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

KNOWN_SLIPS = {"mau_01", "mau_02", "mau_03", "mau_04", "mau_05", "mau_06"}
UNSUPPORTED = {
    "complexGateway": "complex gateways are not supported",
    "compensateEventDefinition": "compensation is not supported",
    "linkEventDefinition": "link events are not supported",
    "adHocSubProcess": "ad hoc subprocesses are not supported",
}
_NOT_FLOW = {
    "sequenceFlow",
    "lane",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "textAnnotation",
    "association",
    "group",
    "boundaryEvent",
    "dataInput",
    "dataOutput",
    "ioSpecification",
}
Problem = Callable[..., ModelProblem]


# The national portal's status codes, as a model writes them (ASCII digits: "³" is a digit to
# str.isdigit but no code).
PORTAL_CODES = frozenset(str(code) for code in range(1, 11))


def _q(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


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

    problem = functools.partial(element_problem, file)

    for tag, why in UNSUPPORTED.items():
        for el in root.iter(_q(tag)):
            if _in_idle_process(el):
                continue  # a pool drawn to be read: dialects reports it as a warning if at all
            parent = el.getparent() if tag.endswith("Definition") else el
            yield problem(parent, why, "Model the path explicitly with supported elements.")

    yield from _dangling_event_refs(root, problem)
    for process in root.iter(_q("process")):
        if process.get("isExecutable", "true").lower() == "false":
            continue
        yield from _lint_one_process(process, files, lane_roles, problem)
        yield from _lint_code(process, problem)
        yield from _unreachable(process, problem)
    yield from _lint_shared_code(root, problem)


# Event definition attribute -> the root element it must name.
_EVENT_REFS = {
    "messageEventDefinition": ("messageRef", "message"),
    "signalEventDefinition": ("signalRef", "signal"),
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
}


def _in_idle_process(el: etree._Element) -> bool:
    """True inside a process marked not executable: documentation, never run (as in Camunda)."""
    process = next(el.iterancestors(_q("process")), None)
    return process is not None and process.get("isExecutable", "true").lower() == "false"


def _dangling_event_refs(root: etree._Element, problem: Problem) -> Iterator[ModelProblem]:
    """An event definition naming a message, signal, error or escalation that is not defined."""
    for tag, (attr, kind) in _EVENT_REFS.items():
        defined = {el.get("id") for el in root.iter(_q(kind))}
        for definition in root.iter(_q(tag)):
            ref = (definition.get(attr) or "").strip()
            if ref and ref not in defined and not _in_idle_process(definition):
                yield problem(
                    _owner(definition),
                    f"{kind} event refers to {kind} '{ref}', which is not defined",
                    f"Pick a defined {kind} in the modeller, or define '{ref}'.",
                )


def _lint_one_process(process, files, lane_roles, problem):  # type: ignore[no-untyped-def]
    if not process.findall(_q("startEvent")):
        yield problem(process, "the process has no start event", "Draw a start event.")
    lanes = lane_map(process)
    for task in process.iter(_q("userTask")):
        props = element_properties(task, files)
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
        if status is not None and status not in PORTAL_CODES:
            yield problem(
                el, f"portalStatus '{status}' is not a portal code 1-10", "Use a code 1-10."
            )
        slip = props.get("slip")
        if slip is not None and slip not in KNOWN_SLIPS:
            yield problem(el, f"unknown slip '{slip}'", f"Use one of {sorted(KNOWN_SLIPS)}.")
    flows = {f.get("id"): f for f in process.iter(_q("sequenceFlow"))}
    for tag in ("exclusiveGateway", "inclusiveGateway"):
        for gw in process.iter(_q(tag)):
            outgoing = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
            if len(outgoing) < 2:
                continue
            for flow in outgoing:
                if (
                    flow.get("id") != gw.get("default")
                    and flow.find(_q("conditionExpression")) is None
                ):
                    yield problem(
                        flow,
                        f"flow leaving gateway '{gw.get('id')}' has no condition and is not the default",
                        "Add a condition to the flow or mark it as the gateway's default flow.",
                    )


# Expression sites besides conditions and timers: (namespace, tag, what the problem calls it).
_EXPRESSION_SITES = (
    (BPMN, "condition", "conditional event"),
    (BPMN, "loopCardinality", "loop cardinality"),
    (BPMN, "completionCondition", "completion condition"),
    (BPMN, "loopCondition", "loop condition"),
    (SPIFF, "messagePayload", "message payload"),
    (SPIFF, "expression", "correlation expression"),
)
# Elements that wrap an expression inside the element a modeller clicks on.
_WRAPPERS = (
    "EventDefinition",
    "LoopCharacteristics",
    "extensionElements",
    "serviceTaskOperator",
    "parameters",
    "processVariableCorrelation",
    "RetrievalExpression",
)


def _owner(el: etree._Element) -> etree._Element:
    """The element a modeller selects to edit el: the nearest ancestor with an id, not a wrapper."""
    node = el.getparent()
    while node is not None and (not node.get("id") or _local(node).endswith(_WRAPPERS)):
        node = node.getparent()
    return node if node is not None else el


LANE_OWNERS_FIX = 'Map each lane to a role under "lanes" in procedure.json, and remove lane_owners.'
MISSING_FIX = (
    "Compute the value in a form or a service task, or with what model code has: safe builtins, "
    "datetime/date/timedelta/time on the case clock, working_days()/working_hours()."
)


def expression_issues(source: str, fix: str) -> list[tuple[str, str]]:
    """(issue, fix) of an expression: the sandbox's refusals, else the functions it lacks."""
    refused = check_expression(source)
    if refused:
        return [(issue, fix) for issue in refused]
    return [(issue, MISSING_FIX) for issue in unavailable_names(source, "eval")]


def script_issues(source: str, fix: str) -> list[tuple[str, str]]:
    """(issue, fix) of a script: the sandbox's refusals, else the functions it lacks."""
    refused = check_script(source)
    if refused:
        return [(issue, fix) for issue in refused]
    owners = [(issue, LANE_OWNERS_FIX) for issue in lane_owner_assignments(source)]
    return owners + [(issue, MISSING_FIX) for issue in unavailable_names(source, "exec")]


def _lint_code(process: etree._Element, problem: Problem) -> Iterator[ModelProblem]:
    """Refuse model code the sandbox would refuse at run time, naming the element that holds it."""
    simple = "Write a simple expression over case data."
    for cond in process.iter(_q("conditionExpression")):
        if cond.get(REPORTED):
            continue
        for issue, fix in expression_issues((cond.text or "").strip(), simple):
            yield problem(cond.getparent(), f"condition: {issue}", fix)
    for timer in process.iter(_q("timeDate"), _q("timeDuration"), _q("timeCycle")):
        if timer.get(REPORTED):
            continue
        owner = timer.getparent().getparent()
        iso = "Write an ISO-8601 date, duration or cycle."
        for issue, fix in expression_issues((timer.text or "").strip(), iso):
            yield problem(owner, f"timer: {issue}", fix)
    for ns, tag, what in _EXPRESSION_SITES:
        for el in process.iter(f"{{{ns}}}{tag}"):
            if el.get(REPORTED):
                continue
            yield from _expression_problems(el, el.text or "", what, problem)
    for param in process.iter(f"{{{SPIFF}}}parameter"):
        if param.get("value") is not None:
            what = f"service parameter '{param.get('id', '')}'"
            yield from _expression_problems(param, param.get("value", ""), what, problem)
    for script_task in process.iter(_q("scriptTask")):
        script = script_task.find(_q("script"))
        text = script.text or "" if script is not None else ""
        for issue, fix in script_issues(text, "Remove the forbidden construct from the script."):
            yield problem(script_task, f"script: {issue}", fix)
    for tag in ("preScript", "postScript"):
        for el in process.iter(f"{{{SPIFF}}}{tag}"):
            owner = el.getparent().getparent()
            for issue, fix in script_issues(el.text or "", "Fix or simplify the script."):
                yield problem(owner, f"{tag}: {issue}", fix)


def _lint_shared_code(root: etree._Element, problem: Problem) -> Iterator[ModelProblem]:
    """Expressions outside any process: message payloads and correlation retrieval expressions."""
    for message in root.iter(_q("message")):
        for el in message.iter(f"{{{SPIFF}}}messagePayload"):
            yield from _expression_problems(el, el.text or "", "message payload", problem)
    for el in root.iter(_q("correlationPropertyRetrievalExpression")):
        for path in el.iter(_q("formalExpression"), _q("messagePath")):
            yield from _expression_problems(path, path.text or "", "correlation", problem)


def _expression_problems(
    el: etree._Element, text: str, what: str, problem: Problem
) -> Iterator[ModelProblem]:
    if not text.strip():
        return
    owner = _owner(el)
    for issue, fix in expression_issues(text, "Write a simple expression over case data."):
        yield problem(owner, f"{what}: {issue}", fix)


def _unreachable(process: etree._Element, problem: Problem) -> Iterator[ModelProblem]:
    """Warn about flow nodes no path from a start event (or a boundary event) reaches."""
    targets: dict[str, list[str]] = {}
    for flow in process.iter(_q("sequenceFlow")):
        targets.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    nodes = {
        el.get("id", ""): el
        for el in process
        if _local(el) not in _NOT_FLOW and el.get("id") and _local(el) != "extensionElements"
    }
    starts = [
        el.get("id", "")
        for el in process
        if _local(el) in {"startEvent", "boundaryEvent"}
        or el.get("triggeredByEvent") == "true"
        or el.get("isForCompensation") == "true"
    ]
    seen, stack = set(), list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(targets.get(node, []))
    for node_id, el in nodes.items():
        if node_id not in seen and _local(el) not in {"documentation", "property"}:
            yield problem(
                el,
                f"{_local(el)} cannot be reached from any start event",
                "Connect it with a sequence flow or delete it.",
                "warning",
            )


def lint_bundle(
    docs: list[tuple[str, etree._Element]], process_id: str | None = None
) -> list[ModelProblem]:
    """Checks across files: a call activity that (indirectly) calls its own process, and, in the
    processes `process_id` runs (itself and what it calls), one that calls nothing or a process
    missing from the bundle."""
    calls: dict[str, list[tuple[str, etree._Element]]] = {}
    for file, root in docs:
        for process in root.iter(_q("process")):
            for call in process.iter(_q("callActivity")):
                calls.setdefault(process.get("id", ""), []).append((file, call))
    problems = list(_missing_callees(calls, docs, process_id)) if process_id else []
    for owner, activities in calls.items():
        for file, call in activities:
            called = call.get("calledElement", "")
            stack, seen = [called], set()
            while stack:
                current = stack.pop()
                if current == owner:
                    problems.append(
                        ModelProblem(
                            f"call activity calls '{called}', which calls back into '{owner}': "
                            "it would recurse until stopped",
                            file=file,
                            line=call.sourceline,
                            element_id=call.get("id", ""),
                            fix="Call a different process, or model the repetition as a loop.",
                        )
                    )
                    break
                if current in seen:
                    continue
                seen.add(current)
                stack.extend(c.get("calledElement", "") for _, c in calls.get(current, []))
    return problems


def _missing_callees(
    calls: Mapping[str, list[tuple[str, etree._Element]]],
    docs: list[tuple[str, etree._Element]],
    process_id: str,
) -> Iterator[ModelProblem]:
    defined = {p.get("id", "") for _, root in docs for p in root.iter(_q("process"))}
    stack, seen = [process_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for file, call in calls.get(current, []):
            called = call.get("calledElement", "").strip()
            if called in defined:
                stack.append(called)
                continue
            message = (
                f"call activity calls process '{called}', which is not in the bundle"
                if called
                else "call activity names no process to call"
            )
            yield ModelProblem(
                message,
                file=file,
                line=call.sourceline,
                element_id=call.get("id", ""),
                fix="Set 'Called element' to the id of a process in the procedure's files, "
                "and add that file.",
            )
