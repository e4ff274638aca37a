"""Structural modeller idioms rewritten before parsing, so every dialect reaches one parser.

Each rewrite keeps the model's meaning as Camunda and Flowable run it, and is reported as a
warning so the analyst sees what the engine understood. Rewrites work on the lxml tree in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
INTERNAL_IDS = {"Start", "End", "Root"}
REF_TEXT_TAGS = {"incoming", "outgoing", "flowNodeRef", "sourceRef", "targetRef", "dataInputRefs"}
GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}
REPORTED = "{urn:motcua:bpmn}reported"
"""Set on an expression the rewrite already refused, so that lint does not refuse it twice."""

Report = Callable[..., None]


def q(tag: str) -> str:
    """Qualified BPMN tag name."""
    return f"{{{BPMN}}}{tag}"


def local(el: etree._Element) -> str:
    """Local tag name ('' for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _all_ids(root: etree._Element) -> set[str]:
    return {str(el.get("id")) for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def fresh_id(taken: set[str], base: str) -> str:
    """An id not yet used in the document, derived from base."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def name_flows(root: etree._Element, report: Report) -> None:
    """Give every sequence flow without an id one (the library drops them silently)."""
    taken = _all_ids(root)
    for flow in root.iter(q("sequenceFlow")):
        if flow.get("id"):
            continue
        base = f"Flow_{flow.get('sourceRef', 'x')}_to_{flow.get('targetRef', 'x')}"
        flow.set("id", fresh_id(taken, base))
        report(
            flow,
            f"sequence flow without an id was given the id '{flow.get('id')}'",
            "Redraw or save the flow in the modeller so it has an id of its own.",
            "warning",
        )


def rename_internal_ids(root: etree._Element, report: Report) -> None:
    """Rename elements whose id collides with the engine's own task names (Start, End)."""
    taken = _all_ids(root)
    renames = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or local(el) in {"definitions", "process"}:
            continue
        old = el.get("id", "")
        if old in INTERNAL_IDS or old.endswith(".EndJoin"):
            renames[old] = fresh_id(taken, f"{old.replace('.', '_')}_element")
            el.set("id", renames[old])
            report(
                el,
                f"element id '{old}' is reserved by the engine; it runs as '{renames[old]}'",
                "Rename the element's id in the modeller (e.g. 'start_request').",
                "warning",
            )
    if not renames:
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            if attr != "id" and value in renames:
                el.set(attr, renames[value])
        if local(el) in REF_TEXT_TAGS and (el.text or "").strip() in renames:
            el.text = renames[(el.text or "").strip()]


def drop_data_stores(root: etree._Element, report: Report) -> None:
    """Remove data stores and their associations: they document where data lives, nothing runs."""
    store_refs = set()
    for el in list(root.iter(q("dataStoreReference"), q("dataStore"))):
        store_refs.add(el.get("id", ""))
        if local(el) == "dataStoreReference":
            report(
                el,
                "data store reference is documentation only and is ignored",
                "None needed; the engine keeps case data itself.",
                "warning",
            )
    if not store_refs:
        return
    for assoc in list(root.iter(q("dataInputAssociation"), q("dataOutputAssociation"))):
        refs = {(r.text or "").strip() for r in assoc if local(r) in {"sourceRef", "targetRef"}}
        if refs & store_refs:
            activity = assoc.getparent()
            activity.remove(assoc)
            _drop_io_ends(activity, refs - store_refs)
    for el in list(root.iter(q("dataStoreReference"), q("dataStore"))):
        el.getparent().remove(el)
    for proc in root.iter(q("process")):
        for ref in list(proc.iter(q("flowNodeRef"))):
            if (ref.text or "").strip() in store_refs:
                ref.getparent().remove(ref)


def bind_io_to_data_objects(root: etree._Element, report: Report) -> None:
    """Run a task's data inputs and outputs wired to data objects as the standard means them.

    BPMN maps a data object into a task's dataInput (and a dataOutput back into a data object)
    through the association. The library reads and writes data objects under their own id and
    ignores the association's other end, so such a task could never complete. The input or
    output takes the data object's id: the task then reads and writes the data object itself.
    """
    objects: dict[str, str] = {}
    for ref in root.iter(q("dataObjectReference")):
        if ref.get("id") and ref.get("dataObjectRef"):
            objects[ref.get("id", "")] = ref.get("dataObjectRef", "")
    for activity in root.iter():
        io = activity.find(q("ioSpecification")) if isinstance(activity.tag, str) else None
        if io is None:
            continue
        renames: dict[str, str] = {}
        for kind, inner, outer in (
            ("dataInputAssociation", "targetRef", "sourceRef"),
            ("dataOutputAssociation", "sourceRef", "targetRef"),
        ):
            for assoc in activity.findall(q(kind)):
                end = (assoc.findtext(q(inner)) or "").strip()
                data_object = objects.get((assoc.findtext(q(outer)) or "").strip())
                if not end or not data_object or end == data_object:
                    continue
                if renames.get(end, data_object) != data_object:
                    continue
                renames[end] = data_object
        if not renames:
            continue
        for el in io.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("id") in renames:
                el.set("id", renames[str(el.get("id"))])
            text = (el.text or "").strip()
            if local(el) in {"dataInputRefs", "dataOutputRefs"} and text in renames:
                el.text = renames[text]
        for assoc in activity.findall(q("dataInputAssociation")) + activity.findall(
            q("dataOutputAssociation")
        ):
            for ref in assoc:
                if local(ref) in {"sourceRef", "targetRef"} and (ref.text or "").strip() in renames:
                    ref.text = renames[(ref.text or "").strip()]
        report(
            activity,
            "task data inputs/outputs wired to data objects read and write the data objects "
            "directly",
            "None needed.",
            "warning",
        )


def _drop_io_ends(activity: etree._Element, ends: set[str]) -> None:
    """Remove the task's data inputs/outputs that only a dropped data store fed or received."""
    io = activity.find(q("ioSpecification"))
    if io is None or not ends:
        return
    for el in list(io.iter()):
        if not isinstance(el.tag, str):
            continue
        if local(el) in {"dataInput", "dataOutput"} and el.get("id") in ends:
            io.remove(el)
        elif local(el) in {"dataInputRefs", "dataOutputRefs"} and (el.text or "").strip() in ends:
            el.getparent().remove(el)


def _outgoing(process: etree._Element) -> dict[str, list[etree._Element]]:
    flows: dict[str, list[etree._Element]] = {}
    for flow in process.iter(q("sequenceFlow")):
        flows.setdefault(flow.get("sourceRef", ""), []).append(flow)
    return flows


def _condition(flow: etree._Element) -> etree._Element | None:
    return flow.find(q("conditionExpression"))


def _set_condition(flow: etree._Element, text: str) -> None:
    cond = _condition(flow)
    if cond is None:
        cond = etree.SubElement(flow, q("conditionExpression"))
        cond.set(f"{{{XSI}}}type", "bpmn:tFormalExpression")
        flow.remove(cond)
        flow.insert(
            len([c for c in flow if local(c) in {"documentation", "extensionElements"}]), cond
        )
    cond.text = text


def unconditioned_gateway_flows(root: etree._Element, report: Report) -> None:
    """Give unconditioned gateway flows Camunda's meaning: a flow without condition is true.

    An exclusive gateway takes the first flow (document order) whose condition holds; so each
    flow's condition becomes "mine and none before mine", the first unconditioned one is the
    default, and flows after it are never taken. An inclusive gateway takes them always.
    """
    for process in root.iter(q("process"), q("subProcess"), q("transaction")):
        outgoing = _outgoing(process)
        for gw in process:
            if local(gw) not in GATEWAYS:
                continue
            flows = [
                f for f in outgoing.get(gw.get("id", ""), []) if f.get("id") != gw.get("default")
            ]
            plain = [f for f in flows if _condition(f) is None]
            if len(flows) + (1 if gw.get("default") else 0) < 2 or not plain:
                continue
            if local(gw) == "inclusiveGateway":
                for flow in plain:
                    _set_condition(flow, "True")
                    report(
                        flow,
                        "flow leaving an inclusive gateway has no condition: always taken",
                        "Add a condition, or make it the gateway's default flow.",
                        "warning",
                    )
                continue
            _order_exclusive(gw, flows, plain[0], report)


def _order_exclusive(
    gw: etree._Element, flows: list[etree._Element], first_plain: etree._Element, report: Report
) -> None:
    earlier: list[str] = []
    reached_plain = False
    for flow in flows:
        cond = _condition(flow)
        text = (cond.text or "").strip() if cond is not None else ""
        if reached_plain:
            _set_condition(flow, "False")
            report(
                flow,
                f"flow is never taken: flow '{first_plain.get('id')}' before it has no "
                "condition and is always chosen first",
                "Add conditions or reorder the flows.",
                "warning",
            )
            continue
        if flow is first_plain:
            reached_plain = True
            if gw.get("default"):
                _set_condition(flow, "not (" + " or ".join(earlier) + ")" if earlier else "True")
            else:
                gw.set("default", flow.get("id", ""))
            report(
                flow,
                "flow leaving an exclusive gateway has no condition: taken when no earlier "
                "flow's condition holds (as in Camunda)",
                "Mark it as the gateway's default flow in the modeller.",
                "warning",
            )
            continue
        if earlier and cond is not None:
            cond.text = f"({text}) and not (" + " or ".join(earlier) + ")"
        earlier.append(f"({text})")


def split_implicit_forks(root: etree._Element, report: Report) -> None:
    """An activity with several outgoing flows forks (parallel, or inclusive when conditioned)."""
    taken = _all_ids(root)
    for process in root.iter(q("process"), q("subProcess"), q("transaction")):
        outgoing = _outgoing(process)
        for el in list(process):
            name = local(el)
            flows = outgoing.get(el.get("id", ""), [])
            if len(flows) < 2 or name.endswith("Gateway"):
                continue
            conditioned = any(_condition(f) is not None for f in flows)
            kind = "inclusiveGateway" if conditioned else "parallelGateway"
            gw = etree.Element(q(kind), id=fresh_id(taken, f"{el.get('id')}_fork"))
            process.insert(process.index(el) + 1, gw)
            link = etree.SubElement(process, q("sequenceFlow"))
            link.set("id", fresh_id(taken, f"{el.get('id')}_to_fork"))
            link.set("sourceRef", el.get("id", ""))
            link.set("targetRef", gw.get("id", ""))
            for flow in flows:
                flow.set("sourceRef", gw.get("id", ""))
                if kind == "inclusiveGateway" and _condition(flow) is None:
                    if el.get("default") == flow.get("id"):
                        gw.set("default", flow.get("id", ""))
                    else:
                        _set_condition(flow, "True")
            if el.get("default"):
                del el.attrib["default"]
            report(
                el,
                f"activity with {len(flows)} outgoing flows forks them "
                f"({'conditionally' if conditioned else 'in parallel'})",
                "Draw the split as an explicit gateway.",
                "warning",
            )


_NOT_STARTABLE = {
    "sequenceFlow",
    "boundaryEvent",
    "textAnnotation",
    "association",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "extensionElements",
    "documentation",
    "laneSet",
    "ioSpecification",
    "property",
    "dataInputAssociation",
    "dataOutputAssociation",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "incoming",
    "outgoing",
    "group",
    "category",
}


def implicit_subprocess_starts(root: etree._Element, report: Report) -> None:
    """A subprocess drawn without a start event starts all its nodes that have no incoming flow."""
    taken = _all_ids(root)
    for sub in list(root.iter(q("subProcess"), q("transaction"))):
        if sub.get("triggeredByEvent") == "true" or sub.find(q("startEvent")) is not None:
            continue
        targets = {f.get("targetRef") for f in sub.findall(q("sequenceFlow"))}
        heads = [
            el
            for el in sub
            if isinstance(el.tag, str)
            and local(el) not in _NOT_STARTABLE
            and el.get("id")
            and el.get("id") not in targets
            and el.get("isForCompensation") != "true"
            and el.get("triggeredByEvent") != "true"
        ]
        if not heads:
            report(
                sub,
                "subprocess has no content: nothing in it could run",
                "Draw the subprocess's steps (from a start event), or make it a task.",
            )
            continue
        start = etree.Element(q("startEvent"), id=fresh_id(taken, f"{sub.get('id')}_start"))
        sub.insert(
            len(
                [
                    c
                    for c in sub
                    if local(c) in {"documentation", "extensionElements", "incoming", "outgoing"}
                ]
            ),
            start,
        )
        for head in heads:
            flow = etree.SubElement(sub, q("sequenceFlow"))
            flow.set("id", fresh_id(taken, f"{start.get('id')}_to_{head.get('id')}"))
            flow.set("sourceRef", start.get("id", ""))
            flow.set("targetRef", head.get("id", ""))
        report(
            sub,
            "subprocess has no start event: it starts at "
            + ", ".join(f"'{h.get('id')}'" for h in heads),
            "Draw a start event in the subprocess.",
            "warning",
        )


def iter_processes(root: etree._Element) -> Iterator[etree._Element]:
    """Every process element of a document."""
    yield from root.iter(q("process"))
