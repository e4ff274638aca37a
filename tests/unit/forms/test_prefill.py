"""Prefill from case data (nobody types data twice) and the read-only merge of submissions."""

from __future__ import annotations

from forms import load_form, merge_submission
from tests.unit.forms.samples import application_schema, counter_check_schema


def test_prefill_takes_nested_values_at_the_same_key_path() -> None:
    form = load_form(application_schema())
    case = {
        "applicant": {"full_name": "Nguyễn Thị Hoa", "personal_id": "001190012345"},
        "child": {
            "full_name": "Trần Minh An",
            "gender": "male",
            "date_of_birth": "2025-02-20",
            "ethnicity": "Tày",
            "nationality": "Việt Nam",
        },
    }

    assert form.prefill(case) == case


def test_prefill_drops_keys_the_schema_does_not_declare() -> None:
    form = load_form(application_schema())
    case = {
        "applicant": {"full_name": "Nguyễn Thị Hoa", "internal_score": 9},
        "officer_note": "not part of this form",
        "check_result": "complete",
    }

    assert form.prefill(case) == {
        "applicant": {"full_name": "Nguyễn Thị Hoa"},
        "child": {"ethnicity": "Kinh", "nationality": "Việt Nam"},
    }


def test_defaults_fill_gaps_but_never_overwrite_case_values() -> None:
    form = load_form(application_schema())

    prefilled = form.prefill({"child": {"full_name": "Trần Minh An", "ethnicity": "Tày"}})

    assert prefilled == {
        "child": {"full_name": "Trần Minh An", "ethnicity": "Tày", "nationality": "Việt Nam"}
    }


def test_a_value_of_the_wrong_type_is_not_prefilled_and_the_default_takes_its_place() -> None:
    form = load_form(application_schema())

    prefilled = form.prefill({"applicant": "Nguyễn Thị Hoa", "child": {"ethnicity": 5}})

    assert prefilled == {"child": {"ethnicity": "Kinh", "nationality": "Việt Nam"}}


def test_array_items_that_are_objects_keep_only_declared_keys() -> None:
    form = load_form(application_schema())
    case = {"documents": [{"code": "TK", "name": "Tờ khai", "scan_id": 41}, {"code": "GCS"}]}

    assert form.prefill(case)["documents"] == [{"code": "TK", "name": "Tờ khai"}, {"code": "GCS"}]


def test_prefill_returns_copies_that_do_not_alias_case_data() -> None:
    form = load_form(counter_check_schema())
    case = {"missing_documents": ["Giấy chứng sinh"]}

    form.prefill(case)["missing_documents"].append("changed")

    assert case == {"missing_documents": ["Giấy chứng sinh"]}


def test_defaults_do_not_invent_values_inside_read_only_fields() -> None:
    form = load_form(counter_check_schema())

    assert form.prefill({}) == {}
    assert form.prefill({"child": {"full_name": "Trần Minh An"}}) == {
        "child": {"full_name": "Trần Minh An"}
    }


def test_a_submitted_read_only_value_is_replaced_by_the_prefilled_one() -> None:
    form = load_form(counter_check_schema())
    prefilled = form.prefill({"child": {"full_name": "Trần Minh An", "ethnicity": "Kinh"}})
    submitted = {
        "child": {"full_name": "Someone Else", "ethnicity": "Kinh"},
        "check_result": "complete",
    }

    assert merge_submission(form, prefilled, submitted) == {
        "child": {"full_name": "Trần Minh An", "ethnicity": "Kinh"},
        "check_result": "complete",
    }


def test_a_read_only_value_without_a_prefilled_value_is_dropped() -> None:
    form = load_form(counter_check_schema())

    merged = merge_submission(form, {}, {"child": {"full_name": "X"}, "check_result": "complete"})

    assert merged == {"check_result": "complete"}


def test_a_read_only_field_nested_in_an_editable_object_is_protected() -> None:
    schema = {
        "type": "object",
        "properties": {
            "registration": {
                "type": "object",
                "properties": {
                    "child_personal_id": {"type": "string", "readOnly": True},
                    "book_number": {"type": "string"},
                },
            }
        },
    }
    form = load_form(schema)
    prefilled = {"registration": {"child_personal_id": "001225004567", "book_number": "01"}}
    submitted = {"registration": {"child_personal_id": "999999999999", "book_number": "02"}}

    assert merge_submission(form, prefilled, submitted) == {
        "registration": {"child_personal_id": "001225004567", "book_number": "02"}
    }


def test_read_only_fields_in_array_items_are_matched_by_position() -> None:
    schema = {
        "type": "object",
        "properties": {
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "readOnly": True},
                        "received": {"type": "boolean"},
                    },
                },
            }
        },
    }
    form = load_form(schema)
    prefilled = {"documents": [{"code": "TK"}]}
    submitted = {"documents": [{"code": "XX", "received": True}, {"code": "YY", "received": False}]}

    assert merge_submission(form, prefilled, submitted) == {
        "documents": [{"code": "TK", "received": True}, {"received": False}]
    }


def test_merge_keeps_editable_and_undeclared_fields_for_validation_to_judge() -> None:
    form = load_form(counter_check_schema())
    submitted = {"check_result": "incomplete", "missing_documents": ["GCS"], "extra": 1}

    merged = merge_submission(form, {}, submitted)

    assert merged == submitted
    assert merged is not submitted
    assert [e.pointer for e in form.validate(merged)] == ["/extra"]
