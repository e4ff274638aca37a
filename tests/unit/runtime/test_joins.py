"""Parallel, inclusive and end joins wait for, and merge, the branches of their own round."""

from __future__ import annotations

from typing import Any

import pytest

import engine.runtime.instance as instance_module
from engine.runtime import joins
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.joins import merge_branches
from tests.unit.runtime.bpmn_samples import complete_in_command, doc, flow, load_model

ROUNDS = 4


def _script(element_id: str, text: str) -> str:
    return (
        f'<bpmn:scriptTask id="{element_id}" scriptFormat="python">'
        f"<bpmn:script>{text}</bpmn:script></bpmn:scriptTask>"
    )


def _user(element_id: str) -> str:
    return f'<bpmn:userTask id="{element_id}"/>'


def _review_loop(
    gateway: str,
    checks: dict[str, str],
    step: str,
    conditions: dict[str, str] | None = None,
    default: str = "",
) -> bytes:
    """merge -> split -> check_<b> per branch -> join -> step -> back to merge while `again`."""
    default_attr = f' default="{default}"' if default else ""
    parts = [
        '<bpmn:startEvent id="start"/>',
        flow("start", "merge", "f1"),
        '<bpmn:exclusiveGateway id="merge"/>',
        flow("merge", "split", "f2"),
        f'<bpmn:{gateway} id="split"{default_attr}/>',
        f'<bpmn:{gateway} id="join"/>',
        flow("join", "step", "f3"),
        step,
        flow("step", "more", "f4"),
        '<bpmn:exclusiveGateway id="more" default="stop"/>',
        flow("more", "merge", "again", "again"),
        flow("more", "done", "stop"),
        '<bpmn:endEvent id="done"/>',
    ]
    for b, check in checks.items():
        condition = (conditions or {}).get(b, "")
        if not condition and gateway == "inclusiveGateway" and f"s_{b}" != default:
            condition = "True"
        parts += [flow("split", f"check_{b}", f"s_{b}", condition), check]
        parts.append(flow(f"check_{b}", "join", f"j_{b}"))
    return doc("\n".join(parts), "loop")


def _user_checks(branches: str) -> dict[str, str]:
    return {b: _user(f"check_{b}") for b in branches}


def _script_checks() -> dict[str, str]:
    return {"a": _script("check_a", "a = n * 10"), "b": _script("check_b", "b = n * 100")}


def _review_rounds(model: LoadedModel, branches: str) -> list[dict[str, Any]]:
    """The data the review sees each round; every round the branches finish one by one, in
    another order each round, writing the round number (the join must wait for the last)."""
    state = Instance.start(model, {}).dump()
    seen = []
    for n in range(ROUNDS):
        order = branches if n % 2 == 0 else branches[::-1]
        for b in order:
            state = complete_in_command(model, state, f"check_{b}", {b: n})
            ready = {t.element_id for t in Instance.load(model, state).ready_human_tasks()}
            if b != order[-1]:
                assert "step" not in ready, f"round {n}: the join fired before every branch"
        instance = Instance.load(model, state)
        [review] = instance.ready_human_tasks()
        assert review.element_id == "step"
        seen.append(instance.task_data(review.id))
        state = complete_in_command(model, state, "step", {"again": n < ROUNDS - 1})
    assert Instance.load(model, state).is_completed()
    return seen


@pytest.mark.parametrize("gateway", ["parallelGateway", "inclusiveGateway"])
@pytest.mark.parametrize("branches", ["ab", "abc"])
@pytest.mark.parametrize("pruned", [True, False])
def test_a_join_in_a_review_loop_merges_every_branch_of_each_round(
    monkeypatch: pytest.MonkeyPatch, gateway: str, branches: str, pruned: bool
) -> None:
    if not pruned:
        monkeypatch.setattr(instance_module, "prune_finished_history", lambda wf: 0)
    model = load_model(_review_loop(gateway, _user_checks(branches), _user("step")), "loop")
    for n, data in enumerate(_review_rounds(model, branches)):
        assert {b: data[b] for b in branches} == {b: n for b in branches}, f"round {n}"


