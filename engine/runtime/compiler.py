"""Compile a procedure bundle (BPMN, DMN, forms) into a spec, or refuse it with located problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.domain.errors import ModelProblem
from engine.runtime import dmn
from engine.runtime.columns import with_columns
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.dialects import normalize
from engine.runtime.lint import lane_map, lint_bundle, lint_process
from engine.runtime.modeller_slips import repair_slips
from engine.runtime.properties import element_properties, form_fields
from engine.runtime.serializer import StateCodec
from engine.runtime.spiff_config import MotcuaBpmnParser
from engine.runtime.xml import XmlRejectedError, parse_xml
from engine.runtime.xsd import validate_bpmn, validate_dmn

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class CompiledProcess:
    """The result of a successful compile: the process id, its name and the spec JSON."""

    process_id: str
    process_name: str
    spec_json: str
    elements: dict[str, dict[str, object]] = field(default_factory=dict)
    warnings: list[ModelProblem] = field(default_factory=list)


@dataclass
class _Document:
    name: str
    root: etree._Element

    def line_of(self, element_id: str) -> int | None:
        found = self.root.xpath("//*[@id=$i]", i=element_id)
        return found[0].sourceline if found else None


def _executable_process_ids(docs: list[_Document]) -> list[tuple[str, str, _Document]]:
    result = []
    for doc in docs:
        for proc in doc.root.iter(f"{{{BPMN_NS}}}process"):
            if proc.get("isExecutable", "true").lower() != "false":
                result.append((proc.get("id", ""), proc.get("name", ""), doc))
    return result


def parse_documents(
    files: Mapping[str, bytes],
) -> tuple[list[_Document], list[_Document], list[ModelProblem]]:
    """Parse every .bpmn and .dmn file safely; return BPMN docs, DMN docs and problems."""
    bpmn: list[_Document] = []
    dmn: list[_Document] = []
    problems: list[ModelProblem] = []
    for name in sorted(files):
        if not name.endswith((".bpmn", ".bpmn20.xml", ".dmn")):
            continue
        try:
            root = parse_xml(files[name])
        except XmlRejectedError as exc:
            problems.append(
                ModelProblem(
                    exc.message,
                    file=name,
                    line=exc.line,
                    column=exc.column,
                    fix="Save the model again from the modeller; the file is damaged or unsafe.",
                )
            )
            continue
        (dmn if name.endswith(".dmn") else bpmn).append(_Document(name, root))
    return bpmn, dmn, problems


def _prepare(
    bpmn_docs: list[_Document],
    dmn_docs: list[_Document],
    connectors: ConnectorRegistry | None,
) -> tuple[list[_Document], list[ModelProblem]]:
    """XSD-check the originals (the modeller's known slips repaired first, as warnings), then
    rewrite every dialect into Spiff BPMN; DMN split per decision."""
    problems: list[ModelProblem] = []
    for doc in bpmn_docs:
        problems.extend(repair_slips(doc.name, doc.root))
        problems.extend(validate_bpmn(doc.root, doc.name))
        problems.extend(normalize(doc.name, doc.root, connectors))
    requires: dict[str, list[str]] = {}
    table_outputs: dict[str, tuple[list[str], str]] = {}
    split: list[_Document] = []
    for doc in dmn_docs:
        problems.extend(validate_dmn(doc.root, doc.name))
        requires.update(dmn.required_decisions(doc.root))
        table_outputs.update(dmn.outputs(doc.root))
        parts, dmn_problems = dmn.split_decisions(doc.name, doc.root)
        problems.extend(dmn_problems)
        split.extend(_Document(doc.name, part) for part in parts)
    for doc in bpmn_docs:
        dmn.wire_business_rules(doc.root, requires, table_outputs)
    return split, problems


def _parse(
    bpmn_docs: list[_Document], dmn_docs: list[_Document], process_id: str
) -> tuple[Any, dict[str, Any], list[ModelProblem]]:
    parser = MotcuaBpmnParser()
    current = bpmn_docs[0]
    try:
        for doc in bpmn_docs:
            current = doc
            parser.add_bpmn_xml(doc.root, filename=doc.name)
        for doc in dmn_docs:
            current = doc
            parser.add_dmn_xml(doc.root, filename=doc.name)
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id), []
    except ValidationException as exc:
        element_id = getattr(exc, "id", "") or ""
        file_name = getattr(exc, "file_name", "") or current.name
        doc = next((d for d in bpmn_docs + dmn_docs if d.name == file_name), current)
        line = exc.line_number if isinstance(exc.line_number, int) else None
        message = str(exc).splitlines()[0]
        return (
            None,
            {},
            [
                ModelProblem(
                    message,
                    file=file_name,
                    line=line or (doc.line_of(element_id) if element_id else None),
                    element_id=element_id,
                    fix=_fix_for(message),
                )
            ],
        )
    except Exception as exc:  # the library raises KeyError/TypeError on some malformed models
        return (
            None,
            {},
            [
                ModelProblem(
                    f"the model cannot be parsed: {type(exc).__name__}: {exc}",
                    file=current.name,
                    fix="Check references between elements (messages, errors, called processes).",
                )
            ],
        )


def _fix_for(message: str) -> str:
    if "Unsupported" in message or "no support" in message.lower():
        return "Replace the element with a supported one (see docs/modelling.md)."
    if "No DMN" in message:
        return "Add the DMN file defining that decision to the bundle, or fix the decision id."
    return "Correct the element in the modeller; the engine cannot run it as drawn."


def compile_process(
    files: Mapping[str, bytes],
    process_id: str | None,
    lane_roles: Mapping[str, str] | None = None,
    connectors: ConnectorRegistry | None = None,
) -> tuple[CompiledProcess | None, list[ModelProblem]]:
    """Parse and check the bundle; return the compiled process (or None) and every problem found.

    Models from any modeller (Camunda, Flowable, Zeebe, SpiffArena, plain BPMN 2.0) are accepted:
    they are XSD-checked as written (SpiffArena's two known schema slips repaired first, see
    modeller_slips.py), rewritten into Spiff BPMN (dialects.py), linted, parsed. Every problem
    at a line gets the column of its element's tag there.
    """
    compiled, problems = _compile(files, process_id, lane_roles, connectors)
    return compiled, with_columns(problems, files)


def _compile(
    files: Mapping[str, bytes],
    process_id: str | None,
    lane_roles: Mapping[str, str] | None,
    connectors: ConnectorRegistry | None,
) -> tuple[CompiledProcess | None, list[ModelProblem]]:
    bpmn_docs, dmn_docs, problems = parse_documents(files)
    if not bpmn_docs and not problems:
        problems.append(
            ModelProblem("the bundle holds no .bpmn file", fix="Add the procedure's .bpmn file.")
        )
    if problems:
        return None, problems

    processes = _executable_process_ids(bpmn_docs)
    if process_id is None:
        if len(processes) != 1:
            names = ", ".join(p[0] for p in processes) or "none"
            problems.append(
                ModelProblem(
                    f"cannot tell which process to run: executable processes found: {names}",
                    file=bpmn_docs[0].name,
                    fix='Name it in procedure.json as "process_id".',
                )
            )
            return None, problems
        process_id = processes[0][0]
    owner = next((p for p in processes if p[0] == process_id), None)
    if owner is None:
        problems.append(
            ModelProblem(
                f"process '{process_id}' is not in the bundle (or is not executable)",
                file=bpmn_docs[0].name,
                fix="Check the process id in the modeller and procedure.json, and tick 'Executable'.",
            )
        )
        return None, problems

    dmn_docs, prepare_problems = _prepare(bpmn_docs, dmn_docs, connectors)
    problems.extend(prepare_problems)
    for doc in bpmn_docs:
        problems.extend(lint_process(doc.name, doc.root, files, lane_roles))
    problems.extend(lint_bundle([(d.name, d.root) for d in bpmn_docs], process_id))
    if any(p.severity == "error" for p in problems):
        return None, problems

    spec, subprocess_specs, parse_problems = _parse(bpmn_docs, dmn_docs, process_id)
    problems.extend(parse_problems)
    if spec is None:
        return None, problems

    spec_json = StateCodec().dump_specs(spec, subprocess_specs)
    warnings = [p for p in problems if p.severity != "error"]
    elements = collect_elements(bpmn_docs, files)
    return CompiledProcess(
        process_id, owner[1] or process_id, spec_json, elements, warnings
    ), problems


def collect_elements(
    docs: list[_Document], files: Mapping[str, bytes] | None = None
) -> dict[str, dict[str, object]]:
    """Per element id: tag, name, lane and properties, read from the XML (any dialect)."""
    elements: dict[str, dict[str, object]] = {}
    for doc in docs:
        for process in doc.root.iter(f"{{{BPMN_NS}}}process"):
            lanes = lane_map(process)
            for el in process.iter():
                if not isinstance(el.tag, str) or not el.get("id"):
                    continue
                tag = etree.QName(el).localname
                if tag in {"sequenceFlow", "lane", "laneSet", "conditionExpression"}:
                    continue
                record: dict[str, object] = {
                    "tag": tag,
                    "name": el.get("name", ""),
                    "lane": lanes.get(el.get("id"), ""),
                    "properties": element_properties(el, files),
                    "documentation": (el.findtext(f"{{{BPMN_NS}}}documentation") or "").strip(),
                }
                fields = form_fields(el)
                if fields:
                    record["form_fields"] = fields
                elements[el.get("id")] = record
    return elements
