"""One parser for every dialect: rewrite Camunda, Flowable, Zeebe and plain BPMN into Spiff BPMN.

`normalize` runs before the SpiffWorkflow parser, on the lxml tree of one .bpmn file. It turns
vendor extensions into what the Spiff parser understands (JUEL/FEEL into Python, `decisionRef`
into `calledDecisionId`, service task bindings into connector operators, `camunda:collection` into
loop data references, Camunda and Zeebe input/output mappings into pre/post scripts) and rewrites
modeller idioms (idioms.py). What cannot run is reported as an error naming the element, never
dropped.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from typing import cast

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime import idioms
from engine.runtime.connectors import ConnectorRegistry, binding_key, result_variable
from engine.runtime.cron import CronError, looks_like_cron, to_croniter
from engine.runtime.dialect_tools import Reporter, spiff_child, translate, vendor
from engine.runtime.dmn import MOTCUA
from engine.runtime.idioms import REPORTED, local, q
from engine.runtime.io_mappings import io_mappings
from engine.runtime.juel import is_foreign
from engine.runtime.properties import CAMUNDA, FLOWABLE, SPIFF, ZEEBE
from engine.runtime.scripting import normalize_timer_expression
from engine.runtime.service_task import MERGE_RESULT
from engine.runtime.zeebe_io import zeebe_io_mappings

_PYTHON_LANGUAGES = {"", "python", "text/x-python", "http://www.python.org/"}
_EXPRESSION_TAGS = ("conditionExpression", "completionCondition", "loopCardinality", "condition")
_SERVICE_LIKE = ("serviceTask", "sendTask", "businessRuleTask")


def _expressions(root: etree._Element, report: Reporter) -> None:
    for el in root.iter(*(q(t) for t in _EXPRESSION_TAGS)):
        language = (el.get("language") or "").lower()
        if (
            language not in _PYTHON_LANGUAGES
            and language not in {"juel", "feel"}
            and not (language.endswith("juel") or "feel" in language)
        ):
            report(
                el,
                f"expression language '{language}' is not supported",
                "Write the condition as a simple comparison over case data.",
            )
            continue
        text = el.text or ""
        if "feel" in language and text.strip() and not is_foreign(text):
            text = "=" + text.strip()
        if is_foreign(text):
            python = translate(text, el, "expression", report)
            if python is not None:
                el.text = python
            else:
                el.set(REPORTED, "true")


def _timers(root: etree._Element, report: Reporter) -> None:
    for definition in root.iter(q("timerEventDefinition")):
        if not any(local(c) in {"timeDate", "timeDuration", "timeCycle"} for c in definition):
            report(
                definition,
                "timer has no date, duration or cycle",
                "Set the timer's type and value in the modeller (e.g. duration P3D).",
            )
    for el in root.iter(q("timeDate"), q("timeDuration"), q("timeCycle")):
        text = (el.text or "").strip()
        if not text:
            report(el, "timer has no value", "Enter a date, a duration (P3D) or a cycle (R3/PT1H).")
            continue
        if is_foreign(text):
            python = translate(text, el, "timer", report)
            if python is None:
                el.set(REPORTED, "true")
                continue
            text = python
        if local(el) == "timeCycle" and looks_like_cron(text) and not text.startswith(("'", '"')):
            try:
                to_croniter(text)
            except CronError as exc:
                report(el, str(exc), "Write the cycle in ISO-8601 (R/P1D) or with day names.")
                el.set(REPORTED, "true")
                continue
            el.text = repr(text)  # the cycle timer reads the string as Quartz cron
            continue
        duration = _timedelta_duration(text) if local(el) == "timeDuration" else None
        if duration is not None and duration.startswith("-"):
            report(
                el, f"timer duration '{text}' is negative", "Give the timer a positive duration."
            )
            el.set(REPORTED, "true")
            continue
        if duration is not None:
            report(
                el,
                f"timer duration '{text}' runs as the ISO-8601 duration '{duration}'",
                f"Write the duration as {duration}.",
                "warning",
            )
            text = duration
        el.text = normalize_timer_expression(text)


_TIMEDELTA_UNITS = {"weeks", "days", "hours", "minutes", "seconds", "milliseconds"}


def _timedelta_duration(text: str) -> str | None:
    """ISO-8601 for a constant `timedelta(minutes=5)` as SpiffWorkflow examples write it, else None."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    func = tree.func if isinstance(tree, ast.Call) else None
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name != "timedelta" or not isinstance(tree, ast.Call) or len(tree.args) > 1:
        return None
    amounts = {"days": tree.args[0]} if tree.args else {}
    for keyword in tree.keywords:
        if keyword.arg not in _TIMEDELTA_UNITS or keyword.arg in amounts:
            return None
        amounts[keyword.arg] = keyword.value
    values: dict[str, float] = {}
    for unit, node in amounts.items():
        sign = 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sign, node = -1, node.operand
        if not isinstance(node, ast.Constant) or type(node.value) not in (int, float):
            return None
        values[unit] = sign * cast(float, node.value)  # an int or a float, checked above
    try:
        delta = timedelta(**values)
    except (OverflowError, ValueError):
        return None
    if delta < timedelta(0):
        return "-" + _seconds_duration(-delta)
    return _seconds_duration(delta)


