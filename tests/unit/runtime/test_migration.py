"""Moving a running case to another model version: safe moves keep everything, unsafe ones say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.migration import compare_models, plan_migration
from engine.runtime.timekeeping import RuntimeEnv
from engine.services.bundles import read_bundle
from tests.unit.runtime.bpmn_samples import doc, flow

DEMO = Path(__file__).parents[2] / "integration" / "data" / "migration_demo"
T0 = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)
ENV = RuntimeEnv(now=lambda: T0)


def _demo(version: str) -> LoadedModel:
    compiled, problems = compile_process(read_bundle(DEMO / version), "migration_demo")
    assert compiled is not None, problems
    return LoadedModel.from_json(version, compiled.spec_json, compiled.elements)


def _model(body: str, name: str) -> LoadedModel:
    compiled, problems = compile_process({"m.bpmn": doc(body)}, "p")
    assert compiled is not None, [str(p) for p in problems]
    return LoadedModel.from_json(name, compiled.spec_json, compiled.elements)


def _linear(*steps: str) -> str:
    """start -> steps (user tasks) -> end."""
    names = ["start", *steps, "end"]
    body = '<bpmn:startEvent id="start"/><bpmn:endEvent id="end"/>'
    body += "".join(f'<bpmn:userTask id="{s}" name="{s.title()}"/>' for s in steps)
    return body + "".join(flow(a, b, f"f_{a}_{b}") for a, b in zip(names, names[1:], strict=False))


def _complete(instance: Instance, element_id: str, data: dict[str, object] | None = None) -> None:
    task = next(t for t in instance.ready_human_tasks() if t.element_id == element_id)
    instance.complete_human_task(task.id, data or {})


def test_a_case_waiting_at_a_kept_task_moves_and_then_reaches_the_added_step() -> None:
    v1, v2 = _demo("v1"), _demo("v2")
    instance = Instance.start(v1, {"applicant": "An"}, ENV)
    _complete(instance, "intake", {"checked": True})
    state = instance.dump()
    before = Instance.load(v1, state, ENV)

    plan = plan_migration(v1, state, v2, ENV)

    assert plan.safe, plan.obstacles
    assert plan.live == ["remind", "review"]
    assert plan.state is not None
    moved = Instance.load(v2, plan.state, ENV)
    [review] = moved.ready_human_tasks()
    assert review.id == before.ready_human_tasks()[0].id  # the task projection stays valid
    assert review.name == "Review the dossier"  # labels come from the new version
    assert moved.data == {"applicant": "An", "checked": True}
    # The reminder stays armed for the instant it was armed for, not re-armed by the move.
    assert moved.waiting_timers() == before.waiting_timers()
    assert moved.waiting_timers()[0][1] == T0 + timedelta(hours=4)
    _complete(moved, "review")
    assert [t.element_id for t in moved.ready_human_tasks()] == ["check_residence"]
    _complete(moved, "check_residence")
    _complete(moved, "sign")
    assert moved.is_completed()


def test_a_case_waiting_on_a_removed_task_is_refused_with_the_reason() -> None:
    v1, v2 = _demo("v1"), _demo("v2")
    state = Instance.start(v1, {}, ENV).dump()

    plan = plan_migration(v1, state, v2, ENV)

    assert not plan.safe and plan.state is None
    assert [o.describe("version 2") for o in plan.obstacles] == [
        "task 'Intake' is waiting on element 'intake', which version 2 removes"
    ]


def test_a_finished_task_the_new_version_removes_leaves_the_engine_state() -> None:
    old = _model(_linear("intake", "review", "sign"), "old")
    new = _model(_linear("review", "sign"), "new")
    instance = Instance.start(old, {}, ENV)
    _complete(instance, "intake", {"n": 1})

    plan = plan_migration(old, instance.dump(), new, ENV)

    assert plan.safe, plan.obstacles
    assert plan.state is not None and '"intake"' not in plan.state
    moved = Instance.load(new, plan.state, ENV)
    _complete(moved, "review")
    _complete(moved, "sign")
    assert moved.is_completed() and moved.data == {"n": 1}


def test_moving_back_to_a_version_without_the_step_the_case_is_on_is_refused() -> None:
    v1, v2 = _demo("v1"), _demo("v2")
    instance = Instance.start(v1, {}, ENV)
    _complete(instance, "intake")
    plan = plan_migration(v1, instance.dump(), v2, ENV)
    assert plan.state is not None
    moved = Instance.load(v2, plan.state, ENV)
    _complete(moved, "review")

    back = plan_migration(v2, moved.dump(), v1, ENV)

    assert [o.kind for o in back.obstacles] == ["removed"]
    assert "element 'check_residence', which version 1 removes" in back.obstacles[0].describe(
        "version 1"
    )


def test_a_changed_timer_under_a_waiting_case_is_refused_naming_what_changed() -> None:
    v1 = _demo("v1")
    files = read_bundle(DEMO / "v1")
    files["migration_demo.bpmn"] = files["migration_demo.bpmn"].replace(b'"PT4H"', b'"PT8H"')
    compiled, _ = compile_process(files, "migration_demo")
    assert compiled is not None
    v1b = LoadedModel.from_json("v1b", compiled.spec_json, compiled.elements)
    instance = Instance.start(v1, {}, ENV)
    _complete(instance, "intake")

    plan = plan_migration(v1, instance.dump(), v1b, ENV)

    assert [o.describe("version 3") for o in plan.obstacles] == [
        "task '4 hours without a decision' is waiting on element 'remind', "
        "whose event_definition version 3 changes"
    ]


PARALLEL = (
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>'
    '<bpmn:userTask id="a"/><bpmn:userTask id="b"/>{extra}'
    '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
    + flow("start", "split", "f0")
    + flow("split", "a", "f1")
    + flow("split", "b", "f2")
    + flow("a", "join", "f3")
    + flow("b", "join", "f4")
    + flow("join", "end", "f5")
)


def test_a_waiting_join_that_would_wait_for_a_new_branch_is_refused() -> None:
    old = _model(PARALLEL.format(extra=""), "old")
    new = _model(
        PARALLEL.format(extra='<bpmn:userTask id="c"/>')
        + flow("split", "c", "f6")
        + flow("c", "join", "f7"),
        "new",
    )
    instance = Instance.start(old, {}, ENV)
    _complete(instance, "a")

    plan = plan_migration(old, instance.dump(), new, ENV)

    kinds = {(o.kind, o.element_id) for o in plan.obstacles}
    assert ("join", "join") in kinds
    assert not plan.safe


def test_a_model_of_another_process_is_refused_never_a_crash() -> None:
    v1 = _demo("v1")
    other = _model(_linear("something_else"), "other")
    state = Instance.start(v1, {}, ENV).dump()

    plan = plan_migration(v1, state, other, ENV)

    assert not plan.safe
    assert plan.obstacles and all(o.describe("version 9") for o in plan.obstacles)


def test_the_model_comparison_lists_added_removed_and_changed_elements() -> None:
    changes = compare_models(_demo("v1"), _demo("v2"))
    assert changes.added == ["check_residence"]
    assert changes.removed == ["intake"]
    assert changes.changed == {"review": ["bpmn_name"]}
