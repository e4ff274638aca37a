"""Our SpiffWorkflow configuration: the parser that builds specs and the registry that stores them.

Two library defects are fixed here, where specs are made and restored:

* joins (engine.runtime.joins) replace the library's parallel, inclusive and end joins. They are
  registered under the library's type names, so the stored JSON is unchanged and the specs of
  model versions deployed before the fix load into the fixed classes too;
* the Spiff parser builds a script task without its `spiffworkflow:preScript` and `postScript`
  (SpiffWorkflow/spiff/parser/task_spec.py, ScriptTaskParser), although the spec class runs them
  for every other task; ours passes them on, so they run: pre before the script, post after.

Cycle timers are restored as engine.runtime.cron.CycleTimer, sequential multi-instances as
engine.runtime.loops.SequentialMultiInstanceTask and service tasks as
engine.runtime.service_task.ServiceTask, under the library's type names so stored specs load into
them: the first also runs Quartz cron cycles and starts a case once from a cycle start event, the
second keeps each instance's element variable to that instance, the third merges a Camunda- or
Zeebe-bound connector's answer into the case data.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, GatewayParser
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import (
    BpmnTaskSpecConverter,
    ConditionalGatewayConverter,
    ParallelGatewayConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ScriptTaskParser, ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import (
    ServiceTaskConverter,
    SpiffMultiInstanceConverter,
)
from SpiffWorkflow.spiff.specs.defaults import ScriptTask

from engine.runtime.cron import CycleTimer
from engine.runtime.joins import JOIN_TYPENAMES, EndJoin, InclusiveGateway, ParallelGateway
from engine.runtime.loops import SequentialMultiInstanceTask
from engine.runtime.service_task import ServiceTask

_CONVERTERS = {
    ParallelGateway: ParallelGatewayConverter,
    InclusiveGateway: ConditionalGatewayConverter,
    EndJoin: BpmnTaskSpecConverter,
}


class _ScriptTaskParser(ScriptTaskParser):  # type: ignore[misc]
    """A script task with its pre- and post-script (the library's parser drops them)."""

    def create_task(self) -> Any:
        script = None
        for child in self.node:
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                script = child.text
        extensions = self.parse_extensions()
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            script,
            prescript=extensions.get("preScript"),
            postscript=extensions.get("postScript"),
            **self.bpmn_attributes,
        )


class MotcuaBpmnParser(SpiffBpmnParser):  # type: ignore[misc]
    """The Spiff parser with our script tasks and joins."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("scriptTask"): (_ScriptTaskParser, ScriptTask),
        full_tag("serviceTask"): (ServiceTaskParser, ServiceTask),
        full_tag("parallelGateway"): (GatewayParser, ParallelGateway),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, InclusiveGateway),
    }


def make_registry() -> Any:
    """A serializer registry for Spiff specs and states that restores our joins."""
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    for cls, typename in JOIN_TYPENAMES.items():
        _CONVERTERS[cls](cls, registry, typename=typename)
    TimerConditionalEventDefinitionConverter(
        CycleTimer, registry, typename="CycleTimerEventDefinition"
    )
    SpiffMultiInstanceConverter(
        SequentialMultiInstanceTask, registry, typename="SequentialMultiInstanceTask"
    )
    ServiceTaskConverter(ServiceTask, registry, typename="ServiceTask")
    return registry
