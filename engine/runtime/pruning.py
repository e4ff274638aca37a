"""Keep a case's engine state small: drop the finished parts nothing can look back at.

SpiffWorkflow keeps every executed task, so a case that loops grows with every round and each
command pays to load it again; the case's history lives in its own event chain instead.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.runtime import joins


def prune_finished_history(workflow: BpmnWorkflow) -> int:
    """Drop finished parts of the task tree that nothing can look back at; return how many.

    SpiffWorkflow keeps every executed task, so a case that loops grows with every round and each
    command pays to load it again. The case's history lives in our own event chain, so the engine
    state only needs what can still influence execution:

    * dead branches: a finished (completed or cancelled) subtree that holds no unfinished task,
      no running subprocess, not the workflow's last task and no branch a waiting join still
      counts is removed whole (the cancelled twin of a join that fired, a boundary event that
      did not fire, a finished side path);
    * finished links of the live path: a COMPLETED task with exactly one child, itself
      COMPLETED, gives its place under its parent to that child, unless it is a split that a
      join searches for among its ancestors.

    A waiting join sees the branches that reached it: the latest waits (unfinished), the earlier
    ones were cancelled by a later arrival and are kept (joins.pending_arrivals) until the join
    fires and merges them, so gateway semantics are unchanged. A completed workflow is left as is.
    """
    if workflow.is_completed():
        return 0
    removed = 0
    for wf in [workflow, *workflow.subprocesses.values()]:
        removed += _drop_dead_branches(wf, set(workflow.subprocesses))
        removed += _compress_chains(wf, set(workflow.subprocesses))
    return removed


def _drop_dead_branches(wf: Any, running: set[UUID]) -> int:
    keep: set[UUID] = set()
    anchors = [t for t in wf.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    anchors += [wf.tasks[i] for i in running if i in wf.tasks]
    anchors += [wf.tasks[i] for i in joins.pending_arrivals(wf)]
    if wf.last_task is not None and wf.last_task.id in wf.tasks:
        anchors.append(wf.last_task)
    for task in anchors:
        node = task
        while node is not None and node.id not in keep:
            keep.add(node.id)
            node = node.parent
    removed = 0
    for task in list(wf.tasks.values()):
        parent = task.parent
        if task.id in keep or parent is None or parent.id not in keep or task.id not in wf.tasks:
            continue
        parent._children = [c for c in parent._children if c != task.id]
        stack = [task]
        while stack:
            node = stack.pop()
            stack.extend(c for c in (wf.tasks.get(i) for i in node._children) if c is not None)
            del wf.tasks[node.id]
            removed += 1
    return removed


def _compress_chains(wf: Any, running: set[UUID]) -> int:
    protected = pending_splits(wf)
    last = wf.last_task.id if wf.last_task is not None else None
    removed = 0
    for task in list(wf.tasks.values()):
        if (
            task.state != TaskState.COMPLETED
            or task.parent is None
            or len(task._children) != 1
            or task.id == last
            or task.id in running
            or task.id in protected
        ):
            continue
        child = wf.tasks.get(task._children[0])
        if child is None or child.state != TaskState.COMPLETED:
            continue
        parent = task.parent
        parent._children = [child.id if c == task.id else c for c in parent._children]
        child._parent = parent.id
        del wf.tasks[task.id]
        removed += 1
    return removed


def pending_splits(wf: Any) -> set[UUID]:
    """The split tasks that unfinished joins will look for among their ancestors (kept in any
    rewrite of the tree: pruning here, migration in engine.runtime.migration)."""
    ids: set[UUID] = set()
    for task in wf.tasks.values():
        split = getattr(task.task_spec, "split_task", None)
        if split and not task.has_state(TaskState.FINISHED_MASK):
            found = task.find_ancestor(split)
            if found is not None:
                ids.add(found.id)
    return ids
