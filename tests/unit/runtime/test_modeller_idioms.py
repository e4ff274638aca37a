"""More modeller idioms: what deploys with its meaning kept, and what is refused naming the element."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.runtime.compiler import compile_process
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.driver import drive
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.juel import UntranslatableError, to_python
from engine.runtime.scripting import SandboxEnvironment
from engine.services.conformance import bundle_for
from tests.unit.runtime.bpmn_samples import doc, flow

START_TO = '<bpmn:startEvent id="s"/>' + flow("s", "t", "f1")
TO_END = flow("t", "e", "f2") + '<bpmn:endEvent id="e"/>'


def _compile(files: dict[str, bytes], process_id: str = "p", **kwargs):  # type: ignore[no-untyped-def]
    compiled, problems = compile_process(files, process_id, **kwargs)
    errors = [p for p in problems if p.severity == "error"]
    return compiled, errors, problems


def _model(files: dict[str, bytes], process_id: str = "p") -> LoadedModel:
    compiled, errors, _ = _compile(files, process_id, connectors=ConnectorRegistry(accept_any=True))
    assert not errors and compiled is not None, [str(e) for e in errors]
    return LoadedModel.from_json("h", compiled.spec_json, compiled.elements)


# -- expressions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "python"),
    [
        ("${status.toLowerCase() == 'done'}", "status.lower() == 'done'"),
        ("${a.b.trim().startsWith('x')}", "a['b'].strip().startswith('x')"),
        ("${name.toUpperCase().endsWith('A')}", "name.upper().endswith('A')"),
        ("=not(approved)", "not (approved)"),
        ("=age between 18 and 65", "(18 <= age <= 65)"),
        ("=score in [1..10]", "(1 <= score <= 10)"),
        ("=a.score in ]1..10[ and ok", "(1 < a['score'] < 10) and ok"),
        ('=status in ("new", "open")', '(status in ("new", "open"))'),
        (
            '= some risk in risks satisfies risk = "red"',
            'any((risk == "red") for risk in risks)',
        ),
        ("= every r in a.b satisfies r > 3", "all((r > 3) for r in a['b'])"),
        ("=weather[1].main", "weather[0]['main']"),  # FEEL counts list items from 1
        ("=xs[-1]", "xs[-1]"),
        ('=["in bed", status.text]', "[\"in bed\", status['text']]"),
        ('= string join(risks, ", ")', '(", ").join(risks)'),
        ("=string join([a, b.c])", "''.join([a, b['c']])"),
        ("=count(docs) > 2 and sum(fees) < 100", "len(docs) > 2 and sum(fees) < 100"),
        ('=upper case(name) = "AN"', '(name).upper() == "AN"'),
        ("=count(upper case(x))", "len((x).upper())"),
        ('={q: city, "page size": 10}', "{'q': city, 'page size': 10}"),  # a FEEL context
        ("={a: {b: count(xs)}}", "{'a': {'b': len(xs)}}"),
        ("bpmn:getDataObject('approved')", "approved"),  # BPMN's XPath, as Signavio writes it
        ("not(bpmn:getDataObject('approved'))", "not (approved)"),
        ("bpmn:getDataObject('clarified') = 'yes'", "clarified == 'yes'"),
        (
            '=contains(title, "x") or starts with(code, "HN")',
            '(("x") in (title)) or (code).startswith("HN")',
        ),
    ],
)
def test_more_juel_and_feel_forms_become_python(source: str, python: str) -> None:
    assert to_python(source) == python


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('= string join(risks, ", ")', "fraud, debt"),
        ("=string join(risks)", "frauddebt"),
        ('=count(risks) = 2 and contains(upper case(name), "AN")', True),
        ("=max(scores) - min(scores)", 7),
    ],
)
def test_feel_functions_give_feels_values_in_the_sandbox(source: str, value: object) -> None:
    data = {"risks": ["fraud", "debt"], "name": "Lan", "scores": [3, 10, 5]}
    assert SandboxEnvironment().evaluate(to_python(source), data) == value


@pytest.mark.parametrize(
    "source",
    [
        "${x.length()}",
        "=upper case(x, y)",
        "=string join(a, b, c)",
        "=string join()",
        "=count(x",
        "=substring(x, 1)",
        "=x in [1..y()]",
        "=some x in xs",
        "=x between 1",
        "=in [1..2]",
        "${x.toLowerCase(y, z)}",
        "=xs[0]",
        "=xs[item > 3]",
        "=[1,]",
        "={q: secrets.OWM_API_KEY}",  # connector secrets are never case data
        "={a 1}",
        "={a: 1",
    ],
)
def test_other_forms_stay_refused(source: str) -> None:
    with pytest.raises(UntranslatableError):
        to_python(source)


def test_a_condition_refused_in_translation_is_reported_once() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "g", "f1")
        + '<bpmn:exclusiveGateway id="g" default="f3"/>'
        + flow("g", "e", "f2", "${bean.check()}")
        + flow("g", "e", "f3")
        + '<bpmn:endEvent id="e"/>'
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert [e.element_id for e in errors] == ["f2"]
    assert "bean.check()" in errors[0].message


# -- timers and mappings -------------------------------------------------------------------------


def test_a_timedelta_duration_runs_as_its_iso_duration() -> None:
    body = (
        START_TO + '<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>timedelta(minutes=1, seconds=30)</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>" + TO_END
    )
    compiled, errors, problems = _compile({"m.bpmn": doc(body)})
    assert not errors and compiled is not None
    assert any("'PT90S'" in p.message and p.severity == "warning" for p in problems)
    assert "'PT90S'" in compiled.spec_json


@pytest.mark.parametrize("value", ["timedelta(minutes=-1)", "delta(days=1)"])
def test_other_timer_code_is_still_refused(value: str) -> None:
    body = (
        START_TO + '<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{value}</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>" + TO_END
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert errors and errors[0].element_id == "t"


def _with_input(parameter: str) -> dict[str, bytes]:
    body = (
        START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk"><bpmn:extensionElements>'
        f"<camunda:inputOutput>{parameter}</camunda:inputOutput>"
        "</bpmn:extensionElements></bpmn:userTask>" + TO_END
    )
    return {"m.bpmn": doc(body)}


def test_camunda_list_and_map_parameters_reach_the_task() -> None:
    files = _with_input(
        '<camunda:inputParameter name="recipients"><camunda:map>'
        '<camunda:entry key="to"><camunda:list><camunda:value>an</camunda:value>'
        "<camunda:value>${owner}</camunda:value></camunda:list></camunda:entry>"
        '<camunda:entry key="cc">ha</camunda:entry>'
        "</camunda:map></camunda:inputParameter>"
    )
    instance = Instance.start(_model(files), {"owner": "binh"})
    task = instance.ready_human_tasks()[0]
    assert instance.task_data(task.id)["recipients"] == {"to": ["an", "binh"], "cc": "ha"}


def test_a_script_inside_a_parameter_is_refused() -> None:
    files = _with_input(
        '<camunda:inputParameter name="x"><camunda:list><camunda:script scriptFormat="groovy">'
        "1</camunda:script></camunda:list></camunda:inputParameter>"
    )
    _, errors, _ = _compile(files)
    assert errors and errors[0].element_id == "t" and "'x'" in errors[0].message


# -- processes, calls and references -------------------------------------------------------------


def test_a_problem_in_a_pool_that_is_not_executable_does_not_refuse_the_executable_one() -> None:
    other = (
        '<bpmn:process id="partner" isExecutable="false"><bpmn:startEvent id="ps">'
        "<bpmn:timerEventDefinition/></bpmn:startEvent></bpmn:process>"
    )
    body = START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk"/>' + TO_END
    compiled, errors, problems = _compile({"m.bpmn": doc(body, extra=other)})
    assert not errors and compiled is not None
    assert any("'partner' is not executable" in p.message for p in problems)


def _caller(called: str) -> bytes:
    return doc(START_TO + f'<bpmn:callActivity id="t" calledElement="{called}"/>' + TO_END)


def test_a_call_to_a_process_missing_from_the_bundle_names_the_call_activity() -> None:
    _, errors, _ = _compile({"m.bpmn": _caller("elsewhere")})
    assert [(e.element_id, e.file) for e in errors] == [("t", "m.bpmn")]
    assert "'elsewhere', which is not in the bundle" in errors[0].message


def test_a_call_activity_naming_no_process_is_refused() -> None:
    files = {"m.bpmn": doc(START_TO + '<bpmn:callActivity id="t"/>' + TO_END)}
    _, errors, _ = _compile(files)
    assert errors and "names no process" in errors[0].message


def test_a_broken_call_in_a_process_that_is_not_run_does_not_refuse_another() -> None:
    other = (
        '<bpmn:process id="q" isExecutable="true"><bpmn:startEvent id="qs"/>'
        + flow("qs", "qe", "g1")
        + '<bpmn:endEvent id="qe"/></bpmn:process>'
    )
    files = {
        "m.bpmn": doc(
            START_TO + '<bpmn:callActivity id="t" calledElement="x"/>' + TO_END, extra=other
        )
    }
    compiled, errors, _ = _compile(files, "q")
    assert not errors and compiled is not None


def test_an_event_naming_an_undefined_escalation_is_refused() -> None:
    body = (
        START_TO
        + '<bpmn:subProcess id="t"><bpmn:startEvent id="ss"/>'
        + flow("ss", "se", "f9")
        + '<bpmn:endEvent id="se"/></bpmn:subProcess>'
        + '<bpmn:boundaryEvent id="b" attachedToRef="t">'
        '<bpmn:escalationEventDefinition escalationRef="nowhere"/></bpmn:boundaryEvent>'
        + flow("b", "e", "f3")
        + TO_END
    )
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert [e.element_id for e in errors] == ["b"]
    assert "escalation 'nowhere', which is not defined" in errors[0].message


def test_an_empty_subprocess_is_refused_naming_it() -> None:
    body = START_TO + '<bpmn:subProcess id="t"/>' + TO_END
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert errors[0].element_id == "t" and "no content" in errors[0].message


def test_duplicate_ids_are_named_as_such() -> None:
    body = START_TO + '<bpmn:userTask id="t"/><bpmn:task id="t"/>' + TO_END
    _, errors, _ = _compile({"m.bpmn": doc(body)})
    assert any("id 't' is used by more than one element" in e.message for e in errors)


# -- multi-instance and data ---------------------------------------------------------------------


def _multi(sequential: bool) -> dict[str, bytes]:
    body = (
        START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk">'
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}" '
        'camunda:collection="${reviewers}" camunda:elementVariable="reviewer"/>'
        "</bpmn:userTask>" + TO_END
    )
    return {"m.bpmn": doc(body)}


def test_each_parallel_instance_sees_its_camunda_element_variable() -> None:
    instance = Instance.start(_model(_multi(False)), {"reviewers": ["an", "binh"]})
    tasks = instance.ready_human_tasks()
    assert sorted(instance.task_data(t.id)["reviewer"] for t in tasks) == ["an", "binh"]
    for task in tasks:
        instance.complete_human_task(task.id, {})
    assert instance.is_completed()


def test_each_sequential_instance_has_its_own_camunda_element_variable_across_restores() -> None:
    model = _model(_multi(True))
    instance = Instance.start(model, {"reviewers": ["an", "binh", "chi"]})
    seen = []
    while not instance.is_completed():
        instance = Instance.load(model, instance.dump())
        [task] = instance.ready_human_tasks()
        seen.append(instance.task_data(task.id)["reviewer"])
        instance.complete_human_task(task.id, {"note": f"seen by {seen[-1]}"})
    assert seen == ["an", "binh", "chi"]
    assert "reviewer" not in instance.data and instance.data["note"] == "seen by chi"


def test_a_sequential_instance_reads_what_the_one_before_it_computed() -> None:
    body = (
        START_TO.replace('targetRef="t"', 'targetRef="add"')
        + '<bpmn:scriptTask id="add"><bpmn:multiInstanceLoopCharacteristics isSequential="true" '
        'camunda:collection="${numbers}" camunda:elementVariable="n"/>'
        "<bpmn:script>total = total + n</bpmn:script></bpmn:scriptTask>"
        + TO_END.replace('sourceRef="t"', 'sourceRef="add"')
    )
    instance = Instance.start(_model({"m.bpmn": doc(body)}), {"numbers": [1, 2, 3], "total": 0})
    assert instance.is_completed() and instance.data == {"numbers": [1, 2, 3], "total": 6}


def test_task_inputs_and_outputs_wired_to_data_objects_read_and_write_them() -> None:
    body = (
        START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk"><bpmn:ioSpecification>'
        '<bpmn:dataInput id="in1" name="Doc"/><bpmn:dataOutput id="out1" name="Doc"/>'
        "<bpmn:inputSet><bpmn:dataInputRefs>in1</bpmn:dataInputRefs></bpmn:inputSet>"
        "<bpmn:outputSet><bpmn:dataOutputRefs>out1</bpmn:dataOutputRefs></bpmn:outputSet>"
        "</bpmn:ioSpecification>"
        '<bpmn:dataInputAssociation id="ai"><bpmn:sourceRef>ref_a</bpmn:sourceRef>'
        "<bpmn:targetRef>in1</bpmn:targetRef></bpmn:dataInputAssociation>"
        '<bpmn:dataOutputAssociation id="ao"><bpmn:sourceRef>out1</bpmn:sourceRef>'
        "<bpmn:targetRef>ref_b</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:userTask>"
        + '<bpmn:dataObject id="doc"/>'
        + '<bpmn:dataObjectReference id="ref_a" dataObjectRef="doc"/>'
        + '<bpmn:dataObjectReference id="ref_b" dataObjectRef="doc"/>'
        + '<bpmn:scriptTask id="seed">'
        '<bpmn:dataOutputAssociation id="as"><bpmn:targetRef>ref_a</bpmn:targetRef>'
        '</bpmn:dataOutputAssociation><bpmn:script>doc = "draft"</bpmn:script></bpmn:scriptTask>'
        + TO_END
    ).replace(flow("s", "t", "f1"), flow("s", "seed", "f0") + flow("seed", "t", "f1"))
    model = _model({"m.bpmn": doc(body)})
    instance = Instance.start(model, {})
    task = instance.ready_human_tasks()[0]
    assert instance.task_data(task.id)["doc"] == "draft"
    instance.complete_human_task(task.id, {"doc": "signed"})
    assert instance.is_completed()


def test_a_task_input_fed_only_by_a_data_store_is_dropped_with_the_store() -> None:
    body = (
        START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk"><bpmn:ioSpecification>'
        '<bpmn:dataInput id="in1"/><bpmn:inputSet><bpmn:dataInputRefs>in1</bpmn:dataInputRefs>'
        "</bpmn:inputSet><bpmn:outputSet/></bpmn:ioSpecification>"
        '<bpmn:dataInputAssociation id="ai"><bpmn:sourceRef>ds</bpmn:sourceRef>'
        "<bpmn:targetRef>in1</bpmn:targetRef></bpmn:dataInputAssociation></bpmn:userTask>"
        + '<bpmn:dataStoreReference id="ds" dataStoreRef="store"/>'
        + TO_END
    )
    model = _model({"m.bpmn": doc(body, extra='<bpmn:dataStore id="store" name="DB"/>')})
    instance = Instance.start(model, {})
    instance.complete_human_task(instance.ready_human_tasks()[0].id, {})
    assert instance.is_completed()


# -- the conformance driver ----------------------------------------------------------------------


def test_the_driver_enters_what_a_task_declares_it_produces() -> None:
    body = (
        START_TO + '<bpmn:userTask id="t" camunda:candidateGroups="clerk">'
        '<bpmn:dataOutputAssociation id="ao"><bpmn:targetRef>ref</bpmn:targetRef>'
        "</bpmn:dataOutputAssociation></bpmn:userTask>"
        + '<bpmn:dataObject id="checked"/><bpmn:dataObjectReference id="ref" dataObjectRef="checked"/>'
        + TO_END
    )
    files = {"m.bpmn": doc(body)}
    result = drive(_model(files), files)
    assert result.outcome == "completed" and result.human_tasks == ["t"]


def test_the_driver_answers_a_connector_read_with_the_key_the_script_reads() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "svc", "f0")
        + '<bpmn:serviceTask id="svc" camunda:type="external" camunda:topic="pay" '
        'camunda:resultVariable="rate"/>'
        + flow("svc", "t", "f1")
        + '<bpmn:scriptTask id="t"><bpmn:script>salary = float(rate["amount"])</bpmn:script>'
        "</bpmn:scriptTask>" + TO_END
    )
    files = {"m.bpmn": doc(body)}
    assert drive(_model(files), files).outcome == "completed"


def test_a_called_process_in_another_folder_brings_its_forms(tmp_path: Path) -> None:
    caller, callee = tmp_path / "a", tmp_path / "b"
    caller.mkdir()
    callee.mkdir()
    (caller / "main.bpmn").write_bytes(_caller("sub"))
    sub = (
        '<bpmn:startEvent id="s2"/>'
        + flow("s2", "t2", "g1")
        + '<bpmn:userTask id="t2"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="formJsonSchemaFilename" value="f.json"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
        + flow("t2", "e2", "g2")
        + '<bpmn:endEvent id="e2"/>'
    )
    (callee / "sub.bpmn").write_bytes(doc(sub, process_id="sub"))
    (callee / "f.json").write_text(json.dumps({"type": "object"}))
    files = bundle_for(caller / "main.bpmn", tmp_path)
    assert set(files) == {"main.bpmn", "sub.bpmn", "f.json"}
    _, errors, _ = _compile(files, connectors=ConnectorRegistry(accept_any=True))
    assert not errors
