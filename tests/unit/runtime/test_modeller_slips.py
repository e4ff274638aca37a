"""SpiffArena's two schema slips deploy with a warning and run as meant; anything else is refused."""

from __future__ import annotations

from pathlib import Path

from engine.domain.errors import ModelProblem
from engine.runtime.compiler import compile_process
from engine.runtime.instance import Instance, LoadedModel
from engine.services.bundles import check_bundle
from engine.services.conformance import bundle_for
from tests.unit.runtime.bpmn_samples import doc, flow

CORPUS = Path(__file__).resolve().parents[2] / "conformance" / "corpus" / "spiff-sample-models"


def _compile(xml: bytes) -> tuple[LoadedModel | None, list[ModelProblem], list[ModelProblem]]:
    compiled, problems = compile_process({"m.bpmn": xml}, "p")
    errors = [p for p in problems if p.severity == "error"]
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements) if compiled else None
    return model, errors, [p for p in problems if p.severity == "warning"]


def _line_of(xml: bytes, text: str) -> int:
    return next(i for i, line in enumerate(xml.decode().splitlines(), 1) if text in line)


# -- escalation errorCode ------------------------------------------------------------------------


def _escalation_model(thrown: str, caught: str, decoy: str) -> bytes:
    """A subprocess throws escalation `thrown`; boundary events catch `decoy`, then `caught`.

    Each boundary leads to a user task of its own: escalations without codes would reach both.
    """
    body = (
        '<bpmn:startEvent id="s"/>'
        + flow("s", "sub", "f1")
        + '<bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/>'
        + flow("ss", "raise", "g1")
        + '<bpmn:intermediateThrowEvent id="raise">'
        '<bpmn:escalationEventDefinition escalationRef="esc_thrown"/></bpmn:intermediateThrowEvent>'
        + flow("raise", "se", "g2")
        + '<bpmn:endEvent id="se"/></bpmn:subProcess>'
        + flow("sub", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
        '<bpmn:boundaryEvent id="on_other" attachedToRef="sub">'
        '<bpmn:escalationEventDefinition escalationRef="esc_other"/></bpmn:boundaryEvent>'
        + flow("on_other", "handle_other", "f3")
        + '<bpmn:userTask id="handle_other"/>'
        + flow("handle_other", "e", "f4")
        + '<bpmn:boundaryEvent id="on_code" attachedToRef="sub">'
        '<bpmn:escalationEventDefinition escalationRef="esc_caught"/></bpmn:boundaryEvent>'
        + flow("on_code", "handle_code", "f5")
        + '<bpmn:userTask id="handle_code"/>'
        + flow("handle_code", "e", "f6")
    )
    return doc(
        body,
        extra=(
            f'<bpmn:escalation id="esc_thrown" name="Thrown" {thrown}/>\n'
            f'<bpmn:escalation id="esc_other" name="Other" {decoy}/>\n'
            f'<bpmn:escalation id="esc_caught" name="Caught" {caught}/>\n'
        ),
    )


def test_an_escalation_error_code_is_read_as_its_escalation_code_with_a_warning() -> None:
    xml = _escalation_model('errorCode="26"', 'errorCode="26"', 'errorCode="27"')
    model, errors, warnings = _compile(xml)
    assert not errors and model is not None, [str(e) for e in errors]
    slips = [w for w in warnings if "errorCode" in w.message]
    assert [(w.element_id, w.line) for w in slips] == [
        ("esc_thrown", _line_of(xml, 'id="esc_thrown"')),
        ("esc_other", _line_of(xml, 'id="esc_other"')),
        ("esc_caught", _line_of(xml, 'id="esc_caught"')),
    ]
    assert 'read as escalationCode "26"' in slips[0].message and slips[0].fix


def test_a_repaired_escalation_is_caught_by_its_code_not_by_any_boundary_event() -> None:
    model, errors, _ = _compile(
        _escalation_model('errorCode="26"', 'errorCode="26"', 'errorCode="27"')
    )
    assert not errors and model is not None
    instance = Instance.load(model, Instance.start(model, {}).dump())
    assert [t.element_id for t in instance.ready_human_tasks()] == ["handle_code"]
    instance.complete_human_task(instance.ready_human_tasks()[0].id, {})
    assert instance.is_completed()


def test_an_error_code_beside_the_same_escalation_code_is_dropped_with_a_warning() -> None:
    xml = _escalation_model(
        'escalationCode="26" errorCode="26"', 'escalationCode="26"', 'escalationCode="27"'
    )
    model, errors, warnings = _compile(xml)
    assert not errors and model is not None
    assert [w.element_id for w in warnings if "errorCode" in w.message] == ["esc_thrown"]
    ready = Instance.start(model, {}).ready_human_tasks()
    assert [t.element_id for t in ready] == ["handle_code"]


def test_an_empty_escalation_error_code_is_read_as_no_code() -> None:
    xml = _escalation_model('errorCode=""', 'errorCode="26"', 'errorCode="27"')
    model, errors, warnings = _compile(xml)
    assert not errors and model is not None
    [slip] = [w for w in warnings if w.element_id == "esc_thrown"]
    assert "read as an escalation without code" in slip.message


def test_an_escalation_with_an_error_code_and_another_escalation_code_is_refused() -> None:
    xml = _escalation_model(
        'escalationCode="26" errorCode="27"', 'escalationCode="26"', 'escalationCode="27"'
    )
    model, errors, _ = _compile(xml)
    assert model is None
    assert [(e.element_id, e.line) for e in errors] == [
        ("esc_thrown", _line_of(xml, 'id="esc_thrown"'))
    ]
    assert 'errorCode="27" and escalationCode="26"' in errors[0].message


# -- messageRef on an event ----------------------------------------------------------------------

MESSAGE = '<bpmn:message id="Message_1" name="apply"/>\n'


def _message_start(start: str) -> bytes:
    return doc(
        start
        + flow("s", "t", "f1")
        + '<bpmn:userTask id="t"/>'
        + flow("t", "e", "f2")
        + '<bpmn:endEvent id="e"/>',
        extra=MESSAGE,
    )


def test_a_stray_message_ref_on_a_message_start_event_is_dropped_with_a_warning() -> None:
    xml = _message_start(
        '<bpmn:startEvent id="s" messageRef="[object Object]">\n'
        '<bpmn:messageEventDefinition id="d1" messageRef="Message_1"/></bpmn:startEvent>'
    )
    model, errors, warnings = _compile(xml)
    assert not errors and model is not None, [str(e) for e in errors]
    [slip] = [w for w in warnings if "messageRef" in w.message]
    assert (slip.element_id, slip.line) == ("s", _line_of(xml, 'id="s"'))
    assert 'messageRef="[object Object]"' in slip.message and "'apply'" in slip.message


def test_the_repaired_message_start_event_starts_the_case_on_its_message() -> None:
    model, _, _ = _compile(
        _message_start(
            '<bpmn:startEvent id="s" messageRef="[object Object]">'
            '<bpmn:messageEventDefinition id="d1" messageRef="Message_1"/></bpmn:startEvent>'
        )
    )
    assert model is not None and model.start_messages == ["apply"]
    started = Instance.start(model, {})
    started.correlate_with("UBND-1")
    instance = Instance.load(model, started.dump())
    assert instance.ready_human_tasks() == []
    delivery = instance.deliver_message("UBND-1", "apply", {"name": "An"}, {"dossier": "UBND-1"})
    assert delivery is not None and (delivery.element_id, delivery.kind) == ("s", "start")
    assert [t.element_id for t in instance.ready_human_tasks()] == ["t"]


def test_a_message_ref_on_an_event_without_a_message_definition_is_refused() -> None:
    xml = _message_start('<bpmn:startEvent id="s" messageRef="Message_1"/>')
    model, errors, _ = _compile(xml)
    assert model is None
    assert [(e.element_id, e.line) for e in errors] == [("s", _line_of(xml, 'id="s"'))]
    assert "no message event definition" in errors[0].message and "'apply'" in errors[0].message


def test_a_message_ref_naming_another_message_than_the_definition_is_refused() -> None:
    xml = doc(
        '<bpmn:startEvent id="s" messageRef="Message_2">'
        '<bpmn:messageEventDefinition messageRef="Message_1"/></bpmn:startEvent>'
        + flow("s", "e", "f1")
        + '<bpmn:endEvent id="e"/>',
        extra=MESSAGE + '<bpmn:message id="Message_2" name="withdraw"/>\n',
    )
    model, errors, _ = _compile(xml)
    assert model is None and [e.element_id for e in errors] == ["s"]
    assert "'withdraw'" in errors[0].message and "'apply'" in errors[0].message


def test_a_message_ref_naming_nothing_on_a_plain_event_is_refused_by_the_schema() -> None:
    model, errors, _ = _compile(_message_start('<bpmn:startEvent id="s" messageRef="x"/>'))
    assert model is None
    assert [e.message for e in errors] == [
        "not valid BPMN/DMN (XSD): Element 'bpmn:startEvent', attribute 'messageRef': "
        "The attribute 'messageRef' is not allowed."
    ]


def test_any_other_schema_error_is_still_refused() -> None:
    xml = _escalation_model('errorCode="26"', 'errorCode="26" priority="high"', 'errorCode="27"')
    model, errors, _ = _compile(xml)
    assert model is None
    assert [(e.line, e.message) for e in errors] == [
        (
            _line_of(xml, 'id="esc_caught"'),
            "not valid BPMN/DMN (XSD): Element 'bpmn:escalation', attribute 'priority': "
            "The attribute 'priority' is not allowed.",
        )
    ]


# -- the SpiffArena sample models ----------------------------------------------------------------


def test_the_spiffarena_samples_deploy_with_their_slips_as_warnings_and_bytes_unchanged() -> None:
    folder = CORPUS / "misc" / "manual-task-with-subprocesses"
    files = bundle_for(folder / "test_process_to_call.bpmn", CORPUS)
    original = dict(files)
    bundle = check_bundle(files)
    assert bundle.ok, [str(p) for p in bundle.problems]
    [slip] = [p for p in bundle.problems if p.severity == "warning" and "errorCode" in p.message]
    assert (slip.file, slip.line, slip.element_id) == (
        "test_process_to_call.bpmn",
        57,
        "Escalation_18qf8th",
    )
    assert bundle.files == original and b'errorCode="26"' in bundle.files[slip.file]
