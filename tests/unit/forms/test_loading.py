"""Loading forms from bundle bytes, text or dicts, and refusing unusable schemas at deploy time."""

from __future__ import annotations

import json
from typing import Any

import pytest

from forms import Form, FormError, InvalidFormSchemaError, load_form
from tests.unit.forms.samples import application_schema, counter_check_schema


def _problems(schema: Any, ui: Any = None) -> list[str]:
    with pytest.raises(InvalidFormSchemaError) as refused:
        load_form(schema, ui, name="forms/x.schema.json")
    return refused.value.problems


def test_a_form_loads_from_utf8_bytes_with_or_without_a_bom() -> None:
    raw = json.dumps(application_schema(), ensure_ascii=False).encode("utf-8")

    for source in (raw, b"\xef\xbb\xbf" + raw):
        form = load_form(source, name="application.schema.json")
        assert isinstance(form, Form)
        assert form.schema == application_schema()


def test_a_form_loads_from_text_and_from_a_mapping_it_then_does_not_share() -> None:
    schema = application_schema()

    from_mapping = load_form(schema)
    schema["properties"].clear()

    assert load_form(json.dumps(application_schema())).schema == from_mapping.schema
    assert "applicant" in from_mapping.schema["properties"]


def test_the_error_names_the_file_and_the_problem() -> None:
    schema = application_schema()
    schema["properties"]["child"]["properties"]["date_of_birth"]["type"] = "strin"

    with pytest.raises(InvalidFormSchemaError) as refused:
        load_form(schema, name="forms/application.schema.json")

    assert isinstance(refused.value, FormError)
    assert "forms/application.schema.json" in str(refused.value)
    assert refused.value.problems == [
        "/properties/child/properties/date_of_birth/type: 'strin' is not one of "
        "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']"
    ]


def test_invalid_json_is_refused_with_line_and_column() -> None:
    assert _problems(b'{"type": "object",\n "properties": {,}}') == [
        "schema: not valid JSON: Expecting property name enclosed in double quotes "
        "at line 2 column 17"
    ]


def test_a_key_given_twice_is_refused() -> None:
    text = '{"type": "object", "properties": {}, "required": ["a"], "required": []}'

    assert _problems(text) == ["schema: key 'required' appears twice in one object"]


def test_a_root_that_is_not_an_object_schema_is_refused() -> None:
    expected = ['the root must be an object schema: "type": "object" with "properties"']

    assert _problems({"type": "string"}) == expected
    assert _problems({"type": "object"}) == expected


def test_another_draft_is_refused_rather_than_reinterpreted() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {},
    }

    assert _problems(schema) == [
        "$schema is http://json-schema.org/draft-07/schema#; forms must use draft 2020-12 "
        "(https://json-schema.org/draft/2020-12/schema)"
    ]


def test_an_invalid_regular_expression_is_refused() -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^[0-9{12}$"}}}

    [problem] = _problems(schema)

    assert problem.startswith("/properties/id/pattern: '^[0-9{12}$' is not a 'regex'")


def test_a_required_name_that_no_property_declares_is_refused() -> None:
    schema = counter_check_schema()
    schema["allOf"][0]["then"]["required"] = ["missing_document"]

    assert _problems(schema) == [
        "(root): required names missing_document, which no property declares"
    ]


def test_a_property_declared_only_in_a_branch_of_a_closed_object_is_refused() -> None:
    schema = counter_check_schema()
    schema["allOf"][0]["then"]["properties"] = {"deadline": {"type": "string"}}

    assert _problems(schema) == [
        "(root): deadline is declared only inside a conditional or combined branch, but "
        "additionalProperties is false here, so it can never be submitted"
    ]


def test_refs_must_stay_inside_the_schema_and_resolve() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "https://example.com/person.json"},
            "b": {"$ref": "#/$defs/nowhere"},
        },
    }

    assert _problems(schema) == [
        "/properties/a: $ref https://example.com/person.json points outside the schema; "
        "forms must be self-contained (use $defs)",
        "/properties/b: $ref #/$defs/nowhere does not name a schema in this file",
    ]


def test_a_ui_order_that_leaves_a_field_out_without_a_wildcard_is_refused() -> None:
    ui = {"ui:order": ["check_result", "child"]}

    assert _problems(counter_check_schema(), ui) == [
        "ui schema: ui:order at (root) leaves out missing_documents, counter_note "
        "(list them or add '*')"
    ]


def test_a_nested_ui_order_is_checked_too() -> None:
    ui = {"ui:order": ["*"], "child": {"ui:order": ["full_name", "*", "*"]}}

    assert _problems(counter_check_schema(), ui) == [
        "ui schema: ui:order at /child has more than one '*'"
    ]


def test_a_ui_schema_that_is_not_an_object_is_refused() -> None:
    assert _problems(counter_check_schema(), "[]") == ["ui schema: must be a JSON object"]


def test_a_document_nested_too_deeply_to_parse_is_refused_not_crashed() -> None:
    text = '{"type": "object", "properties": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}"

    assert _problems(text) == ["schema: nested too deeply to read"]
