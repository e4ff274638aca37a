"""The compiled fast check may only ever say "valid" where jsonschema says valid too."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forms.fast_check import fast_check
from forms.form import Form
from forms.formats import format_checker

BPMN = Path(__file__).parents[2] / "bpmn"
FORMS = sorted(BPMN.glob("*/forms/*.schema.json"))
# Values that break one rule or another: wrong types, edges of lengths and patterns (Python's
# `$` takes a trailing newline, ECMA-262's does not), digits of other scripts, bad dates.
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    2**70,
    "",
    "x",
    "012345678901",
    "012345678901\n",
    "٠١٢٣٤٥٦٧٨٩٠١",
    "0912345678",
    "2025-02-30",
    "2025-03-04",
    "2025-03-04T09:00:00+07:00",
    "a@b.vn",
    "a@b",
    "Hộ kinh doanh An",
    "x" * 5000,
    [],
    ["TK", "TK"],
    {},
    {"nested": True},
]


def _examples(schema_path: Path) -> list[dict[str, Any]]:
    """The procedure's example submissions for this form (when there are), else {}."""
    examples = schema_path.parents[1] / "examples"
    name = schema_path.name.removesuffix(".schema.json")
    found = [json.loads(p.read_text()) for p in sorted(examples.glob(f"{name}*.json"))]
    return [e for e in found if isinstance(e, dict)] or [{}]


def _mutations(example: dict[str, Any], schema: dict[str, Any]) -> Iterator[Any]:
    """The example, then with each top-level field dropped or given each odd value."""
    yield example
    for name in {*example, *schema.get("properties", {})}:
        dropped = {k: v for k, v in example.items() if k != name}
        yield dropped
        for value in ODD_VALUES:
            yield {**copy.deepcopy(example), name: value}


@pytest.mark.parametrize("path", FORMS, ids=[f"{p.parents[1].name}/{p.name}" for p in FORMS])
def test_every_form_has_a_fast_check_that_never_passes_what_jsonschema_refuses(path: Path) -> None:
    form = Form(json.loads(path.read_text()))
    fast = fast_check(form.schema, format_checker())
    assert fast is not None, "a form of bpmn/ lost its fast check"
    passed = refused = 0
    for data in _mutations(_examples(path)[0], form.schema):
        python_valid = form._validator.is_valid(data)
        if fast(data):
            assert python_valid, f"fast check passed what jsonschema refuses: {data!r}"
            passed += 1
        else:
            refused += 1
    assert passed and refused  # both answers were exercised


def _python_valid(schema: dict[str, Any], value: Any) -> bool:
    return bool(Form(schema)._validator.is_valid(value))


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"pattern": "^[0-9]{12}$"}, "012345678901\n"),  # Python's `$` before a final newline
        ({"pattern": "^\\d{3}$"}, "٠١٢"),  # Python's \d takes every script's digits
        ({"pattern": "^\\s*$"}, "\ufeff"),  # not white space to Python, to ECMA-262 it is
        ({"multipleOf": 0.1}, 0.3),  # float division says no
        ({"multipleOf": 3}, 9),
        ({"format": "date"}, "2025-02-30"),
        ({"format": "date"}, "2025-02-28"),
    ],
)
def test_the_keywords_where_engines_differ_are_decided_by_jsonschema(
    schema: dict[str, Any], value: Any
) -> None:
    fast = fast_check(schema, format_checker())
    assert fast is not None
    assert fast(value) == _python_valid(schema, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {"^x-": {"type": "string"}}},
        {"properties": {"a": {"$ref": "https://example.org/other.json"}}},
        {"$dynamicRef": "#meta"},
    ],
)
def test_schemas_matched_by_the_other_regex_engine_or_elsewhere_get_no_fast_check(
    schema: dict[str, Any],
) -> None:
    assert fast_check(schema, format_checker()) is None


def test_an_invalid_submission_still_gets_its_field_errors() -> None:
    form = Form(
        {
            "type": "object",
            "required": ["so_dinh_danh"],
            "properties": {"so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$"}},
        }
    )
    assert form.validate({"so_dinh_danh": "012345678901"}) == []
    [error] = form.validate({"so_dinh_danh": "12"})
    assert error.pointer == "/so_dinh_danh" and error.code == "pattern"
