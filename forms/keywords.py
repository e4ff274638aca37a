"""Keyword implementations that replace jsonschema's where hostile data could make them slow."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend


def json_key(value: Any) -> Any:
    """A hashable key equal for equal JSON values (1 == 1.0, but true != 1, as JSON Schema says)."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", value)  # Python already makes 1 == 1.0 with equal hashes
    if isinstance(value, Mapping):
        return ("object", frozenset((key, json_key(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(json_key(item) for item in value))
    return (type(value).__name__, value)


def unique_items(
    validator: Any, unique: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """uniqueItems in linear time: jsonschema compares unhashable items pairwise."""
    # 3,000 distinct objects took jsonschema 5 s; a 256 KB payload holds 25,000 of them.
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        key = json_key(item)
        if key in seen:
            yield ValidationError("has non-unique elements")
            return
        seen.add(key)


@functools.cache
def form_validator_class() -> Any:
    """Draft 2020-12 validation with the linear uniqueItems."""
    return extend(Draft202012Validator, {"uniqueItems": unique_items})
