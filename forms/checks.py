"""Deploy-time checks of a form's JSON Schema: meta-schema, root shape, $refs, required names."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from forms.schema_walk import Schema, declared_properties, iter_subschemas, resolve_ref
from forms.validation import telling_error

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
MAX_PROBLEMS = 50
MAX_DOCUMENT_DEPTH = 128
_NAME_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_BRANCH_KEYS = ("allOf", "anyOf", "oneOf", "if", "then", "else")


def schema_problems(schema: Any) -> list[str]:
    """Why the schema cannot serve as a form (empty when it can)."""
    if not isinstance(schema, Mapping):
        return ["the schema must be a JSON object"]
    if _document_depth(schema) > MAX_DOCUMENT_DEPTH:
        return [f"the schema is nested deeper than {MAX_DOCUMENT_DEPTH} levels"]
    declared = schema.get("$schema")
    if declared is not None and str(declared).rstrip("#") != DRAFT_2020_12:
        # Validating an older draft's schema with 2020-12 rules silently changes its meaning
        # (tuple `items`, `dependencies`, `definitions`), so it is refused rather than guessed.
        return [f"$schema is {declared}; forms must use draft 2020-12 ({DRAFT_2020_12})"]
    problems = _meta_problems(schema)
    if problems:
        return problems
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), Mapping):
        problems.append('the root must be an object schema: "type": "object" with "properties"')
    problems += _ref_problems(schema)
    if not problems:
        problems += _required_problems(schema)
    return _capped(problems)


def _document_depth(document: Any) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DOCUMENT_DEPTH:
            break
        children = (
            node.values() if isinstance(node, Mapping) else node if isinstance(node, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _meta_problems(schema: Schema) -> list[str]:
    meta = Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for error in sorted(meta.iter_errors(schema), key=lambda e: [str(t) for t in e.path]):
        leaf = telling_error(error)
        where = "".join(f"/{t}" for t in leaf.absolute_path) or "(root)"
        problems.append(f"{where}: {leaf.message}")
    return _capped(problems)


def _ref_problems(schema: Schema) -> list[str]:
    problems = []
    for where, node in iter_subschemas(schema):
        ref = node.get("$ref")
        if not isinstance(ref, str):
            continue
        if not ref.startswith("#"):
            problems.append(
                f"{where or '(root)'}: $ref {ref} points outside the schema; "
                "forms must be self-contained (use $defs)"
            )
        elif resolve_ref(schema, ref) is None:
            problems.append(f"{where or '(root)'}: $ref {ref} does not name a schema in this file")
    return problems


def _required_problems(schema: Schema) -> list[str]:
    problems = []
    for where, node in iter_subschemas(schema):
        if not isinstance(node.get("properties"), Mapping) or _is_branch(where):
            continue
        own = node["properties"]
        declared = declared_properties(node, schema)
        patterns = list(node.get("patternProperties", {}))
        extra = node.get("additionalProperties")
        at = where or "(root)"
        for name in dict.fromkeys(_required_names(node)):
            known = name in declared or any(re.search(p, name) for p in patterns)
            if not known and not (isinstance(extra, Mapping) or extra is True):
                problems.append(f"{at}: required names {name}, which no property declares")
        if extra is False:
            for name in declared:
                if name not in own and not any(re.search(p, name) for p in patterns):
                    problems.append(
                        f"{at}: {name} is declared only inside a conditional or combined branch, "
                        "but additionalProperties is false here, so it can never be submitted"
                    )
    return problems


def _is_branch(where: str) -> bool:
    """True for a subschema that only refines its parent object (checked with the parent)."""
    tokens = where.split("/")
    if len(tokens) > 2 and tokens[-2] in _NAME_MAPS:
        return False  # a property (or $defs entry) that happens to be called "then" or "if"
    return tokens[-1] in ("if", "then", "else", "not") or (
        len(tokens) > 2 and tokens[-2] in ("allOf", "anyOf", "oneOf")
    )


def _required_names(node: Schema) -> Iterator[str]:
    """Names required by the object schema itself or by its branches (allOf, if/then, ...)."""
    stack: list[Any] = [node]
    while stack:
        part = stack.pop()
        if not isinstance(part, Mapping):
            continue
        required = part.get("required")
        if isinstance(required, list):
            yield from (name for name in required if isinstance(name, str))
        for key in _BRANCH_KEYS:
            value = part.get(key)
            stack.extend(value if isinstance(value, list) else [value])


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more problems"]
