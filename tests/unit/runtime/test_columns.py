"""Every located model problem says the column where its element's tag starts."""

from __future__ import annotations

from engine.runtime.compiler import compile_process
from tests.unit.runtime.bpmn_samples import doc, flow


def test_a_semantic_problem_points_at_its_elements_tag() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "call", "f1")
        + '\n    <bpmn:serviceTask id="call"/>\n'
        + flow("call", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    bpmn = doc(body)
    _, problems = compile_process({"m.bpmn": bpmn}, "p")
    [problem] = [p for p in problems if p.element_id == "call"]
    assert problem.line is not None and problem.column is not None
    line = bpmn.decode().splitlines()[problem.line - 1]
    assert line[problem.column - 1 :].startswith('<bpmn:serviceTask id="call"')
    assert str(problem).startswith(f"m.bpmn:{problem.line}:{problem.column} [call]")


def test_a_problem_on_a_child_elements_line_points_at_the_child() -> None:
    bpmn = doc(
        '<bpmn:startEvent id="s"/>'
        + flow("s", "e", "f1", "${bean.check()}")
        + '<bpmn:endEvent id="e"/>'
    ).replace(b"<bpmn:conditionExpression", b"\n  <bpmn:conditionExpression")
    _, problems = compile_process({"m.bpmn": bpmn}, "p")
    [problem] = [p for p in problems if p.element_id == "f1"]
    line = bpmn.decode().splitlines()[(problem.line or 0) - 1]
    assert problem.column == line.index("<bpmn:conditionExpression") + 1
