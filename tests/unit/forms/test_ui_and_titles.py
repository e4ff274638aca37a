"""The ui schema (given or generated) and field titles by pointer."""

from __future__ import annotations

from forms import Form, load_form, ui_schema_for
from tests.unit.forms.samples import application_schema, counter_check_schema


def test_a_generated_ui_schema_orders_fields_marks_read_only_and_uses_textareas() -> None:
    form = load_form(counter_check_schema())

    assert ui_schema_for(form) == {
        "ui:order": ["child", "check_result", "missing_documents", "counter_note"],
        "child": {"ui:order": ["full_name", "ethnicity"], "ui:readonly": True},
        "counter_note": {"ui:widget": "textarea"},
    }


def test_text_of_at_most_two_hundred_characters_keeps_the_default_widget() -> None:
    schema = {
        "type": "object",
        "properties": {
            "short": {"type": "string", "maxLength": 200},
            "long": {"type": "string", "maxLength": 201},
        },
    }

    assert ui_schema_for(load_form(schema)) == {
        "ui:order": ["short", "long"],
        "long": {"ui:widget": "textarea"},
    }


def test_array_items_that_are_objects_get_an_items_entry() -> None:
    ui = ui_schema_for(load_form(application_schema()))

    assert ui["documents"] == {"items": {"ui:order": ["code", "name"]}}


def test_a_given_ui_schema_is_returned_as_given() -> None:
    given = {"ui:order": ["check_result", "*"], "check_result": {"ui:widget": "radio"}}

    form = load_form(counter_check_schema(), given)

    assert form.ui_schema == given
    assert ui_schema_for(form) == given


def test_a_form_built_without_a_ui_schema_gets_a_generated_one() -> None:
    form = Form(counter_check_schema())

    assert ui_schema_for(form)["ui:order"] == [
        "child",
        "check_result",
        "missing_documents",
        "counter_note",
    ]


def test_field_titles_name_every_field_by_pointer_and_array_items_by_dash() -> None:
    assert load_form(counter_check_schema()).field_titles() == {
        "/child": "Người được đăng ký khai sinh",
        "/child/full_name": "Họ, chữ đệm, tên",
        "/child/ethnicity": "Dân tộc",
        "/check_result": "Kết quả kiểm tra",
        "/missing_documents": "Giấy tờ cần bổ sung",
        "/missing_documents/-": "Giấy tờ",
        "/counter_note": "Ghi chú",
    }


def test_the_ui_schema_handed_out_is_a_copy_the_caller_may_change() -> None:
    form = load_form(counter_check_schema(), {"ui:order": ["*"]})

    ui_schema_for(form)["ui:order"].append("oops")

    assert form.ui_schema == {"ui:order": ["*"]}
