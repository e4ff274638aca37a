"""A service task whose connector's answer becomes case variables, as Camunda and Zeebe do.

A Camunda external-task worker or Java delegate, and a Zeebe job worker, set process variables:
the worker's answer is merged into the case, and the next gateway reads `approved` directly.
SpiffWorkflow instead keeps the whole answer in one variable (`spiff__<task>_result`) when the
model names none. A task bound the Camunda or Zeebe way without a result variable (and, for
Zeebe, without output mappings, which then choose what leaves the task) is compiled with the
result variable MERGE_RESULT, and ServiceTask below merges the answer's keys into the case data.
A task that names its result variable, and SpiffArena's operators, keep the library's behaviour.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask

MERGE_RESULT = "*"
"""The result variable that means: merge the answer's keys into the case data."""


class ServiceTask(SpiffServiceTask):  # type: ignore[misc]
    """SpiffWorkflow's service task; with MERGE_RESULT, the answer's keys become variables."""

    def _execute(self, task: Any) -> bool:
        done = bool(super()._execute(task))  # the library stores the answer under its name
        if self.result_variable != MERGE_RESULT:
            return done
        answer = task.data.pop(MERGE_RESULT)
        if answer is None:
            return done
        if not isinstance(answer, dict) or not all(isinstance(k, str) for k in answer):
            raise WorkflowTaskException(
                f"connector '{self.operation_name}' answered {type(answer).__name__}, not an "
                "object of variables; name a result variable on the task to keep it whole",
                task=task,
            )
        task.data.update(answer)
        return done
