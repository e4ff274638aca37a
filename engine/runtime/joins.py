"""Parallel, inclusive and end joins that wait for, and merge, the branches of their own firing.

SpiffWorkflow 3.2's joins (SpiffWorkflow/bpmn/specs/mixins/unstructured_join.py and the parallel and
inclusive gateway mixins) look at every task of the join's spec in the tree. In a process that
loops back in front of a split, the tree keeps the branches of earlier rounds, and the library

* merges data as "each arrival's whole data, the last to finish last" (`_run_hook`): the last
  branch's copy still holds the fork-time value of every key another branch wrote, so that key
  goes back to its old value, round after round (a reviewer's `b` stays 0 for ever);
* counts an earlier round's arrivals as arrivals of this round (`_check_threshold_unstructured`):
  the join fires when the first branch of a later round arrives, and again with the second.

Here a join sees only the arrivals of its own firing (an `Activation`: the branches that have not
passed the join since they parted), and merges them as process variables would merge: the data
at the fork, then every branch's changes in the order the branches finished, so the later branch
wins a key both changed, a key only one branch changed keeps that branch's value and a key a
branch deleted is deleted. A join task that fired has consumed its branches: they are neither
counted nor merged again (the library instead drops everything after that firing, which only
makes sense after a reset; motcua never resets a case).

The classes keep the library's type names, so specs stored before this module load into them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway as LibraryInclusiveGateway
from SpiffWorkflow.bpmn.specs.defaults import ParallelGateway as LibraryParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

SAME, EARLIER, LATER, OTHER = "same", "earlier", "later", "other"


class Activation:
    """One firing of a join: which tasks of the tree belong to the round that `join_task` closes."""

    def __init__(self, join_task: Task) -> None:
        self.task = join_task
        self.spec = join_task.task_spec
        self.chain: list[Task] = []  # the join task's ancestors, nearest first
        self.index: dict[Any, int] = {}
        self.fired_at: int | None = None  # chain index of this join's previous firing, if any
        node = join_task.parent
        while node is not None:
            self.index[node.id] = len(self.chain)
            if self.fired_at is None and node.task_spec is self.spec:
                self.fired_at = len(self.chain)
            self.chain.append(node)
            node = node.parent

    def place(self, task: Task) -> tuple[str, int]:
        """Where `task` stands: SAME firing, EARLIER (an ancestor), LATER (below the join) or
        OTHER (a path that passed this join since it parted from ours); and the chain index of
        the task where the two paths parted (-1 when they did not)."""
        if task is self.task:
            return SAME, -1
        node: Task | None = task
        passed = False
        while node is not None and node.id not in self.index:
            if node is self.task:
                return LATER, -1
            if node is not task and node.task_spec is self.spec:
                passed = True
            node = node.parent
        if node is None:
            return OTHER, -1
        at = self.index[node.id]
        if node is task:
            return EARLIER, at
        if passed or (self.fired_at is not None and self.fired_at < at):
            return OTHER, at
        return SAME, at

    def set_aside(self) -> list[Task]:
        """The other branches of this firing that reached the join and were set aside (cancelled)
        by a later arrival, in the order they finished."""
        found = [
            t
            for t in self.task.workflow.tasks.values()
            if t.task_spec is self.spec
            and t is not self.task
            and t.state == TaskState.CANCELLED
            and _arrived(t)
            and self.place(t)[0] == SAME
        ]
        return sorted(found, key=lambda t: (t.parent.last_state_change, t.last_state_change))

    def fork(self, arrivals: Iterable[Task]) -> Task:
        """The task where the arriving branches parted: the highest point where any left ours."""
        highest = max((self.place(t)[1] for t in arrivals), default=0)
        return self.chain[max(highest, 0)]


def _arrived(task: Task) -> bool:
    """True for a join task whose branch reached the join and that no firing consumed yet (a
    completed one fired: its branches are spent, whatever arrives later is another firing)."""
    parent = task.parent
    return (
        parent is not None
        and parent.state == TaskState.COMPLETED
        and task.state != TaskState.COMPLETED
    )


def merge_branches(base: dict[str, Any], branches: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The data at the fork with each branch's changes applied, earliest finished first."""
    merged = copy.deepcopy(base)
    for data in branches:
        _apply_changes(merged, base, data)
    return merged


def _apply_changes(target: dict[str, Any], base: dict[str, Any], branch: dict[str, Any]) -> None:
    for key in [k for k in base if k not in branch]:
        target.pop(key, None)  # the branch deleted it
    for key, value in branch.items():
        old = base.get(key)
        if key in base and old == value:
            continue  # unchanged by this branch: another branch's change stands
        current = target.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and isinstance(current, dict):
            _apply_changes(current, old, value)
        else:
            target[key] = copy.deepcopy(value)


