"""Validating submitted data: pointers, messages, codes, one error per field."""

from __future__ import annotations

from typing import Any

from forms import FieldError, Form, load_form, validate_form_data
from tests.unit.forms.samples import application_schema, counter_check_schema, valid_application


def _application() -> Form:
    return load_form(application_schema(), name="application.schema.json")


def test_valid_data_has_no_errors() -> None:
    assert _application().validate(valid_application()) == []


def test_a_missing_required_field_is_pointed_at_itself_not_its_parent() -> None:
    data = valid_application()
    del data["applicant"]["personal_id"]

    assert _application().validate(data) == [
        FieldError(
            "/applicant/personal_id",
            "Số định danh cá nhân (/applicant/personal_id) is required",
            "required",
        )
    ]


def test_a_missing_top_level_object_is_pointed_at_by_name() -> None:
    data = valid_application()
    del data["child"]

    assert _application().validate(data) == [
        FieldError("/child", "Người được đăng ký khai sinh (/child) is required", "required")
    ]


def test_a_personal_id_that_is_not_twelve_digits_fails_the_pattern() -> None:
    data = valid_application()
    data["applicant"]["personal_id"] = "00119001234"  # 11 digits

    assert _application().validate(data) == [
        FieldError(
            "/applicant/personal_id",
            "Số định danh cá nhân (/applicant/personal_id) must be 12 digits",
            "pattern",
        )
    ]


def test_february_the_thirtieth_is_not_a_date() -> None:
    data = valid_application()
    data["child"]["date_of_birth"] = "2025-02-30"

    assert _application().validate(data) == [
        FieldError(
            "/child/date_of_birth",
            "Ngày, tháng, năm sinh (/child/date_of_birth) must be a valid date (YYYY-MM-DD)",
            "format",
        )
    ]


def test_a_date_in_another_notation_is_rejected() -> None:
    data = valid_application()
    data["child"]["date_of_birth"] = "20/02/2025"

    [error] = _application().validate(data)

    assert (error.pointer, error.code) == ("/child/date_of_birth", "format")


def test_an_error_inside_an_array_item_points_at_the_item_field() -> None:
    data = valid_application()
    data["documents"][1]["name"] = "G"

    assert _application().validate(data) == [
        FieldError(
            "/documents/1/name",
            "Tên giấy tờ (/documents/1/name) must be at least 2 characters long",
            "minLength",
        )
    ]


def test_a_field_missing_from_an_array_item_is_pointed_at_by_index_and_name() -> None:
    data = valid_application()
    del data["documents"][1]["name"]

    [error] = _application().validate(data)

    assert (error.pointer, error.code) == ("/documents/1/name", "required")


def test_an_undeclared_field_is_refused_where_additional_properties_are_false() -> None:
    data = valid_application()
    data["applicant"]["nickname"] = "Hoa"

    assert _application().validate(data) == [
        FieldError(
            "/applicant/nickname",
            "/applicant/nickname is not a field of this form",
            "additionalProperties",
        )
    ]


def test_incomplete_check_result_requires_the_missing_documents() -> None:
    form = load_form(counter_check_schema())

    assert form.validate({"check_result": "incomplete"}) == [
        FieldError(
            "/missing_documents",
            "Giấy tờ cần bổ sung (/missing_documents) is required",
            "required",
        )
    ]


def test_incomplete_check_result_needs_at_least_one_missing_document() -> None:
    form = load_form(counter_check_schema())

    assert form.validate({"check_result": "incomplete", "missing_documents": []}) == [
        FieldError(
            "/missing_documents",
            "Giấy tờ cần bổ sung (/missing_documents) must list at least one item",
            "minItems",
        )
    ]


def test_complete_check_result_does_not_require_missing_documents() -> None:
    assert load_form(counter_check_schema()).validate({"check_result": "complete"}) == []


def test_errors_come_sorted_by_pointer_with_indices_in_numeric_order() -> None:
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string", "maxLength": 1}}},
    }
    data: dict[str, Any] = {"tags": ["ab"] * 11}
    data["tags"][1] = "a"

    pointers = [e.pointer for e in load_form(schema).validate(data)]

    assert pointers == ["/tags/0"] + [f"/tags/{i}" for i in range(2, 11)]


def test_several_errors_on_one_field_give_one_entry_the_type_error() -> None:
    data = valid_application()
    data["child"]["gender"] = 7  # not a string, and not one of the choices

    assert _application().validate(data) == [
        FieldError("/child/gender", "Giới tính (/child/gender) must be text", "type")
    ]


def test_errors_on_different_fields_are_all_reported() -> None:
    data = valid_application()
    data["applicant"] = {"full_name": "H", "personal_id": "x"}
    del data["child"]["gender"]

    assert [(e.pointer, e.code) for e in _application().validate(data)] == [
        ("/applicant/full_name", "minLength"),
        ("/applicant/personal_id", "pattern"),
        ("/child/gender", "required"),
    ]


def test_data_that_is_not_an_object_gives_one_root_type_error() -> None:
    assert _application().validate(["not", "an", "object"]) == [
        FieldError("", "The form data must be a JSON object", "type")
    ]


def test_validate_form_data_is_the_same_as_form_validate() -> None:
    data = valid_application()
    data["channel"] = "fax"

    assert validate_form_data(_application(), data) == _application().validate(data)


def test_a_pointer_escapes_slash_and_tilde_in_field_names() -> None:
    schema = {"type": "object", "properties": {}, "additionalProperties": False}

    pointers = [e.pointer for e in load_form(schema).validate({"a/b": 1, "c~d": 2})]

    assert pointers == ["/a~1b", "/c~0d"]


def test_keys_that_look_like_digits_in_other_scripts_are_reported_not_crashed_on() -> None:
    # "³" and "٣" pass str.isdigit(); they are keys, not array indices.
    form = load_form(counter_check_schema(), name="counter_check.schema.json")
    errors = form.validate({"check_result": "complete", "³": 1, "٣": 2, "10": 3, "2": 4})
    assert {e.pointer for e in errors} >= {"/³", "/٣"}, errors
