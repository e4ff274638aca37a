"""Finished history is pruned from the engine state without changing what the model does."""

from __future__ import annotations

from typing import Any

import pytest

import engine.runtime.instance as instance_module
from engine.runtime.instance import Instance, LoadedModel
from tests.unit.runtime.bpmn_samples import complete_in_command, load_model

# A review loop whose every round runs two parallel checks joined again, with a
# non-interrupting reminder timer on the review: joins, splits, boundary events, loops.
LOOP = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://motcua.vn/t">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="merge"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:incoming>again</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:parallelGateway id="split"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>a</bpmn:outgoing><bpmn:outgoing>b</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="check_a"><bpmn:incoming>a</bpmn:incoming>
      <bpmn:outgoing>a2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="check_b"><bpmn:incoming>b</bpmn:incoming>
      <bpmn:outgoing>b2</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="join"><bpmn:incoming>a2</bpmn:incoming><bpmn:incoming>b2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="review"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">
      <bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>P30D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="reminded"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:exclusiveGateway id="more" default="stop"><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>again</bpmn:outgoing><bpmn:outgoing>stop</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="done"><bpmn:incoming>stop</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="merge"/>
    <bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="split"/>
    <bpmn:sequenceFlow id="a" sourceRef="split" targetRef="check_a"/>
    <bpmn:sequenceFlow id="b" sourceRef="split" targetRef="check_b"/>
    <bpmn:sequenceFlow id="a2" sourceRef="check_a" targetRef="join"/>
    <bpmn:sequenceFlow id="b2" sourceRef="check_b" targetRef="join"/>
    <bpmn:sequenceFlow id="f3" sourceRef="join" targetRef="review"/>
    <bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="more"/>
    <bpmn:sequenceFlow id="f5" sourceRef="remind" targetRef="reminded"/>
    <bpmn:sequenceFlow id="again" sourceRef="more" targetRef="merge">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">again</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="stop" sourceRef="more" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>"""


def _round(model: LoadedModel, state: str, again: bool, n: int) -> str:
    state = complete_in_command(
        model, state, "check_b", {"b": n}
    )  # the branches finish in either order
    state = complete_in_command(model, state, "check_a", {"a": n})
    return complete_in_command(model, state, "review", {"again": again})


def _run(model: LoadedModel, rounds: int) -> tuple[list[int], list[set[str]], dict[str, Any]]:
    """Sizes of the stored state, ready tasks before each round, and the final data."""
    state = Instance.start(model, {}).dump()
    sizes, ready = [], []
    for n in range(rounds):
        ready.append({t.element_id for t in Instance.load(model, state).ready_human_tasks()})
        state = _round(model, state, again=n < rounds - 1, n=n)
        sizes.append(len(state))
    final = Instance.load(model, state)
    assert final.is_completed()
    return sizes, ready, final.data


def test_a_looping_case_keeps_a_flat_state(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(LOOP, "loop")
    sizes, ready, _ = _run(model, 30)
    assert ready == [{"check_a", "check_b"}] * 30  # the join waited for both branches every round
    assert sizes[-2] < sizes[4] * 1.1  # without pruning the state grows by every round
    monkeypatch.setattr(instance_module, "prune_finished_history", lambda wf: 0)
    unpruned, _, _ = _run(model, 16)
    assert unpruned[-2] > 2 * unpruned[4]


def test_pruning_changes_nothing_the_model_does(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(LOOP, "loop")
    pruned = _run(model, 12)
    monkeypatch.setattr(instance_module, "prune_finished_history", lambda wf: 0)
    unpruned = _run(model, 12)
    assert pruned[1:] == unpruned[1:]  # same ready tasks at every step, same final data
    assert pruned[2] == {"a": 11, "b": 11, "again": False}  # each join merged its own round