def _seconds_duration(delta: timedelta) -> str:
    seconds = delta.seconds + delta.microseconds / 1_000_000
    clock = f"{seconds:g}" if seconds != int(seconds) else str(int(seconds))
    return f"P{delta.days}DT{clock}S" if delta.days else f"PT{clock}S"


def _services(root: etree._Element, connectors: ConnectorRegistry, report: Reporter) -> None:
    for el in list(root.iter(*(q(t) for t in _SERVICE_LIKE))):
        kind = local(el)
        key = binding_key(el)
        if kind == "businessRuleTask" and (
            vendor(el, "decisionRef") or el.find(f".//{{{SPIFF}}}calledDecisionId") is not None
        ):
            continue
        if kind == "sendTask" and (el.get("messageRef") or not key):
            continue  # a message send; a bare send task throws nothing and just completes
        if not key:
            if kind == "businessRuleTask":
                report(
                    el,
                    "business rule task names no decision table",
                    "Set the decision reference (camunda:decisionRef) to a DMN decision id.",
                )
            else:
                report(
                    el,
                    "service task is bound to no connector and would wait for ever",
                    "Choose a registered connector (operator, topic or type) in the modeller.",
                )
            continue
        if not connectors.knows(key):
            report(
                el,
                f"service task is bound to '{key}', which is not a registered connector",
                "Register the connector in motcua or bind the task to a registered one.",
            )
            continue
        existing = el.find(f"{q('extensionElements')}/{{{SPIFF}}}serviceTaskOperator")
        if existing is None:
            operator = spiff_child(el, "serviceTaskOperator")
            operator.set("id", key)
            etree.SubElement(operator, f"{{{SPIFF}}}parameters")
            # The answer is the variables the worker sets, unless the task names one to hold it.
            operator.set("resultVariable", result_variable(el) or MERGE_RESULT)
        if kind != "serviceTask":
            el.tag = q("serviceTask")


def _business_rules(root: etree._Element, report: Reporter) -> None:
    for el in root.iter(q("businessRuleTask")):
        ref = vendor(el, "decisionRef")
        if ref and el.find(f".//{{{SPIFF}}}calledDecisionId") is None:
            if is_foreign(ref):
                report(
                    el,
                    f"decision reference '{ref}' is an expression",
                    "Name the decision id literally.",
                )
                continue
            spiff_child(el, "calledDecisionId", ref)
            el.set(f"{{{MOTCUA}}}decisionResult", vendor(el, "mapDecisionResult") or "resultList")
            if vendor(el, "resultVariable"):
                el.set(f"{{{MOTCUA}}}resultVariable", vendor(el, "resultVariable"))


