"""Prefill a form from case data, and keep read-only fields as the earlier steps left them.

Prefill: data entered once is offered again in later forms, so nobody types it twice. Every
property the schema declares (recursively, including array items that are objects) takes the
case value at the same key path when that value has a type the property allows; keys the
schema does not declare are dropped. A `default` fills a gap where the case has no usable
value, except inside `readOnly` properties: those show what earlier steps entered, so inventing
a value there would put words in someone else's mouth.

Read-only merge: `readOnly: true` is also a rule, not just a rendering hint. When a form is
submitted, every read-only property (at any depth) is replaced by its prefilled value, or
removed when there is none, so an officer cannot change (or add) data entered by an earlier
step through a read-only field. Inside arrays, items are matched by position.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from forms.schema_walk import (
    MAX_SCHEMA_DEPTH,
    Schema,
    declared_properties,
    expand,
    is_object_schema,
    is_read_only,
    item_schema,
    matches_type,
    types_of,
)
from forms.validation import MAX_DEPTH, size_error

_MISSING: Any = object()


def prefill_data(root: Schema, case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The values for the form's fields found in case data, with schema defaults in the gaps."""
    return _object(root, root, case_data, is_read_only(root, root), 0)


def _object(
    schema: Schema, root: Schema, source: Mapping[str, Any] | None, read_only: bool, depth: int
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, prop in declared_properties(schema, root).items():
        given = source.get(name, _MISSING) if source is not None else _MISSING
        value = _value(prop, root, given, read_only or is_read_only(prop, root), depth + 1)
        if value is not _MISSING:
            found[name] = value
    return found


def _value(schema: Schema, root: Schema, given: Any, read_only: bool, depth: int) -> Any:
    if depth > MAX_SCHEMA_DEPTH:
        return _MISSING
    if given is not _MISSING and matches_type(given, types_of(schema, root)):
        if isinstance(given, Mapping) and is_object_schema(schema, root):
            return _object(schema, root, given, read_only, depth)
        items = item_schema(schema, root)
        if isinstance(given, (list, tuple)) and items is not None and is_object_schema(items, root):
            return [
                _object(items, root, item, read_only, depth + 1)
                if isinstance(item, Mapping)
                else copy.deepcopy(item)
                for item in given
            ]
        return _plain(given)
    if read_only:
        return _MISSING
    for part in expand(schema, root):
        if "default" in part:
            return copy.deepcopy(part["default"])
    if is_object_schema(schema, root):
        nested = _object(schema, root, None, read_only, depth)
        return nested if nested else _MISSING
    return _MISSING


def _plain(value: Any) -> Any:
    """A deep copy with mappings as dicts and tuples as lists, as JSON would give them."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return copy.deepcopy(value)


def merge_read_only(
    root: Schema, prefilled: Mapping[str, Any], submitted: Mapping[str, Any]
) -> dict[str, Any]:
    """The submitted data with every read-only property set to its prefilled value (or removed)."""
    if not isinstance(submitted, Mapping):
        raise TypeError("submitted form data must be a JSON object")
    if size_error(submitted) is not None:
        # Copying a hostile payload could exhaust the stack; validation rejects it anyway.
        return dict(submitted)
    before = prefilled if isinstance(prefilled, Mapping) else {}
    if is_read_only(root, root):
        return copy.deepcopy(dict(before))
    merged = copy.deepcopy(dict(submitted))
    _merge(root, root, before, merged, 0)
    return merged


def _merge(
    schema: Schema, root: Schema, prefilled: Mapping[str, Any], target: dict[str, Any], depth: int
) -> None:
    if depth > MAX_DEPTH:
        return
    for name, prop in declared_properties(schema, root).items():
        items = item_schema(prop, root)
        if is_read_only(prop, root) or (items is not None and is_read_only(items, root)):
            if name in prefilled:
                target[name] = copy.deepcopy(prefilled[name])
            else:
                target.pop(name, None)
            continue
        value, before = target.get(name), prefilled.get(name)
        if isinstance(value, dict) and is_object_schema(prop, root):
            _merge(prop, root, before if isinstance(before, Mapping) else {}, value, depth + 1)
        elif isinstance(value, list) and items is not None and is_object_schema(items, root):
            for index, item in enumerate(value):
                prior = before[index] if isinstance(before, list) and index < len(before) else {}
                if isinstance(item, dict):
                    _merge(
                        items, root, prior if isinstance(prior, Mapping) else {}, item, depth + 1
                    )
