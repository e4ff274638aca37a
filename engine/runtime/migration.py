"""Move a running case to another version of its model with SpiffWorkflow's diff, checked first.

The only module that touches the library's diff API (SpiffWorkflow/bpmn/util/diff.py, which its
docs call "brand new"). `plan_migration` aligns the case's task tree with the new version's spec,
decides whether the move is safe and, when it is, produces the migrated state; it stores nothing.

A move is safe when the case goes on exactly where it stands:

* every live task (ready, waiting or started) sits on an element the new version keeps with the
  same behaviour. Only its flows and its labels may change: ready and waiting tasks are
  re-predicted along the new flows, and names, lanes, forms and properties are read from the new
  version's element table. A started task (a running subprocess or multi-instance) keeps its
  planned successors, so any change to it is refused;
* a waiting join keeps its incoming flows (a branch added in front of it would never arrive);
* every running subprocess is still defined;
* finished tasks on removed elements are history: they leave the engine's tree (the case's event
  chain keeps them), unless a waiting join still looks back at them.

Moved ready and waiting tasks keep their ids (the task projection stays valid), their data and
their internal data: a reminder armed for 15:00 still fires at 15:00, not four hours after the move.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.instance import WALL_CLOCK, Instance, LoadedModel
from engine.runtime.pruning import pending_splits
from engine.runtime.spiff_config import make_registry
from engine.runtime.timekeeping import RuntimeEnv

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
RESET = TaskState.READY | TaskState.WAITING
PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
# Spec attributes a live task may see changed without changing what it does: flows are predicted
# again, and labels, lanes, documentation and extension properties come from the element table.
LABELS = frozenset({"bpmn_name", "description", "documentation", "lane", "extensions"})
FLOWS = frozenset({"inputs", "outputs"})
STATE_WORDS = {"ready": "is waiting on", "waiting": "is waiting on", "started": "is running in"}


@functools.cache
def _registry() -> Any:
    """The serializer registry SpecDiff compares specs with (built on first use)."""
    return BpmnWorkflowSerializer(make_registry()).registry


@dataclass(frozen=True)
class Obstacle:
    """One reason a case cannot move: where the case stands and what the new version does there."""

    kind: str  # removed | changed | join | subprocess | history | failed
    element_id: str = ""
    name: str = ""
    state: str = ""  # ready | waiting | started | finished
    detail: str = ""

    def describe(self, target: str) -> str:
        """One sentence naming the task, the element and the change (target: "version 3")."""
        task = f"task '{self.name or self.element_id}' {STATE_WORDS.get(self.state, 'is at')}"
        where = f"element '{self.element_id}'"
        if self.kind == "removed":
            return f"{task} {where}, which {target} removes"
        if self.kind == "changed":
            return f"{task} {where}, whose {self.detail} {target} changes"
        if self.kind == "join":
            return f"{task} {where}, a join whose incoming flows {target} changes"
        if self.kind == "subprocess":
            return f"subprocess '{self.element_id}' is running and {target} no longer defines it"
        if self.kind == "history":
            return f"finished {where}, which {target} removes, is still needed by a waiting join"
        return f"the case cannot be moved to {target}: {self.detail}"


@dataclass(frozen=True)
class ModelChanges:
    """What differs between two versions, by element id (flows and internal specs left out)."""

    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]


@dataclass
class MigrationPlan:
    """The verdict on one case: obstacles (none when safe), where it stands, the moved state."""

    obstacles: list[Obstacle]
    live: list[str] = field(default_factory=list)
    state: str | None = None

    @property
    def safe(self) -> bool:
        """True when the case can move; `state` then holds its state on the new version."""
        return not self.obstacles and self.state is not None


def compare_models(old: LoadedModel, new: LoadedModel) -> ModelChanges:
    """The elements the new version adds, removes and changes (for a migration report)."""
    diff = SpecDiff(_registry(), old.spec, new.spec)
    added = sorted({s.bpmn_id for s in diff.added if s.bpmn_id})
    removed = sorted({s.bpmn_id for s in diff.removed if s.bpmn_id})
    changed = {
        spec.bpmn_id: sorted(set(keys) - FLOWS)
        for spec, keys in diff.changed.items()
        if spec.bpmn_id and set(keys) - FLOWS
    }
    return ModelChanges(added, removed, dict(sorted(changed.items())))


def plan_migration(
    old: LoadedModel,
    state: str,
    new: LoadedModel,
    env: RuntimeEnv | None = None,
    connectors: ConnectorRegistry | None = None,
) -> MigrationPlan:
    """Check whether the case in `state` (on `old`) can move to `new`, and move it if so.

    Any failure of the library while aligning or moving becomes an obstacle: a refusal with the
    reason, never a crash and never a half-moved case (the stored state is left untouched).
    """
    env = env or WALL_CLOCK
    instance = Instance.load(old, state, env, connectors)
    workflow = instance.workflow
    before = _live(workflow)
    live = sorted({element for element, _ in before.values()})
    try:
        with env.active():
            obstacles = _migrate(workflow, old, new)
            if obstacles:
                return MigrationPlan(obstacles, live)
            moved = Instance(new, workflow, env).dump()
            after = _live(Instance.load(new, moved, env, connectors).workflow)
    except Exception as exc:  # the diff API is new: whatever it raises is a refusal
        return MigrationPlan([Obstacle("failed", detail=f"{type(exc).__name__}: {exc}")], live)
    if after != before:
        lost = sorted({e for i, (e, _) in before.items() if after.get(i) != before[i]})
        detail = f"the live tasks at {', '.join(lost) or 'new elements'} would not survive the move"
        return MigrationPlan([Obstacle("failed", detail=detail)], live)
    return MigrationPlan([], live, moved)


def _live(workflow: Any) -> dict[Any, tuple[str, str]]:
    """Live tasks of the case and its subprocesses: id -> (element, state)."""
    found = {}
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.get_tasks(state=LIVE, skip_subprocesses=True):
            element = task.task_spec.bpmn_id or task.task_spec.name
            found[task.id] = (element, TaskState.get_name(task.state))
    return found


def _migrate(workflow: Any, old: LoadedModel, new: LoadedModel) -> list[Obstacle]:
    """Align every (sub)workflow of the case with the new specs; move it only if all are safe."""
    moves: list[tuple[Any, SpecDiff, BpmnProcessSpec]] = []
    obstacles: list[Obstacle] = []
    for wf in [workflow, *workflow.subprocesses.values()]:
        target = new.spec if wf is workflow else new.subprocess_specs.get(wf.spec.name)
        if target is None:
            obstacles.append(Obstacle("subprocess", str(wf.spec.name), state="started"))
            continue
        spec_diff = SpecDiff(_registry(), wf.spec, target)
        obstacles.extend(_check(wf, spec_diff, old))
        moves.append((wf, spec_diff, target))
    if obstacles:
        return obstacles
    for wf, spec_diff, target in moves:
        _move(wf, WorkflowDiff(wf, spec_diff), target)
        obstacles.extend(_drop_removed_history(wf, target, old))
    workflow.subprocess_specs = new.subprocess_specs
    return obstacles


def _check(wf: Any, diff: SpecDiff, old: LoadedModel) -> list[Obstacle]:
    """Obstacles of one (sub)workflow: live tasks on removed or changed elements."""
    removed = set(diff.removed)
    changed = diff.changed
    obstacles = []
    for task in wf.get_tasks(state=LIVE, skip_subprocesses=True):
        spec = task.task_spec
        element = spec.bpmn_id or spec.name
        state = TaskState.get_name(task.state).lower()
        name = spec.bpmn_name or old.element(element).get("name") or element
        if spec in removed or spec not in diff.alignment:
            obstacles.append(Obstacle("removed", element, name, state))
            continue
        keys = set(changed.get(spec, ())) - LABELS
        if task.state != TaskState.STARTED:
            if "inputs" in keys and isinstance(spec, Join) and task.state == TaskState.WAITING:
                obstacles.append(Obstacle("join", element, name, state))
                continue
            keys -= FLOWS
        if keys:
            obstacles.append(Obstacle("changed", element, name, state, ", ".join(sorted(keys))))
    return obstacles


def _move(wf: Any, diff: WorkflowDiff, spec: BpmnProcessSpec) -> None:
    """Point the tasks at the new specs, re-predict, and give moved tasks back what they held."""
    kept = {
        t.id: (t.data, t.internal_data, t.last_state_change)
        for t in wf.get_tasks(state=RESET, skip_subprocesses=True)
    }
    # Resets READY and WAITING branches: new children along the new flows, but fresh data and
    # internal data (a timer would be armed again from now), which is why they are restored.
    migrate_workflow(diff, wf, spec)
    for task_id, (data, internal, changed_at) in kept.items():
        task = wf.tasks.get(task_id)
        if task is not None:
            task.data, task.internal_data, task.last_state_change = data, internal, changed_at
    # Predicted tasks elsewhere (after a running subprocess, say) still follow the old flows.
    for task in list(wf.tasks.values()):
        if (
            task.id in wf.tasks
            and task.has_state(PREDICTED)
            and task.parent is not None
            and not task.parent.has_state(PREDICTED)
            and task.parent.id not in kept
        ):
            task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _drop_removed_history(wf: Any, spec: BpmnProcessSpec, old: LoadedModel) -> list[Obstacle]:
    """Take finished tasks on removed elements out of the tree: the new spec cannot load them."""
    needed = pending_splits(wf)
    obstacles = []
    for task in list(wf.tasks.values()):
        if task.id not in wf.tasks or spec.task_specs.get(task.task_spec.name) is task.task_spec:
            continue
        element = task.task_spec.bpmn_id or task.task_spec.name
        name = old.element(element).get("name") or element
        if not task.has_state(TaskState.FINISHED_MASK):
            state = TaskState.get_name(task.state).lower()
            obstacles.append(Obstacle("removed", element, name, state))
            continue
        parent = task.parent
        if parent is None or task.id in needed:
            obstacles.append(Obstacle("history", element, name, "finished"))
            continue
        at = parent._children.index(task.id)
        parent._children[at : at + 1] = list(task._children)
        for child_id in task._children:
            wf.tasks[child_id]._parent = parent.id
        del wf.tasks[task.id]
        if wf.last_task is task:
            wf.last_task = parent
    return obstacles
