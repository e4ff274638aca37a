"""English messages for failed JSON Schema keywords, naming the field by its title."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# Messages never quote the submitted value: it may be personal data and messages get logged.
_FORMATS = {
    "date": "must be a valid date (YYYY-MM-DD)",
    "date-time": "must be a valid date and time with a time zone (e.g. 2025-03-04T08:30:00+07:00)",
    "time": "must be a valid time (HH:MM:SS)",
    "email": "must be a valid email address",
}
_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "empty",
}
_DIGITS = re.compile(r"\^(?:\[0-9\]|\\d)\{(\d+)(?:,(\d+))?\}\$")
_MAX_LISTED = 20


def label(title: str | None, pointer: str) -> str:
    """How a message names a field: 'Title (/pointer)', or the pointer alone."""
    if not pointer:
        return "The form data"
    return f"{title} ({pointer})" if title else pointer


def show(value: Any) -> str:
    """A schema value as a person reads it: strings bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def listing(values: list[str]) -> str:
    """Values joined by commas, cut after a screenful."""
    shown = ", ".join(values[:_MAX_LISTED])
    return shown + (", ..." if len(values) > _MAX_LISTED else "")


def const_choices(branches: Any) -> list[str] | None:
    """'value (title)' for a oneOf/anyOf made only of const choices, else None."""
    if not isinstance(branches, list) or not branches:
        return None
    if not all(isinstance(b, Mapping) and "const" in b for b in branches):
        return None
    return [show(b["const"]) + (f" ({b['title']})" if b.get("title") else "") for b in branches]


def _pattern(pattern: Any) -> str:
    match = _DIGITS.fullmatch(pattern) if isinstance(pattern, str) else None
    if match is None:
        return f"must match the pattern {pattern}"
    low, high = match[1], match[2]
    if high is None:
        return f"must be {low} digits"
    return f"must be {low} to {high} digits"


def _length(kind: str, limit: int) -> str:
    if kind == "minLength":
        return "must not be empty" if limit == 1 else f"must be at least {limit} characters long"
    return f"must be at most {limit} characters long"


def _items(kind: str, limit: int) -> str:
    if kind == "minItems":
        return "must list at least one item" if limit == 1 else f"must list at least {limit} items"
    return f"must list at most {limit} items"


def predicate(code: str, value: Any) -> str:
    """What the data must do to satisfy the keyword; `value` is the keyword's schema value."""
    simple = {
        "minimum": f"must be at least {show(value)}",
        "maximum": f"must be at most {show(value)}",
        "exclusiveMinimum": f"must be greater than {show(value)}",
        "exclusiveMaximum": f"must be less than {show(value)}",
        "multipleOf": f"must be a multiple of {show(value)}",
        "const": f"must be {show(value)}",
        "uniqueItems": "must not list the same item twice",
        "required": "is required",
        "dependentRequired": "is required",
        "additionalProperties": "is not a field of this form",
        "unevaluatedProperties": "has fields this form does not declare",
        "minProperties": f"must have at least {show(value)} fields",
        "maxProperties": f"must have at most {show(value)} fields",
        "propertyNames": "has a field name that is not allowed",
        "contains": "does not include a required item",
        "not": "is not allowed",
    }
    if code in simple:
        return simple[code]
    if code == "type":
        names = [value] if isinstance(value, str) else list(value)
        return "must be " + " or ".join(_TYPES.get(n, str(n)) for n in names)
    if code == "enum":
        return "must be one of: " + listing([show(v) for v in value])
    if code in ("oneOf", "anyOf"):
        choices = const_choices(value)
        if choices is not None:
            return "must be one of: " + listing(choices)
        return "does not match any allowed alternative"
    if code == "pattern":
        return _pattern(value)
    if code == "format":
        return _FORMATS.get(str(value), f"must be a valid {value}")
    if code in ("minLength", "maxLength"):
        return _length(code, int(value))
    if code in ("minItems", "maxItems"):
        return _items(code, int(value))
    return f"is not valid ({code})"
