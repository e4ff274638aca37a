"""DMN decision tables from any modeller into what the library's DMN engine evaluates (Python).

The library parses one decision per file and evaluates entries as Python. `split_decisions` gives
each decision of a multi-decision file (a DRD) its own document, and translates FEEL unary tests
(`"a","b"`, `[1..10]`, `not("x")`, `true`) and JUEL inputs into Python. `required_decisions`
lets the compiler evaluate a decision's required decisions first.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime.dialect_tools import add_script
from engine.runtime.juel import UntranslatableError, is_foreign, to_python

_RANGE = re.compile(r"^([\[\]\(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\[\]\)])$")
_STRINGS_OUTSIDE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_LITERALS = {"true": "True", "false": "False", "null": "None"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _split_list(text: str) -> list[str]:
    parts, depth, current, quote = [], 0, "", ""
    for ch in text:
        if quote:
            current += ch
            quote = "" if ch == quote else quote
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts


def _value(text: str) -> str:
    stripped = text.strip()
    if stripped in _LITERALS:
        return _LITERALS[stripped]
    return to_python(stripped) if is_foreign(stripped) else stripped


def unary_test(text: str | None) -> str | None:
    """Python match text for one FEEL unary test (the library fills in the input expression)."""
    stripped = (text or "").strip()
    if stripped in {"", "-"}:
        return stripped or None
    if stripped.startswith("not(") and stripped.endswith(")"):
        inner = unary_test(stripped[4:-1])
        return f"not ({_as_question(inner)})" if inner else None
    parts = _split_list(stripped)
    if len(parts) > 1:
        tests = [unary_test(p) or "True" for p in parts]
        return " or ".join(f"({_as_question(t)})" for t in tests)
    match = _RANGE.match(stripped)
    if match:
        low_op = "<=" if match.group(1) == "[" else "<"
        high_op = "<=" if match.group(4) == "]" else "<"
        return f"{_value(match.group(2))} {low_op} ? {high_op} {_value(match.group(3))}"
    return _value(stripped)


def _as_question(test: str) -> str:
    if "?" in _STRINGS_OUTSIDE.sub("", test):
        return test
    if test.startswith(("<", ">", "!=", "==", "not ", "in ")):
        return f"? {test}"
    return f"? == {test}"


def _translate_table(doc_name: str, decision: etree._Element) -> list[ModelProblem]:
    problems: list[ModelProblem] = []
    for el in decision.iter():
        name = _local(el)
        if name not in {"inputEntry", "outputEntry", "inputExpression"}:
            continue
        text_el = next((c for c in el if _local(c) == "text"), None)
        if text_el is None:
            continue
        try:
            if name == "inputEntry":
                text_el.text = unary_test(text_el.text)
            else:
                text_el.text = _value(text_el.text or "") if (text_el.text or "").strip() else ""
        except UntranslatableError as exc:
            problems.append(
                ModelProblem(
                    f"decision entry '{(text_el.text or '').strip()}' cannot be evaluated: {exc}",
                    file=doc_name,
                    line=text_el.sourceline,
                    element_id=el.get("id", ""),
                    fix='Use simple tests: values, comparisons, ranges [a..b], lists "a","b".',
                )
            )
    return problems


def split_decisions(
    doc_name: str, root: etree._Element
) -> tuple[list[etree._Element], list[ModelProblem]]:
    """One document per decision table of a DMN file, translated; other decisions dropped."""
    decisions = [d for d in root if _local(d) == "decision"]
    documents, problems = [], []
    for index, decision in enumerate(decisions):
        if not any(_local(c) == "decisionTable" for c in decision):
            continue  # literal expressions and other decision logic are not supported
        clone = copy.deepcopy(root)
        for other_index, other in enumerate([d for d in clone if _local(d) == "decision"]):
            if other_index != index:
                clone.remove(other)
        for extra in [c for c in clone if _local(c) in {"dmnDI", "inputData", "knowledgeSource"}]:
            clone.remove(extra)
        own = next(d for d in clone if _local(d) == "decision")
        for requirement in [c for c in own if _local(c) != "decisionTable"]:
            if _local(requirement) in {"informationRequirement", "authorityRequirement"}:
                own.remove(requirement)
        problems.extend(_translate_table(doc_name, own))
        documents.append(clone)
    return documents, problems


def required_decisions(root: etree._Element) -> dict[str, list[str]]:
    """Decision id -> ids of the decisions it requires (DRD), for every decision of a file."""
    found: dict[str, list[str]] = {}
    for decision in root:
        if _local(decision) != "decision":
            continue
        refs = []
        for req in decision.iter():
            if _local(req) == "requiredDecision" and req.get("href", "").startswith("#"):
                refs.append(req.get("href", "")[1:])
        found[decision.get("id", "")] = refs
    return found


def outputs(root: etree._Element) -> dict[str, tuple[list[str], str]]:
    """Decision id -> (output names, hit policy) for every decision table of a file."""
    found: dict[str, tuple[list[str], str]] = {}
    for decision in root:
        if _local(decision) != "decision":
            continue
        table = next((c for c in decision if _local(c) == "decisionTable"), None)
        if table is None:
            continue
        names = [o.get("name") or o.get("label") or "" for o in table if _local(o) == "output"]
        found[decision.get("id", "")] = (names, (table.get("hitPolicy") or "UNIQUE").upper())
    return found


def result_script(variable: str, mapping: str, names: list[str], policy: str) -> str:
    """Python that stores a decision's result the Camunda way (`mapDecisionResult`)."""
    collect = policy == "COLLECT"
    row = "{" + ", ".join(f"{n!r}: {n}" for n in names) + "}"
    if mapping == "singleEntry" and len(names) == 1:
        return f"{variable} = {names[0]}"
    if mapping == "collectEntries" and len(names) == 1:
        return f"{variable} = {names[0]}" if collect else f"{variable} = [{names[0]}]"
    if mapping == "singleResult":
        return f"{variable} = {row}"
    if collect and names:
        items = ", ".join(f"{n!r}: v{i}" for i, n in enumerate(names))
        loop = ", ".join(f"v{i}" for i in range(len(names)))
        return f"{variable} = [{{{items}}} for {loop} in zip({', '.join(names)})]"
    return f"{variable} = [{row}]"


BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MOTCUA = "urn:motcua:bpmn"


def _called(task: etree._Element) -> etree._Element | None:
    return task.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}calledDecisionId")


def _chain_before(task: etree._Element, decision: str, taken: set[str]) -> None:
    """Insert a business rule task evaluating `decision` just before `task`."""
    parent = task.getparent()
    new_id = f"{task.get('id')}_{decision}"
    while new_id in taken:
        new_id += "_"
    taken.add(new_id)
    new = etree.Element(f"{{{BPMN}}}businessRuleTask", id=new_id, name=decision)
    ext = etree.SubElement(new, f"{{{BPMN}}}extensionElements")
    etree.SubElement(ext, f"{{{SPIFF}}}calledDecisionId").text = decision
    parent.insert(parent.index(task), new)
    for flow in parent.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.get("targetRef") == task.get("id"):
            flow.set("targetRef", new_id)
    link = etree.SubElement(parent, f"{{{BPMN}}}sequenceFlow")
    link.set("id", f"{new_id}_flow")
    link.set("sourceRef", new_id)
    link.set("targetRef", task.get("id", ""))


def _requirement_order(decision: str, requires: dict[str, list[str]]) -> list[str]:
    """The decisions `decision` needs, deepest first, each once (cycles ignored)."""
    order: list[str] = []

    def visit(current: str, seen: tuple[str, ...]) -> None:
        for req in requires.get(current, []):
            if req not in seen and req not in order:
                visit(req, (*seen, current))
                order.append(req)

    visit(decision, ())
    return order


def wire_business_rules(
    root: etree._Element,
    requires: dict[str, list[str]],
    table_outputs: dict[str, tuple[list[str], str]],
) -> None:
    """Evaluate required decisions first (DRD) and store results the Camunda way."""
    taken = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for task in list(root.iter(f"{{{BPMN}}}businessRuleTask")):
        called = _called(task)
        if called is None:
            continue
        decision = (called.text or "").strip()
        order = _requirement_order(decision, requires)
        for required in order:
            _chain_before(task, required, taken)
        variable = task.get(f"{{{MOTCUA}}}resultVariable")
        if variable and decision in table_outputs:
            names, policy = table_outputs[decision]
            mapping = task.get(f"{{{MOTCUA}}}decisionResult") or "resultList"
            script = result_script(variable, mapping, names, policy)
            # First: the task's own post-script and output mappings read the result variable.
            add_script(task, "postScript", [script], first=True)
