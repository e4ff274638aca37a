"""The ui schema (react-jsonschema-form uiSchema): generate one, and check a given one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.schema_walk import (
    MAX_SCHEMA_DEPTH,
    Schema,
    declared_properties,
    is_object_schema,
    is_read_only,
    item_schema,
    keyword,
    types_of,
)

LONG_TEXT = 200


def generate_ui_schema(root: Schema) -> dict[str, Any]:
    """A ui schema from the JSON Schema: field order, read-only fields, textareas for long text."""
    return _field(root, root, 0)


def _field(schema: Schema, root: Schema, depth: int) -> dict[str, Any]:
    ui: dict[str, Any] = {}
    if depth > MAX_SCHEMA_DEPTH:
        return ui
    items = item_schema(schema, root)
    if is_object_schema(schema, root):
        properties = declared_properties(schema, root)
        ui["ui:order"] = list(properties)
        for name, prop in properties.items():
            entry = _field(prop, root, depth + 1)
            if entry:
                ui[name] = entry
    elif items is not None and is_object_schema(items, root):
        ui["items"] = _field(items, root, depth + 1)
    if is_read_only(schema, root):
        ui["ui:readonly"] = True
    max_length = keyword(schema, root, "maxLength")
    types = types_of(schema, root)
    is_text = types is not None and "string" in types
    if is_text and isinstance(max_length, int) and max_length > LONG_TEXT:
        ui["ui:widget"] = "textarea"
    return ui


def ui_problems(root: Schema, ui: Any) -> list[str]:
    """What would make react-jsonschema-form fail on this ui schema (empty when fine)."""
    if not isinstance(ui, Mapping):
        return ["ui schema: must be a JSON object"]
    problems: list[str] = []
    _check(root, root, ui, "", problems, 0)
    return problems


def _check(
    schema: Schema, root: Schema, ui: Mapping[str, Any], where: str, problems: list[str], depth: int
) -> None:
    if depth > MAX_SCHEMA_DEPTH:
        return
    items = item_schema(schema, root)
    if items is not None and isinstance(ui.get("items"), Mapping):
        _check(items, root, ui["items"], f"{where}/items", problems, depth + 1)
    if not is_object_schema(schema, root):
        return
    properties = declared_properties(schema, root)
    order = ui.get("ui:order")
    at = where or "(root)"
    if order is not None:
        if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
            problems.append(f"ui schema: ui:order at {at} must be a list of property names")
        elif order.count("*") > 1:
            problems.append(f"ui schema: ui:order at {at} has more than one '*'")
        elif "*" not in order:
            # react-jsonschema-form throws when the order leaves a property out without a '*'.
            left_out = [name for name in properties if name not in order]
            if left_out:
                problems.append(
                    f"ui schema: ui:order at {at} leaves out {', '.join(left_out)} "
                    "(list them or add '*')"
                )
    for name, prop in properties.items():
        if isinstance(ui.get(name), Mapping):
            _check(prop, root, ui[name], f"{where}/{name}", problems, depth + 1)
