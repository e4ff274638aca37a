"""Element properties that drive the one-stop rules are checked at deploy."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.runtime.lint import lint_process
from tests.unit.runtime.bpmn_samples import doc, flow


def _with_status(value: str) -> bytes:
    return doc(
        '<bpmn:startEvent id="start"/>'
        + flow("start", "receive", "f1")
        + '<bpmn:task id="receive"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="portalStatus" value="{value}"/>'
        "</camunda:properties></bpmn:extensionElements></bpmn:task>"
        + flow("receive", "end", "f2")
        + '<bpmn:endEvent id="end"/>'
    )


def _status_problems(value: str) -> list[str]:
    root = etree.fromstring(_with_status(value))
    return [
        p.message for p in lint_process("p.bpmn", root, {}, None) if "portalStatus" in p.message
    ]


@pytest.mark.parametrize("value", ["1", "4", "10"])
def test_a_portal_code_is_accepted(value: str) -> None:
    assert _status_problems(value) == []


@pytest.mark.parametrize("value", ["0", "11", "04", "³", "٣", "x", "", " 2"])
def test_anything_else_is_refused_naming_the_value(value: str) -> None:
    assert _status_problems(value) == [f"portalStatus '{value}' is not a portal code 1-10"]
