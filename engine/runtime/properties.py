"""Element properties read from any modeller's dialect into the one contract the services read.

The `elements` table stores, per element id, `properties`: str -> str. Keys the services use:
candidateGroups, candidateUsers, assignee, formJsonSchemaFilename, formUiSchemaFilename, formKey,
portalStatus, slip, allotment. SpiffArena writes them as `spiffworkflow:properties`; Camunda
Modeler as attributes (`camunda:candidateGroups`, `camunda:formKey`, `camunda:dueDate`) and
`camunda:properties`; Flowable and Activiti as their own attributes; Zeebe as
`zeebe:assignmentDefinition`, `zeebe:formDefinition` and `zeebe:properties`/`taskHeaders`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from engine.calendar import InvalidTimeLimitError, parse_limit

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
VENDORS = (CAMUNDA, FLOWABLE, ACTIVITI)

_ATTRIBUTES = (
    "candidateGroups",
    "candidateUsers",
    "assignee",
    "formKey",
    "formRef",
    "dueDate",
    "followUpDate",
    "priority",
)
_FORM_PREFIX = re.compile(r"^(?:embedded:)?(?:app:|deployment:|camunda-forms:)*")


def _ext(element: etree._Element) -> etree._Element | None:
    return element.find(f"{{{BPMN}}}extensionElements")


def _property_lists(ext: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ns in (*VENDORS, ZEEBE, SPIFF):
        for prop in ext.findall(f"{{{ns}}}properties/{{{ns}}}property"):
            if prop.get("name"):
                found[prop.get("name", "")] = prop.get("value", "")
    for header in ext.findall(f"{{{ZEEBE}}}taskHeaders/{{{ZEEBE}}}header"):
        if header.get("key"):
            found.setdefault(header.get("key", ""), header.get("value", ""))
    return found


def _zeebe(ext: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    assignment = ext.find(f"{{{ZEEBE}}}assignmentDefinition")
    if assignment is not None:
        for key in ("assignee", "candidateGroups", "candidateUsers"):
            if assignment.get(key):
                found[key] = assignment.get(key, "").lstrip("=").strip()
    form = ext.find(f"{{{ZEEBE}}}formDefinition")
    if form is not None:
        key = form.get("formKey") or form.get("formId") or ""
        if key:
            found["formKey"] = key
    return found


def _vendor_attributes(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in _ATTRIBUTES:
        for ns in VENDORS:
            value = element.get(f"{{{ns}}}{name}")
            if value:
                found[name] = value.strip()
                break
    return found


def _is_limit(text: str) -> bool:
    try:
        parse_limit(text)
    except (InvalidTimeLimitError, ValueError):
        return False
    return True


def resolve_file(ref: str, files: Mapping[str, bytes]) -> str:
    """The bundle path a form reference means: itself, or the one file with that base name."""
    if ref in files:
        return ref
    base = ref.replace("\\", "/").rsplit("/", 1)[-1]
    matches = [name for name in files if name.rsplit("/", 1)[-1] == base]
    return matches[0] if len(matches) == 1 else ref


def element_properties(
    element: etree._Element, files: Mapping[str, bytes] | None = None
) -> dict[str, str]:
    """Every property an element carries, in any dialect, under the engine's key names.

    With `files`, form references are resolved to bundle paths (modellers write base names).
    """
    props = _vendor_attributes(element)
    ext = _ext(element)
    if ext is not None:
        props.update(_zeebe(ext))
        props.update(_property_lists(ext))  # explicit properties win over attributes
    form_key = _FORM_PREFIX.sub("", props.get("formKey", ""))
    if form_key.endswith(".json") and "formJsonSchemaFilename" not in props:
        props["formJsonSchemaFilename"] = form_key
    due = props.get("dueDate", "")
    if "allotment" not in props and due and _is_limit(due):
        props["allotment"] = due.strip().upper()
    if files is not None:
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            if props.get(key):
                props[key] = resolve_file(props[key], files)
    return props


def form_fields(element: etree._Element) -> list[dict[str, Any]]:
    """Camunda/Flowable generated form fields (`camunda:formData`, `flowable:formProperty`)."""
    ext = _ext(element)
    if ext is None:
        return []
    fields: list[dict[str, Any]] = []
    for ns in VENDORS:
        for field in ext.iter(f"{{{ns}}}formField", f"{{{ns}}}formProperty"):
            values = [
                v.get("id", "") or v.get("name", "")
                for v in field
                if isinstance(v.tag, str) and etree.QName(v).localname == "value"
            ]
            required = (
                any(c.get("name") == "required" for c in field.iter(f"{{{ns}}}constraint"))
                or field.get("required") == "true"
            )
            fields.append(
                {
                    "id": field.get("id", ""),
                    "type": field.get("type", "string"),
                    "label": field.get("label") or field.get("name") or "",
                    "default": field.get("defaultValue") or field.get("default") or None,
                    "values": values,
                    "required": required,
                    "writable": field.get("writable", "true") != "false",
                }
            )
    return fields
