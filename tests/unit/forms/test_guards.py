"""Hostile payloads: deep, large, repetitive or non-JSON data is refused fast, never crashes."""

from __future__ import annotations

from typing import Any

from forms import FieldError, load_form, merge_submission

FREE_FORM = {"type": "object", "properties": {"note": {"type": "string"}}}


def _nested(levels: int) -> dict[str, Any]:
    """An object nested `levels` deep counting itself: _nested(1) == {}."""
    data: dict[str, Any] = {}
    for _ in range(levels - 1):
        data = {"a": data}
    return data


def test_data_nested_thirty_two_levels_is_accepted() -> None:
    assert load_form(FREE_FORM).validate(_nested(32)) == []


def test_data_nested_thirty_three_levels_is_refused_with_a_size_error() -> None:
    assert load_form(FREE_FORM).validate(_nested(33)) == [
        FieldError("", "The form data is nested deeper than 32 levels", "size")
    ]


def test_nesting_through_lists_counts_too() -> None:
    data: Any = []
    for _ in range(40):
        data = [data]

    [error] = load_form(FREE_FORM).validate({"note": data})

    assert error.code == "size"


def test_a_hundred_thousand_levels_do_not_hit_the_recursion_limit() -> None:
    hostile = _nested(100_000)

    assert [e.code for e in load_form(FREE_FORM).validate(hostile)] == ["size"]


def test_merging_a_hostile_payload_leaves_it_for_validation_to_refuse() -> None:
    form = load_form(FREE_FORM)
    hostile = _nested(100_000)

    merged = merge_submission(form, {}, hostile)

    assert [e.code for e in form.validate(merged)] == ["size"]


def test_data_just_under_256_kb_is_accepted() -> None:
    # {"note":"..."} serializes to the text length plus 11 bytes.
    data = {"note": "x" * (256 * 1024 - 11)}

    assert load_form(FREE_FORM).validate(data) == []


def test_data_over_256_kb_is_refused_with_a_size_error() -> None:
    data = {"note": "x" * (256 * 1024 - 10)}

    assert load_form(FREE_FORM).validate(data) == [
        FieldError("", "The form data is larger than 256 KB", "size")
    ]


def test_size_counts_utf8_bytes_not_characters() -> None:
    # "ệ" is 3 bytes in UTF-8: 90,000 of them are 270,000 bytes but only 90,000 characters.
    assert [e.code for e in load_form(FREE_FORM).validate({"note": "ệ" * 90_000})] == ["size"]


def test_unique_items_treats_one_and_one_point_zero_as_equal_but_not_true() -> None:
    schema = {"type": "object", "properties": {"v": {"type": "array", "uniqueItems": True}}}
    form = load_form(schema)

    assert [e.code for e in form.validate({"v": [1, 1.0]})] == ["uniqueItems"]
    assert [e.code for e in form.validate({"v": [1, True, {"a": [1]}, {"a": [1.0]}]})] == [
        "uniqueItems"
    ]
    assert form.validate({"v": [1, True, {"a": 1}, {"a": 2}, [1, 2], [2, 1]]}) == []


def test_unique_items_over_thousands_of_distinct_objects_is_checked_without_pairwise_work() -> None:
    schema = {"type": "object", "properties": {"v": {"type": "array", "uniqueItems": True}}}
    # jsonschema's own check compares objects pairwise: minutes for this list.
    data = {"v": [{"n": i} for i in range(20_000)]}

    assert load_form(schema).validate(data) == []


def test_a_flood_of_bad_items_is_cut_at_five_hundred_problems() -> None:
    schema = {"type": "object", "properties": {"v": {"type": "array", "items": {"type": "string"}}}}

    errors = load_form(schema).validate({"v": list(range(20_000))})

    assert len(errors) == 500
    assert errors[0] == FieldError("/v/0", "/v/0 must be text", "type")


def test_values_that_are_not_json_give_one_root_type_error() -> None:
    schema = {"type": "object", "properties": {"v": {}}}

    assert load_form(schema).validate({"v": {1, 2}}) == [
        FieldError("", "The form data must contain JSON values only", "type")
    ]
