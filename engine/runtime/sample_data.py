"""Plausible data for a form or a condition, as a test driver fills them (never used for cases).

`from_schema` builds a value that satisfies a simple JSON Schema (first choice of each enum or
oneOf, minimums, required properties); `from_fields` does the same for Camunda/Flowable generated
form fields and Camunda Forms (.form) components; `condition_defaults` reads the names a
condition tests and proposes values under which it evaluates without error.
"""

from __future__ import annotations

import ast
from typing import Any

MAX_DEPTH = 6


def from_schema(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A value valid for a simple JSON Schema (best effort; validation decides)."""
    root = root if root is not None else schema
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return "x"
    if "$ref" in schema and isinstance(schema["$ref"], str) and schema["$ref"].startswith("#/"):
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return from_schema(target, root, depth + 1)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return from_schema(schema[key][0], root, depth + 1)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: from_schema(sub, root, depth + 1) for name, sub in props.items()}
    if kind == "array":
        count = int(schema.get("minItems", 0) or 0)
        item = schema.get("items", {})
        return [from_schema(item, root, depth + 1) for _ in range(count)]
    if kind in {"integer", "number"}:
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return _string(schema)


# RJSF widgets (SpiffArena's UI schemas) that make a plain string field a date or a date-time.
_WIDGET_FORMATS = {
    "date": "date",
    "alt-date": "date",
    "datetime": "date-time",
    "date-time": "date-time",
    "alt-datetime": "date-time",
}


def with_widgets(schema: Any, ui: Any) -> Any:
    """schema with the date formats its UI schema's widgets imply: a picker gives ISO-8601 text."""
    if not isinstance(schema, dict) or not isinstance(ui, dict):
        return schema
    props = dict(schema.get("properties") or {})
    for name, hints in ui.items():
        widget = hints.get("ui:widget") if isinstance(hints, dict) else None
        field = props.get(name)
        if isinstance(widget, str) and widget in _WIDGET_FORMATS and isinstance(field, dict):
            if field.get("type", "string") == "string" and "format" not in field:
                props[name] = {**field, "format": _WIDGET_FORMATS[widget]}
    return {**schema, "properties": props}


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format", "")
    if fmt == "date":
        return "2025-03-04"
    if fmt == "date-time":
        return "2025-03-04T09:00:00+07:00"
    if fmt == "email":
        return "test@example.org"
    if schema.get("pattern") == "^[0-9]{12}$":
        return "001234567890"
    return "1" * max(1, int(schema.get("minLength", 1) or 1))


_FIELD_VALUES: dict[str, Any] = {
    "boolean": True,
    "long": 1,
    "integer": 1,
    "double": 1.0,
    "date": "2025-03-04",
    "string": "1",
    "textfield": "1",
    "textarea": "1",
    "number": 1,
    "checkbox": True,
    "datetime": "2025-03-04T09:00:00+07:00",
}


def from_fields(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Values for Camunda generated form fields (id, type, default, values)."""
    data: dict[str, Any] = {}
    for field in fields:
        key = field.get("id") or field.get("key")
        if not key or field.get("writable") is False:
            continue
        if field.get("default") not in (None, ""):
            data[key] = field["default"]
        elif field.get("values"):
            first = field["values"][0]
            data[key] = first.get("value") if isinstance(first, dict) else first
        else:
            data[key] = _FIELD_VALUES.get(str(field.get("type", "string")).lower(), "1")
    return data


def from_camunda_form(document: Any) -> dict[str, Any]:
    """Values for the components of a Camunda Forms (.form) JSON document."""
    fields = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("key") and node.get("type") not in {"button", "text"}:
                fields.append(
                    {
                        "key": node["key"],
                        "type": node.get("type"),
                        "default": node.get("defaultValue"),
                        "values": node.get("values") or [],
                    }
                )
            for child in node.get("components", []):
                walk(child)

    walk(document)
    return from_fields(fields)


def _path(node: ast.expr) -> list[Any] | None:
    parts: list[Any] = []
    while isinstance(node, ast.Subscript):
        key = node.slice
        if not isinstance(key, ast.Constant):
            return None
        parts.insert(0, key.value)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *parts]
    return None


_STR_METHODS = frozenset({"lower", "upper", "strip", "startswith", "endswith"})


def _compared(node: ast.expr) -> ast.expr:
    """The value a comparison tests: `x` for `x.lower() == 'a'` (the string's own case)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _STR_METHODS
    ):
        return _compared(node.func.value)
    return node


def _put(data: dict[str, Any], path: list[Any], value: Any) -> None:
    target = data
    for part in path[:-1]:
        nxt = target.get(part)
        if not isinstance(nxt, dict):
            nxt = target[part] = {}
        target = nxt
    target.setdefault(path[-1], value)


def condition_defaults(expressions: list[str], known: set[str]) -> dict[str, Any]:
    """Values for names that conditions test and nothing else provides (first comparison wins)."""
    data: dict[str, Any] = {}
    for text in expressions:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        called = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        known = known | called
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and isinstance(node.comparators[0], ast.Constant):
                path = _path(_compared(node.left))
                if path and path[0] not in known:
                    _put(data, path, node.comparators[0].value)
            elif isinstance(node, (ast.Name, ast.Subscript)) and isinstance(node.ctx, ast.Load):
                path = _path(node)
                if path and path[0] not in known and path[0] not in {"True", "False", "None"}:
                    _put(data, path, True)
    return data


LIST_METHODS = frozenset({"append", "extend", "insert", "pop", "remove"})


def guess_value(name: str, source: str) -> Any:
    """A value for a variable the code reads but nothing set: iterated or appended to -> list,
    joined -> a list of texts, read by key -> a dict, else 1."""
    try:
        tree = ast.parse(source.strip() or "0", mode="exec")
    except (SyntaxError, ValueError):
        return 1
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name):
            if node.iter.id == name:
                return [1, 2]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and node.attr in LIST_METHODS
        ):
            return []
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name):
            if node.left.id == name and isinstance(node.comparators[0], ast.Constant):
                return node.comparators[0].value
        if (  # name["key"]: a record (its keys are supplied as they are read)
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            return {}
        if (  # ", ".join(name): a list of texts
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and any(isinstance(a, ast.Name) and a.id == name for a in node.args)
        ):
            return ["1", "2"]
    return 1


def condition_candidates(expressions: list[str]) -> dict[str, list[Any]]:
    """Per top-level name the values conditions test it against, to try in turn in loops."""
    found: dict[str, list[Any]] = {}

    def add(name: str, value: Any) -> None:
        values = found.setdefault(name, [])
        if value not in values:
            values.append(value)

    for text in expressions:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            left = _compared(node.left) if isinstance(node, ast.Compare) else None
            if isinstance(node, ast.Compare) and isinstance(left, ast.Name):
                for comparator in node.comparators:
                    if isinstance(comparator, ast.Constant):
                        value = comparator.value
                        add(left.id, value)
                        if isinstance(value, (int, float)) and not isinstance(value, bool):
                            add(left.id, value + 1)
                            add(left.id, value - 1)
            elif isinstance(node, ast.Name) and node.id not in {"True", "False", "None"}:
                add(node.id, True)
                add(node.id, False)
    return found
