"""Model code in a real BPMN model: deploy-time lint refuses it, the running engine refuses it too."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from engine.domain.errors import ModelProblem, ScriptFailedError
from engine.runtime import compiler
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.lint import lint_process
from tests.unit.runtime.test_scripting import EVAL, RUNTIME_ESCAPES, STATIC_ESCAPES

DEMO = (Path(__file__).parent / "data" / "sandbox_demo.bpmn").read_text(encoding="utf-8")
SCRIPT = """missing = [doc for doc in required if doc not in submitted]
fee = amount * 2
fee += 10
status = "complete" if not missing else "incomplete\""""
CONDITION = 'status == "complete" and len(missing) == 0'
COMPLETE = {"amount": 100, "required": ["cccd", "to_khai"], "submitted": ["cccd", "to_khai"]}


def demo_files(script: str = SCRIPT, condition: str = CONDITION) -> dict[str, bytes]:
    """The demo bundle, with the prepare script or the gateway condition replaced."""
    assert SCRIPT in DEMO and CONDITION in DEMO
    text = DEMO.replace(SCRIPT, escape(script)).replace(CONDITION, escape(condition))
    return {"sandbox_demo.bpmn": text.encode()}


def load(files: dict[str, bytes]) -> LoadedModel:
    """Compile the bundle (it must compile) into a model the engine can start."""
    compiled, problems = compile_process(files, None)
    assert compiled is not None, [str(p) for p in problems]
    return LoadedModel.from_json("test", compiled.spec_json, compiled.elements)


