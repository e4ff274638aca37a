"""A form: a JSON Schema with its ui schema, able to validate, prefill and merge submissions."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from forms.errors import FieldError
from forms.fast_check import fast_check
from forms.prefill import merge_read_only, prefill_data
from forms.schema_walk import (
    MAX_SCHEMA_DEPTH,
    Schema,
    declared_properties,
    escape_token,
    is_object_schema,
    item_schema,
    title_of,
)
from forms.ui import generate_ui_schema
from forms.validation import build_validator, validate_data


@dataclass(frozen=True)
class Form:
    """A form's JSON Schema (draft 2020-12) and ui schema; treat both as read-only."""

    schema: dict[str, Any]
    ui_schema: dict[str, Any] = field(default_factory=dict)
    _validator: Draft202012Validator = field(init=False, repr=False, compare=False)
    _fast: Callable[[Any], bool] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled once per form: the catalog keeps forms and validates many submissions.
        validator = build_validator(self.schema)
        object.__setattr__(self, "_validator", validator)
        object.__setattr__(self, "_fast", fast_check(self.schema, validator.format_checker))

    def validate(self, data: Any) -> list[FieldError]:
        """Every problem with the data, one per field, sorted by JSON pointer."""
        return validate_data(self._validator, data, self._fast)

    def prefill(self, case_data: Mapping[str, Any]) -> dict[str, Any]:
        """The case values for this form's fields (same key paths), with defaults in the gaps."""
        return prefill_data(self.schema, case_data if isinstance(case_data, Mapping) else {})

    def field_titles(self) -> dict[str, str]:
        """Title of every field by JSON pointer; array items appear under the token '-'."""
        titles: dict[str, str] = {}
        _collect_titles(self.schema, self.schema, "", titles, 0)
        return titles


def _collect_titles(
    schema: Schema, root: Schema, where: str, titles: dict[str, str], depth: int
) -> None:
    if depth > MAX_SCHEMA_DEPTH:
        return
    if is_object_schema(schema, root):
        for name, prop in declared_properties(schema, root).items():
            pointer = f"{where}/{escape_token(name)}"
            title = title_of(prop, root)
            if title:
                titles[pointer] = title
            _collect_titles(prop, root, pointer, titles, depth + 1)
        return
    items = item_schema(schema, root)
    if items is not None and where:
        title = title_of(items, root)
        if title:
            titles[f"{where}/-"] = title
        _collect_titles(items, root, f"{where}/-", titles, depth + 1)


def validate_form_data(form: Form, data: Any) -> list[FieldError]:
    """Every problem with the data for this form, one per field, sorted by JSON pointer."""
    return form.validate(data)


def merge_submission(
    form: Form, prefilled: Mapping[str, Any], submitted: Mapping[str, Any]
) -> dict[str, Any]:
    """The submission with read-only fields (any depth) reset to their prefilled values.

    A value submitted for a `readOnly` property is ignored: the prefilled value is kept, and
    when there is none the property is removed. So an officer cannot change, through a
    read-only field, data that an earlier step entered. Validate the result, not the input.
    """
    return merge_read_only(form.schema, prefilled, submitted)


def ui_schema_for(form: Form) -> dict[str, Any]:
    """The form's ui schema, or one generated from its JSON Schema when it has none."""
    return copy.deepcopy(form.ui_schema) if form.ui_schema else generate_ui_schema(form.schema)
