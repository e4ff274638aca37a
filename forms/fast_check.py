"""A compiled yes/no check in front of jsonschema: most submissions are valid.

jsonschema walks a form's schema in Python (about 0.1 to 0.5 ms for our forms); jsonschema-rs
answers "valid?" for the same schema in a few microseconds. The answer "valid" is only taken
where the two libraries agree by construction; everything else, and every invalid submission,
goes to jsonschema, which also writes the field errors:

* `pattern` and `multipleOf` are where the two differ (Python's `re` against an ECMA-262
  engine; float division against exact arithmetic). The fast schema renames them to keywords
  that jsonschema-rs calls back into Python for, and those run jsonschema itself on the one
  keyword: the same library decides them on both paths.
* `format` is checked by the form's own jsonschema FormatChecker, handed to jsonschema-rs.
* A schema with `patternProperties` (property names matched by the other regex engine), a
  reference that is not local to the schema, or `$dynamicRef` gets no fast check.
* Anything jsonschema-rs cannot compile or take (an error of its own) means: ask jsonschema.

The keywords left to jsonschema-rs (types, properties, required, enum and const, bounds,
lengths, items, combinators, conditionals, unevaluated*) are exactly specified by JSON Schema
and both libraries pass its official test suite; tests/unit/test_forms_fast_check.py checks the
two agree on every form of bpmn/ over valid and invalid data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker

Schema = dict[str, Any]

# Keywords whose value is a map of subschemas, one subschema, or a list of subschemas.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "dependentSchemas"})
_SCHEMA_ONE = frozenset(
    {
        "items",
        "additionalItems",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "additionalProperties",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_BY_PYTHON = {"pattern": "x-motcua-pattern", "multipleOf": "x-motcua-multiple-of"}


class _NoFastCheck(Exception):
    """The schema uses something the fast check leaves to jsonschema."""


def _rewrite(node: Any) -> Any:
    """The schema with `pattern`/`multipleOf` renamed to the keywords Python decides."""
    if not isinstance(node, dict):
        return node  # true / false schemas
    out: Schema = {}
    for key, value in node.items():
        if key == "patternProperties" or key == "$dynamicRef":
            raise _NoFastCheck(key)
        if key == "$ref" and not (isinstance(value, str) and value.startswith("#")):
            raise _NoFastCheck(key)
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _rewrite(sub) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            out[key] = _rewrite(value)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_rewrite(sub) for sub in value]
        else:
            out[_BY_PYTHON[key] if key in _BY_PYTHON else key] = value
    return out


def _decided_by_jsonschema(keyword: str) -> type:
    """A jsonschema-rs keyword class that runs jsonschema on `{keyword: value}`."""

    class Keyword:
        def __init__(self, _parent: Schema, value: Any, _path: Any) -> None:
            self._is_valid = Draft202012Validator({keyword: value}).is_valid

        def validate(self, instance: Any) -> None:
            if not self._is_valid(instance):
                raise ValueError(f"{keyword} not satisfied")

    Keyword.__name__ = f"Python_{keyword}"
    return Keyword


_KEYWORDS = {renamed: _decided_by_jsonschema(name) for name, renamed in _BY_PYTHON.items()}


def fast_check(schema: Schema, formats: FormatChecker) -> Callable[[Any], bool] | None:
    """A function answering True only for data jsonschema also finds valid; None when the
    schema gets no fast check."""
    try:
        rewritten = _rewrite(schema)
    except _NoFastCheck:
        return None
    checks = {
        name: (lambda value, name=name: formats.conforms(value, name)) for name in formats.checkers
    }
    try:
        validator = jsonschema_rs.Draft202012Validator(
            rewritten, formats=checks, validate_formats=True, keywords=_KEYWORDS, offline=True
        )
    except Exception:  # a schema jsonschema-rs does not take: jsonschema alone decides
        return None

    def is_valid(data: Any) -> bool:
        try:
            return bool(validator.is_valid(data))
        except Exception:  # data it cannot take (an int beyond its range, say)
            return False

    return is_valid
