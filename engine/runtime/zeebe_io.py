"""Camunda 8 (Zeebe) input/output mappings (`zeebe:ioMapping`) as the element's pre/post scripts.

On a task, subprocess or call activity the inputs become its pre-script and the outputs its
post-script (zeebe_io_code.py has the semantics); on a multi-instance activity they run on each
instance, as Zeebe applies them. Events run no pre/post scripts in SpiffWorkflow: the outputs of
a start, intermediate catch or boundary event (mapping the event's payload) run in a script task
added right after the event. What cannot run as Zeebe would run it is refused naming the
mapping: a source outside the FEEL the engine translates, a target that is no variable or path,
inputs on an event, outputs on a throw or end event (they have no result to map).
"""

from __future__ import annotations

import keyword
import re

from lxml import etree

from engine.runtime.dialect_tools import Reporter, add_mappings
from engine.runtime.idioms import fresh_id, local, q
from engine.runtime.juel import UntranslatableError, to_python
from engine.runtime.properties import SPIFF, ZEEBE
from engine.runtime.service_task import MERGE_RESULT
from engine.runtime.zeebe_io_code import (
    Mapping,
    input_code,
    output_code,
    reading_result,
    with_result,
)

ACTIVITIES = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "businessRuleTask",
    "subProcess",
    "transaction",
    "callActivity",
}
CATCH_EVENTS = {"startEvent", "intermediateCatchEvent", "boundaryEvent"}
_TARGET = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_SOURCE_FIX = "Write the source as a value, a variable, a path (=order.amount) or simple FEEL."


def zeebe_io_mappings(root: etree._Element, report: Reporter) -> None:
    """Every element's Zeebe input/output mappings as code that runs them, or refused."""
    taken = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    owners: dict[etree._Element, list[etree._Element]] = {}
    for io in root.iter(f"{{{ZEEBE}}}ioMapping"):  # under the element's extensionElements
        owners.setdefault(io.getparent().getparent(), []).extend(io)
    for el, params in owners.items():
        read = _read([p for p in params if local(p) in {"input", "output"}], report)
        if read is None:
            continue
        inputs, outputs = read
        kind = local(el)
        if kind in ACTIVITIES:
            _on_activity(el, inputs, outputs, report)
        elif kind in CATCH_EVENTS and not inputs:
            _after_event(el, output_code([m for _, m in outputs]), taken, report)
        else:
            _refuse_on_element(el, inputs, outputs, report)


Params = list[tuple[etree._Element, Mapping]]


def _read(params: list[etree._Element], report: Reporter) -> tuple[Params, Params] | None:
    """The inputs and the outputs, each with its element; None when one of them is refused."""
    inputs: Params = []
    outputs: Params = []
    refused = False
    for param in params:
        mapping = _mapping(param, report)
        if mapping is None:
            refused = True
        else:
            (inputs if local(param) == "input" else outputs).append((param, mapping))
    return None if refused else (inputs, outputs)


def _mapping(param: etree._Element, report: Reporter) -> Mapping | None:
    """One mapping's target path and source as Python; None (reported) when either cannot run."""
    target = (param.get("target") or "").strip()
    if not _TARGET.fullmatch(target) or keyword.iskeyword(target.split(".")[0]):
        report(
            param,
            f"{local(param)} mapping target '{target}' is not a variable or a path into one",
            "Name the target as a variable (amount) or a dotted path into one (order.amount).",
        )
        return None
    source = param.get("source") or ""
    try:
        python = _source(source)
    except UntranslatableError as exc:
        report(
            param,
            f"{local(param)} mapping '{target}': source '{source.strip()}' cannot be evaluated: "
            f"{exc}",
            _SOURCE_FIX,
        )
        return None
    return Mapping(tuple(target.split(".")), python)


def _source(source: str) -> str:
    """Python for a mapping's source: FEEL after `=`, else the text itself; none is null."""
    text = source.strip()
    if not text:
        return "None"
    if text.startswith("=="):
        raise UntranslatableError("'==' does not start a FEEL expression")
    if text.startswith("="):
        return to_python(text)
    return repr(source)  # Zeebe reads a source without `=` as a static string


