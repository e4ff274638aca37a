"""Validate form data: size guards first, then JSON Schema errors as one FieldError per field."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from forms.errors import FieldError
from forms.formats import format_checker
from forms.keywords import form_validator_class
from forms.messages import const_choices, label, predicate
from forms.schema_walk import Schema, keyword, pointer_sort_key, schema_at, title_of, to_pointer

MAX_DEPTH = 32
MAX_BYTES = 256 * 1024
MAX_ERRORS = 500
# When a field fails several keywords, the first in this order explains the problem best.
_RANK = (
    "type",
    "required",
    "dependentRequired",
    "additionalProperties",
    "const",
    "enum",
    "oneOf",
    "anyOf",
    "format",
    "pattern",
    "minLength",
    "maxLength",
)
# Custom messages describe a value's shape; presence problems keep the generated message.
_PRESENCE = {"required", "dependentRequired", "additionalProperties", "unevaluatedProperties"}
Path = list[str | int]


def build_validator(schema: Schema) -> Draft202012Validator:
    """A draft 2020-12 validator that enforces formats."""
    validator: Draft202012Validator = form_validator_class()(
        schema, format_checker=format_checker()
    )
    return validator


def size_error(data: Any) -> FieldError | None:
    """A FieldError when data nests deeper than MAX_DEPTH or serializes above MAX_BYTES."""
    # Iterative on purpose: a hostile payload nested 100,000 deep must not hit the recursion
    # limit here, nor in jsonschema or json.dumps, which only run once this check passed.
    stack: list[tuple[Any, int]] = [(data, 1)]
    floor = 0  # a lower bound of the serialized size, to stop early on huge payloads
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (Mapping, list, tuple)):
            if depth > MAX_DEPTH:
                return FieldError(
                    "", f"The form data is nested deeper than {MAX_DEPTH} levels", "size"
                )
            floor += 2
            if isinstance(node, Mapping):
                floor += sum(len(str(key)) + 3 for key in node)
                stack.extend((value, depth + 1) for value in node.values())
            else:
                stack.extend((value, depth + 1) for value in node)
        else:
            floor += len(node) + 2 if isinstance(node, str) else 1
        if floor > MAX_BYTES:
            break
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return FieldError("", "The form data must contain JSON values only", "type")
    if len(text.encode("utf-8")) > MAX_BYTES:
        return FieldError("", f"The form data is larger than {MAX_BYTES // 1024} KB", "size")
    return None


def validate_data(
    validator: Draft202012Validator,
    data: Any,
    fast: Callable[[Any], bool] | None = None,
) -> list[FieldError]:
    """The problems with the data (up to MAX_ERRORS), one per field, sorted by pointer.

    `fast` (forms.fast_check) answers True only for data the validator finds valid too: such
    data skips the slower walk that explains errors."""
    if not isinstance(data, Mapping):
        return [FieldError("", "The form data must be a JSON object", "type")]
    data = dict(data)
    guard = size_error(data)
    if guard is not None:
        return [guard]
    if fast is not None and fast(data):
        return []
    root: Schema = validator.schema
    best: dict[str, tuple[int, int, FieldError]] = {}
    # A real form has far fewer problems; the cap keeps 80,000 bad list items from costing seconds.
    for seq, error in enumerate(itertools.islice(validator.iter_errors(data), MAX_ERRORS)):
        for found in _field_errors(error, root):
            rank = _RANK.index(found.code) if found.code in _RANK else len(_RANK)
            kept = best.get(found.pointer)
            if kept is None or (rank, seq) < kept[:2]:
                best[found.pointer] = (rank, seq, found)
    return [best[p][2] for p in sorted(best, key=pointer_sort_key)]


def telling_error(error: ValidationError) -> ValidationError:
    """The sub-error that best explains a failed anyOf/oneOf: the deepest, of the right type."""
    while error.context and not _is_choice(error):
        # A branch that failed on `type` was not the one meant; another branch's error says more.
        meant = [sub for sub in error.context if sub.validator != "type"] or error.context
        error = max(meant, key=lambda sub: len(sub.absolute_path))
    return error


def _is_choice(error: ValidationError) -> bool:
    """A oneOf/anyOf of const values (a drop-down): its own message lists the choices."""
    return (
        error.validator in ("oneOf", "anyOf") and const_choices(error.validator_value) is not None
    )


def _field_errors(error: ValidationError, root: Schema) -> list[FieldError]:
    code = str(error.validator) if error.validator is not None else "not"
    path: Path = list(error.absolute_path)
    instance = error.instance
    if code == "required" and isinstance(instance, Mapping):
        return [
            _error(root, [*path, name], code, error)
            for name in error.validator_value
            if name not in instance
        ]
    if code == "dependentRequired" and isinstance(instance, Mapping):
        return [
            _error(
                root, [*path, name], code, error, f" when {_named(root, [*path, trigger])} is given"
            )
            for trigger, names in error.validator_value.items()
            if trigger in instance
            for name in names
            if name not in instance
        ]
    if code == "additionalProperties" and isinstance(instance, Mapping):
        declared = error.schema.get("properties", {})
        patterns = list(error.schema.get("patternProperties", {}))
        return [
            _error(root, [*path, name], code, error)
            for name in instance
            if name not in declared and not any(re.search(p, name) for p in patterns)
        ]
    if code in ("oneOf", "anyOf") and not _is_choice(error):
        if not error.context:
            return [_error(root, path, code, error, override="matches more than one alternative")]
        return _field_errors(telling_error(error), root)
    return [_error(root, path, code, error)]


def _named(root: Schema, path: Path) -> str:
    pointer = to_pointer(path)
    return label(title_of(schema_at(root, path), root), pointer)


def _error(
    root: Schema,
    path: Path,
    code: str,
    error: ValidationError,
    suffix: str = "",
    override: str | None = None,
) -> FieldError:
    pointer = to_pointer(path)
    field = schema_at(root, path)
    title = title_of(field, root)
    if title is None and path and isinstance(path[-1], int):
        # An untitled array item (a checkbox choice) is best named by its list's title.
        title = title_of(schema_at(root, path[:-1]), root)
    custom = _custom_message(field, error, root, code)
    if custom is not None:
        return FieldError(pointer, f"{label(title, pointer)}: {custom}", code)
    text = override or predicate(code, error.validator_value) + suffix
    return FieldError(pointer, f"{label(title, pointer)} {text}", code)


def _custom_message(
    field: Schema | None, error: ValidationError, root: Schema, code: str
) -> str | None:
    """The schema's own "x-error-message": a string, or a map from keyword to string."""
    if code in _PRESENCE:
        return None
    candidates = [field, error.schema if isinstance(error.schema, Mapping) else None]
    for schema in candidates:
        if schema is None:
            continue
        custom = keyword(schema, root, "x-error-message")
        if isinstance(custom, Mapping):
            custom = custom.get(code)
        if isinstance(custom, str) and custom.strip():
            return custom
    return None