@pytest.fixture
def unlinted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile without lint, as for a model stored before a check existed: run time must hold."""
    monkeypatch.setattr(compiler, "lint_process", lambda *args, **kwargs: iter(()))


def fails_at(model: LoadedModel, data: dict[str, Any]) -> ScriptFailedError:
    """Start a case that must fail; the error it raised."""
    with pytest.raises(ScriptFailedError) as failure:
        Instance.start(model, data)
    return failure.value


def test_script_task_and_gateway_run_in_the_sandbox_on_the_happy_path() -> None:
    model = load(demo_files())
    case = Instance.start(model, COMPLETE)
    assert case.is_completed()
    assert case.data == {
        **COMPLETE,
        "missing": [],
        "fee": 210,
        "status": "complete",
        "approved": True,
    }
    incomplete = Instance.start(model, {**COMPLETE, "submitted": ["cccd"]})
    assert incomplete.is_completed()
    assert incomplete.data["missing"] == ["to_khai"] and "approved" not in incomplete.data


@pytest.mark.parametrize(
    ("script", "condition", "data", "element", "cause"),
    [
        ("blob = 'x' * amount", CONDITION, {"amount": 10**9}, "prepare", "repetition"),
        ("while True: pass", CONDITION, {}, "prepare", "CPU time"),
        (SCRIPT, "len('x' * amount) > 0", {"amount": 10**9}, "gw_check", "repetition"),
        (SCRIPT, CONDITION, {"helper": str.format}, "prepare", "not data"),
        ("report = {'f': lambda: 1}", CONDITION, {}, "prepare", "not data"),
        ("x = 1\ny = int.from_bytes", CONDITION, {}, "prepare", "of a type"),
    ],
    ids=["size", "timeout", "condition_size", "smuggled", "leaves_function", "type_attribute"],
)
def test_hostile_code_fails_at_run_time_naming_the_element(
    script: str, condition: str, data: dict[str, Any], element: str, cause: str
) -> None:
    model = load(demo_files(script, condition))
    error = fails_at(model, {**COMPLETE, **data})
    assert error.code == "script_failed"
    assert error.details[0]["element_id"] == element
    assert f"'{element}'" in error.message and cause in error.message


def test_a_script_error_reports_its_line() -> None:
    model = load(demo_files("a = 1\nb = 2\nc = int.from_bytes"))
    cause = fails_at(model, COMPLETE).__cause__
    assert getattr(cause, "line_number", None) == 3


def _static(case: tuple[str, str, str]) -> tuple[str, str, dict[str, Any], str]:
    _, mode, source = case
    if mode == EVAL:
        return SCRIPT, source, {}, "gw_check"
    return source, CONDITION, {}, "prepare"


def _runtime(case: tuple[str, str, str, dict[str, Any]]) -> tuple[str, str, dict[str, Any], str]:
    _, mode, source, data = case
    # Smuggled data is refused by the first code that sees it: the script task.
    where = "prepare" if data or mode != EVAL else "gw_check"
    return (SCRIPT, source, data, where) if mode == EVAL else (source, CONDITION, data, where)


def _copyable(data: dict[str, Any]) -> bool:
    try:
        copy.deepcopy(data)  # Instance.start copies the start data
    except TypeError:
        return False
    return True


ENGINE_CASES = [(c[0], *_static(c)) for c in STATIC_ESCAPES] + [
    (c[0], *_runtime(c)) for c in RUNTIME_ESCAPES if _copyable(c[3])
]


@pytest.mark.usefixtures("unlinted")
@pytest.mark.parametrize(
    ("script", "condition", "data", "element"),
    [c[1:] for c in ENGINE_CASES],
    ids=[c[0] for c in ENGINE_CASES],
)
def test_every_escape_fails_in_the_engine_even_without_deploy_checks(
    script: str, condition: str, data: dict[str, Any], element: str
) -> None:
    model = load(demo_files(script, condition))
    error = fails_at(model, {**COMPLETE, **data})
    assert error.details[0]["element_id"] == element


def test_deploy_refuses_a_hostile_script_naming_the_script_task() -> None:
    compiled, problems = compile_process(demo_files(script="import os\nos.system('id')"), None)
    assert compiled is None
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.element_id == "prepare"
    assert problem.message.startswith('script: line 1, column 1: import of "os"')
    assert problem.fix.endswith(".") and problem.fix.count(".") == 1


def test_deploy_refuses_a_hostile_condition_naming_the_flow() -> None:
    hostile = "().__class__.__base__.__subclasses__()"
    compiled, problems = compile_process(demo_files(condition=hostile), None)
    assert compiled is None
    assert [(p.element_id, p.message) for p in problems] == [
        ("flow_complete", f'condition: line 1, column {col}: access to "{name}" is not allowed')
        for col, name in ((23, "__subclasses__"), (14, "__base__"), (4, "__class__"))
    ]


HOSTILE = "().__class__.__base__.__subclasses__()"
SITES = f"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
  <bpmn:message id="m_payload" name="m">
    <bpmn:extensionElements>
      <spiffworkflow:messagePayload>{HOSTILE}</spiffworkflow:messagePayload>
    </bpmn:extensionElements>
  </bpmn:message>
  <bpmn:correlationProperty id="cp_case" name="case">
    <bpmn:correlationPropertyRetrievalExpression messageRef="m_payload">
      <bpmn:formalExpression>{HOSTILE}</bpmn:formalExpression>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="wait_timer">
      <bpmn:timerEventDefinition id="timer_def">
        <bpmn:timeDuration>__import__('os')</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="wait_condition">
      <bpmn:conditionalEventDefinition id="cond_def">
        <bpmn:condition>{HOSTILE}</bpmn:condition>
      </bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="send_message">
      <bpmn:messageEventDefinition id="msg_def" messageRef="m_payload">
        <bpmn:extensionElements>
          <spiffworkflow:messagePayload>{HOSTILE}</spiffworkflow:messagePayload>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateThrowEvent>
    <bpmn:userTask id="review_each">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>import os</spiffworkflow:preScript>
        <spiffworkflow:postScript>x = open('/etc/passwd')</spiffworkflow:postScript>
      </bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics id="mi_def">
        <bpmn:loopCardinality>{HOSTILE}</bpmn:loopCardinality>
        <bpmn:completionCondition>{HOSTILE}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:serviceTask id="notify">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="sms">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="text" type="str" value="{HOSTILE}" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>"""


