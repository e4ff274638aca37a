"""Error messages: titles, choices, custom messages, and the telling branch of an anyOf."""

from __future__ import annotations

from forms import FieldError, Form, load_form
from tests.unit.forms.samples import application_schema, valid_application


def _application() -> Form:
    return load_form(application_schema(), name="application.schema.json")


def test_a_value_outside_the_enum_lists_the_allowed_values() -> None:
    data = valid_application() | {"channel": "fax"}

    assert _application().validate(data) == [
        FieldError(
            "/channel", "Kênh nộp (/channel) must be one of: counter, online, postal", "enum"
        )
    ]


def test_a_value_outside_a_const_oneof_lists_values_with_their_titles() -> None:
    data = valid_application()
    data["child"]["gender"] = "other"

    assert _application().validate(data) == [
        FieldError(
            "/child/gender",
            "Giới tính (/child/gender) must be one of: male (Nam), female (Nữ)",
            "oneOf",
        )
    ]


def test_a_property_error_message_replaces_the_generated_one() -> None:
    schema = application_schema()
    schema["properties"]["applicant"]["properties"]["personal_id"]["x-error-message"] = (
        "Số định danh cá nhân gồm 12 chữ số"
    )
    data = valid_application()
    data["applicant"]["personal_id"] = "12"

    assert load_form(schema).validate(data) == [
        FieldError(
            "/applicant/personal_id",
            "Số định danh cá nhân (/applicant/personal_id): Số định danh cá nhân gồm 12 chữ số",
            "pattern",
        )
    ]


def test_a_custom_message_does_not_replace_the_required_message() -> None:
    schema = application_schema()
    schema["properties"]["applicant"]["properties"]["personal_id"]["x-error-message"] = "12 số"
    data = valid_application()
    del data["applicant"]["personal_id"]

    [error] = load_form(schema).validate(data)

    assert error.message == "Số định danh cá nhân (/applicant/personal_id) is required"


def test_a_local_ref_is_followed_for_validation_and_titles() -> None:
    schema = {
        "type": "object",
        "$defs": {
            "personal_id": {
                "title": "Số định danh cá nhân",
                "type": "string",
                "pattern": "^[0-9]{12}$",
            }
        },
        "properties": {"mother_id": {"$ref": "#/$defs/personal_id"}},
    }

    assert load_form(schema).validate({"mother_id": "1"}) == [
        FieldError("/mother_id", "Số định danh cá nhân (/mother_id) must be 12 digits", "pattern")
    ]


def test_a_failed_anyof_reports_the_error_of_the_branch_with_the_right_type() -> None:
    schema = {
        "type": "object",
        "properties": {
            "phone": {
                "title": "Số điện thoại",
                "anyOf": [{"type": "null"}, {"type": "string", "pattern": "^0[0-9]{9}$"}],
            }
        },
    }

    assert load_form(schema).validate({"phone": "12345"}) == [
        FieldError("/phone", "Số điện thoại (/phone) must match the pattern ^0[0-9]{9}$", "pattern")
    ]


def test_a_dependent_requirement_names_the_field_that_triggers_it() -> None:
    schema = {
        "type": "object",
        "properties": {
            "postal": {"title": "Nhận qua bưu chính", "type": "boolean"},
            "address": {"title": "Địa chỉ nhận", "type": "string"},
        },
        "dependentRequired": {"postal": ["address"]},
    }

    assert load_form(schema).validate({"postal": True}) == [
        FieldError(
            "/address",
            "Địa chỉ nhận (/address) is required when Nhận qua bưu chính (/postal) is given",
            "dependentRequired",
        )
    ]


def test_a_custom_message_can_be_given_per_keyword() -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {
                "type": "string",
                "maxLength": 3,
                "pattern": "^[A-Z]+$",
                "x-error-message": {"pattern": "chỉ gồm chữ in hoa"},
            }
        },
    }
    form = load_form(schema)

    assert form.validate({"code": "ab"}) == [
        FieldError("/code", "/code: chỉ gồm chữ in hoa", "pattern")
    ]
    assert form.validate({"code": "ABCD"}) == [
        FieldError("/code", "/code must be at most 3 characters long", "maxLength")
    ]