def _zeebe_script(el: etree._Element, report: Reporter) -> None:
    """Zeebe's `<zeebe:script expression="=..." resultVariable="x"/>` as the script `x = ...`."""
    script = el.find(f"{q('extensionElements')}/{{{ZEEBE}}}script")
    if script is None or (el.findtext(q("script")) or "").strip():
        return
    variable = (script.get("resultVariable") or "").strip()
    expression = (script.get("expression") or "").strip()
    if not variable.isidentifier() or variable.startswith("_"):
        report(
            el,
            f"script result variable '{variable}' is not a variable name",
            "Name the variable the expression's value goes to.",
        )
        el.set(REPORTED, "true")
        return
    text = expression if is_foreign(expression) else "=" + expression
    python = translate(text, el, "script expression", report)
    if python is None:
        el.set(REPORTED, "true")
    else:
        etree.SubElement(el, q("script")).text = f"{variable} = ({python})"


def _scripts(root: etree._Element, report: Reporter) -> None:
    for el in root.iter(q("scriptTask")):
        _zeebe_script(el, report)
        if not (el.findtext(q("script")) or "").strip() and not el.get(REPORTED):
            report(
                el,
                "script task has no script",
                "Write the script in the task, or make it a plain task.",
            )
            continue
        fmt = (el.get("scriptFormat") or "").strip().lower()
        if fmt not in _PYTHON_LANGUAGES:
            report(
                el,
                f"script language '{fmt}' is not supported",
                "Rewrite the script in Python (the restricted subset), or use a connector.",
            )
        elif vendor(el, "resource"):
            report(
                el,
                "external script resources are not supported",
                "Put the script's text in the task itself.",
            )
        if vendor(el, "resultVariable"):
            report(
                el,
                "a script result variable is not supported",
                "Assign the variable inside the script.",
            )


def _multi_instance(root: etree._Element, report: Reporter) -> None:
    for mi in root.iter(q("multiInstanceLoopCharacteristics")):
        collection = vendor(mi, "collection")
        has_card = mi.find(q("loopCardinality")) is not None
        has_input = mi.find(q("loopDataInputRef")) is not None
        zeebe = mi.find(f".//{{{ZEEBE}}}loopCharacteristics")
        if zeebe is not None and not collection:
            collection = (zeebe.get("inputCollection") or "").lstrip("=").strip()
            element = (zeebe.get("inputElement") or "").strip()
        else:
            element = vendor(mi, "elementVariable")
        if collection and not (has_card or has_input):
            if is_foreign(collection):
                collection = translate(collection, mi, "collection", report) or ""
            if not collection.isidentifier():
                report(
                    mi,
                    f"multi-instance collection '{collection}' is not a variable name",
                    "Name the list variable directly.",
                )
                continue
            ref = etree.Element(q("loopDataInputRef"))
            ref.text = collection
            mi.insert(0, ref)
            if element:
                # The library names the instance's variable after the item's id, not its name.
                item = etree.Element(q("inputDataItem"), id=element, name=element)
                mi.insert(1, item)
        elif not (has_card or has_input):
            report(
                mi,
                "multi-instance activity has neither a cardinality nor a collection",
                "Set the loop cardinality or the collection to iterate over.",
            )


def _listeners(root: etree._Element, report: Reporter) -> None:
    for ns in (CAMUNDA, FLOWABLE):
        for tag in ("executionListener", "taskListener"):
            for el in root.iter(f"{{{ns}}}{tag}"):
                report(
                    el,
                    f"{tag} is ignored: the engine runs no listener code",
                    "Model the side effect as a service or script task.",
                    "warning",
                )


def normalize(
    file: str, root: etree._Element, connectors: ConnectorRegistry | None = None
) -> list[ModelProblem]:
    """Rewrite one BPMN document in place into Spiff BPMN; return what was changed or refused."""
    report = Reporter(file, root)
    idioms.name_flows(root, report)
    idioms.rename_internal_ids(root, report)
    idioms.drop_data_stores(root, report)
    idioms.bind_io_to_data_objects(root, report)
    idioms.implicit_subprocess_starts(root, report)
    _expressions(root, report)
    _timers(root, report)
    _business_rules(root, report)
    _services(root, connectors or ConnectorRegistry(), report)
    _scripts(root, report)
    _multi_instance(root, report)
    io_mappings(root, report)
    zeebe_io_mappings(root, report)
    _listeners(root, report)
    idioms.split_implicit_forks(root, report)
    idioms.unconditioned_gateway_flows(root, report)
    return report.problems
