"""What the conformance driver gives a model that reads what nothing set.

At the start: the variables its conditions test (a value each branch can take), timers read as
a whole value, and the lists multi-instance activities iterate over, as a start form would bring
them. On the way: when a task fails reading a variable or a key nothing set, the value a start
form or the partner system would have given (`supply_missing`), and the task goes on (a failed
pre-script runs again first).
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.runtime import sample_data
from engine.runtime.instance import LoadedModel

START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
_MISSING = re.compile(r"name '(\w+)' is not defined|KeyError: '(\w+)'|no attribute or key '(\w+)'")


def _task_specs(model: LoadedModel) -> Iterator[Any]:
    """Every task spec of the model's process and of the processes it calls."""
    for spec in [model.spec, *model.subprocess_specs.values()]:
        yield from spec.task_specs.values()


def start_conditions(model: LoadedModel) -> list[str]:
    """Every condition, loop cardinality and conditional event of the model, as written."""
    texts = []
    for task_spec in _task_specs(model):
        for cond, _ in getattr(task_spec, "cond_task_specs", []) or []:
            text = getattr(cond, "args", [cond])[0]
            if isinstance(text, str):
                texts.append(text)
        for attr in ("condition", "cardinality"):
            value = getattr(task_spec, attr, None)
            if isinstance(value, str):
                texts.append(value)
        definition = getattr(task_spec, "event_definition", None)
        for item in getattr(definition, "event_definitions", [definition]):
            if type(item).__name__ == "ConditionalEventDefinition":
                expression = getattr(item, "expression", None)
                if isinstance(expression, str):
                    texts.append(expression)
    return texts


def timer_inputs(model: LoadedModel) -> dict[str, Any]:
    """Variables a timer reads as its whole value (e.g. ${reservationTime}): an ISO date."""
    found: dict[str, Any] = {}
    for task_spec in _task_specs(model):
        definition = getattr(task_spec, "event_definition", None)
        for item in getattr(definition, "event_definitions", [definition]):
            expression = getattr(item, "expression", None)
            if isinstance(item, TimerEventDefinition) and isinstance(expression, str):
                if expression.strip().isidentifier():
                    found[expression.strip()] = (START + timedelta(days=1)).isoformat()
    return found


def collection_inputs(model: LoadedModel) -> dict[str, Any]:
    """Lists multi-instance activities iterate over, as a start form would bring them."""
    found: dict[str, Any] = {}
    for task_spec in _task_specs(model):
        name = getattr(getattr(task_spec, "data_input", None), "bpmn_id", None)
        if isinstance(name, str) and name.isidentifier():
            found[name] = [1, 2]
    return found


def supply_missing(exc: WorkflowException, in_prescript: bool = False) -> bool:
    """Give a failed task the variable it missed, as a start form would have; True if done."""
    task = getattr(exc, "task", None)
    text = f"{exc} {exc.__cause__ or ''}"
    in_prescript = in_prescript or "Pre-Script" in text
    match = _MISSING.search(text)
    if task is None or match is None:
        return False
    name = match.group(1) or match.group(2) or match.group(3)
    if not match.group(1) and _supply_key(task, name):
        return True
    if name in task.data:
        return False
    collection = getattr(getattr(task.task_spec, "data_input", None), "bpmn_id", None)
    if name == collection:  # a multi-instance's input collection: a start form gives a list
        task.data[name] = [1, 2]
    else:
        code = [getattr(task.task_spec, a, None) for a in ("script", "prescript", "postscript")]
        sources = [c for c in code if isinstance(c, str) and c.strip()] or [text]
        guesses = [sample_data.guess_value(name, source) for source in sources]
        task.data[name] = next((g for g in guesses if g != 1), 1)
    _retry(task, in_prescript)
    return True


def _retry(task: Task, in_prescript: bool) -> None:
    """Make a failed task ready again; a pre-script that failed runs again first, as it would
    on the task's way to ready (its post-script reads what the pre-script set)."""
    if task.state != TaskState.ERROR:
        return
    prescript = getattr(task.task_spec, "prescript", None)
    if in_prescript and prescript:
        try:
            task.workflow.script_engine.execute(task, prescript)
        except WorkflowException as exc:
            if not supply_missing(exc, in_prescript=True):
                raise
            return  # the nested repair ran the pre-script and made the task ready
    task._set_state(TaskState.READY)


def _supply_key(task: Task, key: str) -> bool:
    """A script reads `response["key"]` (or `response.key`) from a dict a test connector or a
    message returned without it: the answer gets the key, as the real system's would have it."""
    code = [getattr(task.task_spec, a, None) for a in ("script", "prescript", "postscript")]
    for source in (c for c in code if isinstance(c, str) and c.strip()):
        try:
            tree = ast.parse(textwrap.dedent(source))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                holder, read = node.value, node.slice.value
            elif isinstance(node, ast.Attribute):
                holder, read = node.value, node.attr
            else:
                continue
            if read == key and isinstance(holder, ast.Name):
                target = task.data.get(holder.id)
                if isinstance(target, dict) and key not in target:
                    target[key] = sample_data.guess_value(key, source)
                    _retry(task, False)
                    return True
    return False