def _merge_arrivals(my_task: Task) -> None:
    """Give the firing join task the merged data of every branch of its firing."""
    activation = Activation(my_task)
    arrivals = activation.set_aside()
    if not arrivals:
        my_task._inherit_data()
        return
    base = activation.fork(arrivals).data
    branches = [t.parent.data for t in arrivals] + [my_task.parent.data]
    my_task.data = merge_branches(base, branches)


def pending_arrivals(workflow: Any) -> set[Any]:
    """Ids of the branches that reached a join that has not fired yet and were set aside
    (cancelled) by a later arrival: the join still counts them and will merge their data."""
    ids: set[Any] = set()
    waiting = [
        t
        for t in workflow.tasks.values()
        if isinstance(t.task_spec, UnstructuredJoin) and t.state == TaskState.WAITING
    ]
    for join_task in waiting:
        ids.update(t.id for t in Activation(join_task).set_aside())
    return ids


def _first_waiting_ancestor(task: Task, inputs: set[Any]) -> Any:
    node: Task | None = task
    while node is not None:
        if node.task_spec in inputs:
            return node.task_spec
        node = node.parent
    return None


class ParallelGateway(LibraryParallelGateway):  # type: ignore[misc]
    """bpmn:parallelGateway: fires when every incoming flow has a token of this firing."""

    def _check_threshold_unstructured(self, my_task: Task) -> bool:
        activation = Activation(my_task)
        waiting_inputs = set(self.inputs)
        for task in list(my_task.workflow.tasks.values()):
            if task.task_spec is not self:
                continue
            where, _ = activation.place(task)
            if where == LATER:
                # The first round of a loop: that task is reached only after this join fires,
                # so do not wait for the input it comes through (as the library does).
                spec = _first_waiting_ancestor(task, waiting_inputs)
                waiting_inputs.discard(spec)
            elif where == SAME and _arrived(task):
                waiting_inputs.discard(task.parent.task_spec)
        return not waiting_inputs

    def _run_hook(self, my_task: Task) -> bool:
        _merge_arrivals(my_task)
        return True


class InclusiveGateway(LibraryInclusiveGateway):  # type: ignore[misc]
    """bpmn:inclusiveGateway: fires when no token of this firing can still reach it."""

    def _check_threshold_unstructured(self, my_task: Task) -> bool:
        # The library's rule (SpiffWorkflow/bpmn/specs/mixins/inclusive_gateway.py), applied to
        # the tasks of this firing instead of every task not below an instance of the join.
        activation = Activation(my_task)
        tasks, sources = [], []
        for task in my_task.workflow.tasks.values():
            if task.task_spec is self:
                if task.state != TaskState.COMPLETED and activation.place(task)[0] == SAME:
                    tasks.append(task)
            elif task.has_state(TaskState.READY | TaskState.WAITING):
                if activation.place(task)[0] in (SAME, EARLIER):
                    sources.append(task.task_spec)

        completed_inputs = {t.parent.task_spec for t in tasks if _arrived(t)}
        for task in tasks:
            parent = task.parent
            if (
                parent.has_state(TaskState.DEFINITE_MASK)
                and parent.task_spec not in completed_inputs
            ):
                return False

        waiting_inputs = [i for i in self.inputs if i not in completed_inputs]
        checked: list[Any] = []

        def check(spec: Any) -> Any:
            checked.append(spec)
            for parent in spec.inputs:
                if parent not in checked:
                    return parent if parent in sources else check(parent)
            return None

        for spec in completed_inputs:
            source = check(spec)
            if source is not None:
                sources.remove(source)
        return not any(check(spec) is not None for spec in waiting_inputs)

    def _run_hook(self, my_task: Task) -> bool:
        _merge_arrivals(my_task)
        matches, defaults = self._get_matching_outputs(my_task)
        if len(matches + defaults) == 0:
            raise WorkflowTaskException("No conditions satisfied on gateway", task=my_task)
        my_task._sync_children(matches or defaults, TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True


class EndJoin(_EndJoin):  # type: ignore[misc]
    """The join every end event of a process leads to: the process data is its merged data."""

    def _run_hook(self, my_task: Task) -> bool:
        _merge_arrivals(my_task)
        my_task.workflow.data.update(my_task.data)
        return True


# Our class -> the library type name its specs are stored under.
JOIN_TYPENAMES = {
    ParallelGateway: "ParallelGateway",
    InclusiveGateway: "InclusiveGateway",
    EndJoin: "_EndJoin",
}