def test_lint_refuses_hostile_code_wherever_the_engine_would_run_it() -> None:
    root = etree.fromstring(SITES.encode())
    problems = [p for p in lint_process("sites.bpmn", root, {}, None) if p.severity == "error"]
    found = {(p.element_id, p.message.split(":")[0]) for p in problems if _is_code(p)}
    assert found == {
        ("m_payload", "message payload"),
        ("cp_case", "correlation"),
        ("wait_timer", "timer"),
        ("wait_condition", "conditional event"),
        ("send_message", "message payload"),
        ("review_each", "preScript"),
        ("review_each", "postScript"),
        ("review_each", "loop cardinality"),
        ("review_each", "completion condition"),
        ("notify", "service parameter 'text'"),
    }
    assert all(p.fix.endswith(".") and p.line for p in problems if _is_code(p))


def _is_code(problem: ModelProblem) -> bool:
    return "not allowed" in problem.message


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">"""
BLOW_UP = "len('x' * amount)"  # passes every static check; too large when amount is 10**9


def chain(element: str) -> dict[str, bytes]:
    """A bundle whose process is start -> element (id "site") -> end."""
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="site"/>'
        f"{element}"
        '<bpmn:sequenceFlow id="f2" sourceRef="site" targetRef="end"/>'
        '<bpmn:endEvent id="end"/>'
    )
    return {"p.bpmn": f"{HEAD}{body}</bpmn:process></bpmn:definitions>".encode()}


def _ext(tag: str, text: str) -> str:
    return f"<bpmn:extensionElements><spiffworkflow:{tag}>{text}</spiffworkflow:{tag}>" + (
        "</bpmn:extensionElements>"
    )


SITES_AT_RUN_TIME = {
    "pre_script": f'<bpmn:userTask id="site">{_ext("preScript", f"n = {BLOW_UP}")}</bpmn:userTask>',
    "script_task_pre_script": (
        f'<bpmn:scriptTask id="site">{_ext("preScript", f"n = {BLOW_UP}")}'
        "<bpmn:script>ok = 1</bpmn:script></bpmn:scriptTask>"
    ),
    "timer": (
        '<bpmn:intermediateCatchEvent id="site"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>'PT' + str({BLOW_UP}) + 'S'</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    ),
    "loop_cardinality": (
        '<bpmn:scriptTask id="site"><bpmn:multiInstanceLoopCharacteristics>'
        f"<bpmn:loopCardinality>{BLOW_UP}</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>ok = 1</bpmn:script>"
        "</bpmn:scriptTask>"
    ),
    "embedded_subprocess": (
        '<bpmn:subProcess id="site"><bpmn:startEvent id="s_start"/>'
        '<bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="inner"/>'
        f'<bpmn:scriptTask id="inner"><bpmn:script>n = {BLOW_UP}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="s_end"/>'
        '<bpmn:endEvent id="s_end"/></bpmn:subProcess>'
    ),
}


@pytest.mark.parametrize("site", SITES_AT_RUN_TIME)
def test_code_at_every_site_runs_in_the_sandbox(site: str) -> None:
    model = load(chain(SITES_AT_RUN_TIME[site]))
    error = fails_at(model, {"amount": 10**9})
    assert error.details[0]["element_id"] == ("inner" if site == "embedded_subprocess" else "site")
    assert "repetition would build more than" in error.message


def test_a_post_script_runs_in_the_sandbox_when_the_officer_completes_the_task() -> None:
    post = _ext("postScript", f"n = {BLOW_UP}")
    model = load(chain(f'<bpmn:userTask id="site">{post}</bpmn:userTask>'))
    case = Instance.start(model, {"amount": 10**9})
    (task,) = case.ready_human_tasks()
    with pytest.raises(ScriptFailedError) as failure:
        case.complete_human_task(task.id, {})
    assert failure.value.details[0]["element_id"] == "site"
