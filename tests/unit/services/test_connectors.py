"""The built-in connectors production binds service tasks to: pure, on the command's clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.calendar import default_calendar
from engine.domain.errors import ScriptFailedError
from engine.runtime.compiler import compile_process
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.timekeeping import RuntimeEnv
from engine.services.connectors import NOOP, SET_DATA, WORKING_DAYS, builtin_connectors
from tests.unit.runtime.bpmn_samples import doc, flow

FRIDAY_3PM = datetime(2025, 3, 7, 8, 0, tzinfo=UTC)  # 15:00 in Hanoi


def _service(operator: str, params: str, result: str = "out") -> bytes:
    return doc(
        '<bpmn:startEvent id="s"/>'
        + flow("s", "call", "f1")
        + '<bpmn:serviceTask id="call"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="{result}">'
        f"<spiffworkflow:parameters>{params}</spiffworkflow:parameters>"
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
        + flow("call", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )


def _param(name: str, value: str) -> str:
    return f'<spiffworkflow:parameter id="{name}" type="any" value="{value}"/>'


def _run(bpmn: bytes, data: dict[str, object]) -> Instance:
    calendar = default_calendar()
    registry = builtin_connectors(calendar)
    compiled, problems = compile_process({"m.bpmn": bpmn}, "p", connectors=registry)
    assert compiled is not None, [str(p) for p in problems]
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements)
    env = RuntimeEnv(now=lambda: FRIDAY_3PM, calendar=calendar)
    return Instance.start(model, data, env, registry)


def test_working_days_counts_office_time_from_the_commands_clock() -> None:
    instance = _run(_service(WORKING_DAYS, _param("days", "1.5")), {})
    assert instance.is_completed()
    assert instance.data["out"] == {"due_at": "2025-03-11T09:30:00+07:00"}


def test_set_data_returns_its_evaluated_parameters() -> None:
    params = _param("office", "'Một cửa'") + _param("total", "fee * 2")
    instance = _run(_service(SET_DATA, params), {"fee": 50})
    assert instance.data["out"] == {"office": "Một cửa", "total": 100}


def test_noop_completes_with_an_empty_result() -> None:
    assert _run(_service(NOOP, ""), {}).data["out"] == {}


def test_working_days_refuses_a_missing_number_as_a_script_failure() -> None:
    from engine.domain.errors import ScriptFailedError

    with pytest.raises(ScriptFailedError, match="needs a number of days"):
        _run(_service(WORKING_DAYS, ""), {})


@pytest.mark.parametrize("days", ["'abc'", "'nan'", "'inf'", "True"])
def test_working_days_refuses_what_is_no_finite_number(days: str) -> None:
    from engine.domain.errors import ScriptFailedError

    with pytest.raises(ScriptFailedError, match="needs a number of days"):
        _run(_service(WORKING_DAYS, _param("days", days)), {})


def test_working_days_takes_a_number_written_as_text() -> None:
    instance = _run(_service(WORKING_DAYS, _param("days", "'1.5'")), {})
    assert instance.data["out"] == {"due_at": "2025-03-11T09:30:00+07:00"}


def test_the_builtin_registry_knows_only_its_own_keys() -> None:
    registry = builtin_connectors()
    assert registry.knows(NOOP) and not registry.knows("topic:payments")
    assert RuntimeEnv(now=lambda: FRIDAY_3PM).connectors is None


def _worker_run(bpmn: bytes, data: dict[str, object], answer: object) -> Instance:
    """Run bpmn with the Camunda topic `decide` answered by `answer(data)`."""
    registry = ConnectorRegistry()
    registry.register("topic:decide", lambda params, case: answer(case))  # type: ignore[operator]
    compiled, problems = compile_process({"m.bpmn": bpmn}, "p", connectors=registry)
    assert compiled is not None, [str(p) for p in problems]
    model = LoadedModel.from_json("h", compiled.spec_json, compiled.elements)
    return Instance.start(model, data, RuntimeEnv(now=lambda: FRIDAY_3PM), registry)


def _camunda_external(result: str = "") -> bytes:
    """A Camunda external task whose worker decides `approved`, then a gateway reading it (from
    the named result variable, when there is one)."""
    named = f' camunda:resultVariable="{result}"' if result else ""
    read = f"{result}.approved" if result else "approved"
    return doc(
        '<bpmn:startEvent id="s"/>'
        + flow("s", "check", "f1")
        + f'<bpmn:serviceTask id="check" camunda:type="external" camunda:topic="decide"{named}/>'
        + flow("check", "g", "f2")
        + '<bpmn:exclusiveGateway id="g" default="no"/>'
        + flow("g", "yes_end", "yes", "${" + read + "}")
        + flow("g", "no_end", "no")
        + '<bpmn:endEvent id="yes_end"/><bpmn:endEvent id="no_end"/>'
    )


def _decide(case: dict[str, object]) -> dict[str, bool]:
    return {"approved": int(str(case["amount"])) < 1000}


def test_a_camunda_workers_answer_becomes_case_variables_the_gateway_reads() -> None:
    instance = _worker_run(_camunda_external(), {"amount": 300}, _decide)
    assert instance.is_completed() and instance.data["approved"] is True
    assert not [name for name in instance.data if name.startswith("spiff__")]
    assert _worker_run(_camunda_external(), {"amount": 3000}, _decide).data["approved"] is False


def test_a_named_result_variable_keeps_the_workers_answer_whole() -> None:
    instance = _worker_run(_camunda_external("check_answer"), {"amount": 300}, _decide)
    assert instance.data["check_answer"] == {"approved": True}
    assert "approved" not in instance.data


def test_an_answer_that_is_not_variables_is_a_clear_error_when_none_is_named() -> None:
    with pytest.raises(ScriptFailedError, match="answered list, not an object of variables"):
        _worker_run(_camunda_external(), {"amount": 1}, lambda case: [1, 2])


@pytest.mark.parametrize(
    ("binding", "inputs"),
    [
        (
            'camunda:type="external" camunda:topic="motcua.working_days"',
            "<camunda:inputOutput>"
            '<camunda:inputParameter name="days">1.5</camunda:inputParameter>'
            "</camunda:inputOutput>",
        ),
        (
            "",
            '<zeebe:taskDefinition type="motcua.working_days"/>'
            '<zeebe:ioMapping><zeebe:input source="=1.5" target="days"/></zeebe:ioMapping>',
        ),
    ],
    ids=["camunda-topic", "zeebe-job-type"],
)
def test_a_built_in_is_reached_from_camunda_modeler_and_sets_case_variables(
    binding: str, inputs: str
) -> None:
    bpmn = doc(
        '<bpmn:startEvent id="s"/>'
        + flow("s", "due", "f1")
        + f'<bpmn:serviceTask id="due" {binding}><bpmn:extensionElements>{inputs}'
        "</bpmn:extensionElements></bpmn:serviceTask>"
        + flow("due", "e", "f2")
        + '<bpmn:endEvent id="e"/>'
    )
    instance = _run(bpmn, {})
    assert instance.is_completed()
    assert instance.data["due_at"] == "2025-03-11T09:30:00+07:00"