def _on_activity(el: etree._Element, inputs: Params, outputs: Params, report: Reporter) -> None:
    """Inputs (after keeping what they cover) before the element's own pre-script; outputs (the
    connector result first) and then the covered values back after its own post-script."""
    mi = el.find(q("multiInstanceLoopCharacteristics"))
    if mi is not None and not _on_each_instance(el, mi, report):
        return
    outputs_code = output_code([m for _, m in outputs])
    result = _service_result(el) if outputs else None
    if result is not None and outputs:
        read = [Mapping(m.target, reading_result(m.python)) for _, m in outputs]
        outputs_code = with_result(result, output_code(read))
    written = {m.target[0] for _, m in outputs}
    local_names = [n for n in _local_names(el, inputs, outputs) if n not in written]
    inputs_code = input_code([m for _, m in inputs])
    add_mappings(el, inputs_code, outputs_code, local_names, "zeebe_outer_")


def _local_names(el: etree._Element, inputs: Params, outputs: Params) -> list[str]:
    """The element's local variables: what its inputs create and, when it has outputs, the
    result variable of its Zeebe script (Zeebe then merges only what the outputs map)."""
    names = [m.target[0] for _, m in inputs]
    script = el.find(f"{q('extensionElements')}/{{{ZEEBE}}}script")
    variable = (script.get("resultVariable") or "").strip() if script is not None else ""
    return names + [variable] if outputs and variable else names


def _service_result(el: etree._Element) -> str | None:
    """The variable a connector-bound service task with outputs keeps its result in (the job's
    variables stay local: only what the outputs map leaves the task); None for other tasks."""
    operator = el.find(f"{q('extensionElements')}/{{{SPIFF}}}serviceTaskOperator")
    if local(el) != "serviceTask" or operator is None:
        return None
    if operator.get("resultVariable") in (None, "", MERGE_RESULT):
        operator.set("resultVariable", f"spiff__{el.get('id', '').replace('-', '_')}_result")
    return operator.get("resultVariable")


def _on_each_instance(el: etree._Element, mi: etree._Element, report: Reporter) -> bool:
    """Run the element's pre/post scripts on each instance, as Zeebe applies the mappings."""
    each = f"{{{SPIFF}}}scriptsOnInstances"
    own = [el.find(f"{q('extensionElements')}/{{{SPIFF}}}{n}") for n in ("preScript", "postScript")]
    if any(s is not None for s in own) and mi.get(each) != "true":
        report(
            el,
            "multi-instance activity has Zeebe input/output mappings, applied to each instance, "
            "and a pre/post script that runs once for all of them",
            "Move the pre/post script into a script task before or after the activity.",
        )
        return False
    mi.set(each, "true")
    return True


def _after_event(
    event: etree._Element, lines: list[str], taken: set[str], report: Reporter
) -> None:
    """Run an event's output mappings in a script task between the event and its next step."""
    if event.find(q("compensateEventDefinition")) is not None:
        report(
            event,
            "output mappings on a compensation event are not supported",
            "Remove the mappings; set the variables in the compensation activity.",
        )
        return
    event_id = event.get("id", "")
    parent = event.getparent()
    task = etree.Element(q("scriptTask"), id=fresh_id(taken, f"{event_id}_outputs"))
    etree.SubElement(task, q("script")).text = "\n".join(lines)
    parent.insert(parent.index(event) + 1, task)
    for flow in parent.findall(q("sequenceFlow")):
        if flow.get("sourceRef") == event_id:
            flow.set("sourceRef", task.get("id", ""))
    link = etree.SubElement(parent, q("sequenceFlow"), id=fresh_id(taken, f"{event_id}_mapped"))
    link.set("sourceRef", event_id)
    link.set("targetRef", task.get("id", ""))


def _refuse_on_element(
    el: etree._Element, inputs: Params, outputs: Params, report: Reporter
) -> None:
    """Each mapping the element cannot run, named with why (a catch event's outputs can run)."""
    kind = local(el)
    event = kind.endswith("Event")
    for param, mapping in inputs + ([] if kind in CATCH_EVENTS else outputs):
        name = ".".join(mapping.target)
        if event and local(param) == "input":
            problem = f"input mapping '{name}': an event ({kind}) takes no inputs"
            fix = "Move the mapping to the task that uses the value."
        elif event:
            problem = f"output mapping '{name}': a throw or end event ({kind}) has no result to map"
            fix = "Set the variable in a script task before the event."
        else:
            problem = f"{local(param)} mapping '{name}': the element ({kind}) runs no mappings"
            fix = "Move the mapping to a task."
        report(param, problem, fix)
