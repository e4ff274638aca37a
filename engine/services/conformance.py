"""Conformance: deploy and run every executable process of a corpus of real models, and count.

Each executable process ends in exactly one outcome: `ran` (deployed and driven to its end),
`refused` (refused at deploy with a located problem), `failed` (a clean run-time error),
`hung` (step/time bound hit, or waiting for something nobody sends), `silent` (it "completed"
although every path to an end passes a user task it never stopped at), or `crashed` (anything
raised out of the engine: a bug). The goal is zero crashed, hung and silent.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from engine.runtime.compiler import compile_process
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.driver import drive
from engine.runtime.instance import LoadedModel
from engine.runtime.xml import XmlRejectedError, parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MODEL_SUFFIXES = (".bpmn", ".bpmn20.xml")
SIDE_SUFFIXES = (".dmn", ".json", ".form")
OUTCOMES = ("ran", "refused", "failed", "crashed", "hung", "silent")
HUMAN = {"userTask", "manualTask"}


@dataclass
class ProcessResult:
    """The outcome of one executable process."""

    file: str
    process_id: str
    outcome: str
    detail: str = ""
    human_tasks: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    """Totals and per-process results."""

    processes: list[ProcessResult] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        """Counts per outcome, plus `executable` (all of them)."""
        counts = Counter(p.outcome for p in self.processes)
        return {"executable": len(self.processes), **{o: counts.get(o, 0) for o in OUTCOMES}}

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `motcua conformance --json`."""
        return {"totals": self.totals, "processes": [asdict(p) for p in self.processes]}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _executable(root: etree._Element) -> list[etree._Element]:
    return [
        p
        for p in root.iter(f"{{{BPMN}}}process")
        if p.get("isExecutable", "true").lower() != "false"
    ]


def _defined_and_called(root: etree._Element) -> tuple[set[str], set[str]]:
    defined = {p.get("id", "") for p in root.iter(f"{{{BPMN}}}process")}
    called = {c.get("calledElement", "") for c in root.iter(f"{{{BPMN}}}callActivity")}
    return defined, called


def _side_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for side in sorted(folder.rglob("*")):
        if side.is_file() and side.name.endswith(SIDE_SUFFIXES) and side.stat().st_size < 2**20:
            files[side.relative_to(folder).as_posix()] = side.read_bytes()
    return files


def bundle_for(path: Path, root_dir: Path) -> dict[str, bytes]:
    """The file, the decision tables and forms beside it, and the files defining what it calls.

    A called process found in another folder brings the forms and tables of its own folder, as a
    procedure folder would hold them (never replacing a file of the same name).
    """
    folder = path.parent
    files = {path.name: path.read_bytes(), **_side_files(folder)}
    try:
        defined, wanted = _defined_and_called(parse_xml(files[path.name]))
    except XmlRejectedError:
        return files
    wanted -= defined
    nearby = sorted(folder.iterdir())
    candidates = nearby + [p for p in _model_files(root_dir) if p not in nearby]
    added = True
    while wanted and added:  # until no file defines a process still called and not defined
        added = False
        for other in candidates:
            if not wanted or other == path or not other.name.endswith(MODEL_SUFFIXES):
                continue
            if other.name in files:
                continue
            try:
                other_defined, other_calls = _defined_and_called(parse_xml(other.read_bytes()))
            except XmlRejectedError:
                continue
            if other_defined & wanted and not other_defined & defined:
                files[other.name] = other.read_bytes()
                if other.parent != folder:
                    for name, content in _side_files(other.parent).items():
                        files.setdefault(name, content)
                defined |= other_defined
                wanted = (wanted | other_calls) - defined
                added = True
    return files


def must_stop(process: etree._Element) -> bool:
    """True when every path from a start event to an end event passes a user or manual task."""
    targets: dict[str, list[str]] = {}
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        targets.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    nodes = {el.get("id", ""): el for el in process if el.get("id")}
    attached: dict[str, list[str]] = {}
    for el in process:
        if _local(el) == "boundaryEvent":
            attached.setdefault(el.get("attachedToRef", ""), []).append(el.get("id", ""))
    has_human = any(_local(el) in HUMAN for el in nodes.values())
    stack = [i for i, el in nodes.items() if _local(el) == "startEvent"]
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if node in seen or node not in nodes:
            continue
        seen.add(node)
        if _local(nodes[node]) in HUMAN:
            continue
        if _local(nodes[node]) == "endEvent":
            return False
        stack.extend(targets.get(node, []) + attached.get(node, []))
    return has_human and bool(seen)


def _run_one(file: str, files: Mapping[str, bytes], process: etree._Element) -> ProcessResult:
    process_id = process.get("id", "")
    compiled, problems = compile_process(
        files, process_id, connectors=ConnectorRegistry(accept_any=True)
    )
    if compiled is None:
        errors = [p for p in problems if p.severity == "error"]
        return ProcessResult(file, process_id, "refused", str(errors[0]) if errors else "")
    model = LoadedModel.from_json("conformance", compiled.spec_json, compiled.elements)
    result = drive(model, files)
    outcome = {"completed": "ran"}.get(result.outcome, result.outcome)
    if outcome == "ran" and not result.human_tasks and must_stop(process):
        outcome = "silent"
    return ProcessResult(file, process_id, outcome, result.detail, len(result.human_tasks))


def _model_files(root_dir: Path) -> Iterator[Path]:
    if root_dir.is_file():
        yield root_dir
        return
    for path in sorted(root_dir.rglob("*")):
        if path.is_file() and path.name.endswith(MODEL_SUFFIXES):
            yield path


def run_conformance(root_dir: str | Path) -> Report:
    """Deploy and drive every executable process found under root_dir."""
    base = Path(root_dir)
    report = Report()
    for path in _model_files(base):
        rel = path.relative_to(base if base.is_dir() else base.parent).as_posix()
        try:
            root = parse_xml(path.read_bytes())
        except XmlRejectedError as exc:
            where = f"{rel}:{exc.line}" if exc.line else rel
            report.processes.append(ProcessResult(rel, "", "refused", f"{where}: {exc.message}"))
            continue
        files = bundle_for(path, base)
        for process in _executable(root):
            began = time.monotonic()
            try:
                result = _run_one(path.name, files, process)
            except Exception as exc:  # a crash is exactly what conformance must find
                tail = traceback.format_exc(limit=-2).strip().splitlines()[-1]
                result = ProcessResult(rel, process.get("id", ""), "crashed", f"{exc!r} {tail}")
            result.file = rel
            result.seconds = round(time.monotonic() - began, 3)
            report.processes.append(result)
    return report
