"""Sequential multi-instance activities whose element variable is local to each instance.

Camunda's `camunda:elementVariable` (and BPMN's inputDataItem) is local to one instance. The
library copies each finished instance's data back into the activity, the element variable too,
and then refuses to start the next instance because the variable "already exists"; a parallel
multi-instance escapes this only because its instances all start before any finishes. Here an
instance's element and output variables stay with it: what it computed is merged, they are not.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.spiff.specs.defaults import (
    SequentialMultiInstanceTask as _SequentialMultiInstanceTask,
)


class SequentialMultiInstanceTask(_SequentialMultiInstanceTask):  # type: ignore[misc]
    """The library's sequential multi-instance, with instance-local element variables."""

    def merge_child(self, workflow: Any, child: Any) -> None:
        """Merge a finished instance's data without its element variables, then go on."""
        if self.data_output is None:  # otherwise only the output item is copied, into the output
            for item in (self.input_item, self.output_item):
                if item is not None:
                    child.data.pop(item.bpmn_id, None)
        super().merge_child(workflow, child)