@pytest.mark.parametrize("gateway", ["parallelGateway", "inclusiveGateway"])
def test_a_join_in_an_automatic_loop_sees_each_rounds_script_results(gateway: str) -> None:
    # Every round runs inside one command, so nothing is pruned between rounds.
    step = _script("step", "seen.append([a, b]); n += 1; again = n &lt; 4")
    model = load_model(_review_loop(gateway, _script_checks(), step), "loop")
    case = Instance.start(model, {"n": 0, "seen": []})
    assert case.is_completed()
    assert case.data["seen"] == [[0, 0], [10, 100], [20, 200], [30, 300]]


def test_an_inclusive_join_in_a_loop_merges_only_the_branches_taken_that_round() -> None:
    step = _script("step", "seen.append([a, b]); n += 1; again = n &lt; 5")
    conditions = {"b": "n % 2 == 1"}
    model = load_model(
        _review_loop("inclusiveGateway", _script_checks(), step, conditions, "s_a"), "loop"
    )
    case = Instance.start(model, {"n": 0, "seen": [], "b": -1})
    assert case.is_completed()
    # Even rounds take only the default branch a, odd rounds only b.
    assert case.data["seen"] == [[0, -1], [0, 100], [20, 100], [20, 300], [40, 300]]


def test_the_end_of_a_process_keeps_what_every_branch_wrote() -> None:
    xml = doc(
        '<bpmn:startEvent id="start"/>'
        + flow("start", "split", "f1")
        + '<bpmn:parallelGateway id="split"/>'
        + flow("split", "assess", "f2")
        + flow("split", "sign", "f3")
        + _script("assess", "fee = 50000")
        + '<bpmn:userTask id="sign"/>'
        + flow("assess", "assessed", "f4")
        + flow("sign", "signed", "f5")
        + '<bpmn:endEvent id="assessed"/><bpmn:endEvent id="signed"/>',
        "loop",
    )
    model = load_model(xml, "loop")
    state = Instance.start(model, {"fee": 0}).dump()  # the script branch ends first
    state = complete_in_command(model, state, "sign", {"signed_by": "an"})
    case = Instance.load(model, state)
    assert case.is_completed()
    assert case.data == {"fee": 50000, "signed_by": "an"}


def test_merging_applies_each_branchs_changes_to_the_data_at_the_fork() -> None:
    fork = {"a": 0, "b": 0, "tmp": 1, "form": {"x": 0, "y": 0}, "keep": [1]}
    first = {**fork, "a": 1, "both": "first", "form": {"x": 1, "y": 0}}
    second = {"a": 0, "b": 2, "keep": [1], "both": "second", "form": {"x": 0, "y": 2}}
    merged = merge_branches(fork, [first, second])
    assert merged == {
        "a": 1,  # only the first branch changed it
        "b": 2,
        "both": "second",  # both wrote it: the branch that finished later wins
        "form": {"x": 1, "y": 2},
        "keep": [1],
    }  # "tmp": the second branch deleted it
    assert merged["keep"] is not fork["keep"]  # no data shared with the branches


def test_specs_keep_the_library_type_names_and_load_into_the_fixed_joins() -> None:
    compiled, _ = compile_process(
        {"loop.bpmn": _review_loop("inclusiveGateway", _user_checks("ab"), _user("step"))}, "loop"
    )
    assert compiled is not None
    for typename in ('"typename":"InclusiveGateway"', '"typename":"_EndJoin"'):
        assert typename in compiled.spec_json  # what cases stored before the fix also hold
    spec = LoadedModel.from_json("t", compiled.spec_json, compiled.elements).spec
    assert type(spec.task_specs["join"]) is joins.InclusiveGateway
    assert type(spec.task_specs["loop.EndJoin"]) is joins.EndJoin
