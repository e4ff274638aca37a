"""Time limits are read from "3WD", "0.5WD", "4WH", "SD", and bad ones are refused clearly."""

from decimal import Decimal

import pytest

from engine.calendar import InvalidTimeLimitError, TimeLimit, parse_limit
from engine.domain.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("3WD", Decimal("3"), "WD"),
        ("0.5WD", Decimal("0.5"), "WD"),
        ("4WH", Decimal("4"), "WH"),
        ("0.25wd", Decimal("0.25"), "WD"),
        ("  4 wh \n", Decimal("4"), "WH"),
        ("12.5Wh", Decimal("12.5"), "WH"),
    ],
)
def test_parse_limit_reads_an_amount_and_a_unit_in_any_case_and_spacing(
    text: str, amount: Decimal, unit: str
) -> None:
    assert parse_limit(text) == TimeLimit(amount, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["SD", "sd", " Sd "])
def test_parse_limit_reads_same_day_as_sd_with_no_amount(text: str) -> None:
    assert parse_limit(text) == TimeLimit(Decimal(0), "SD")


@pytest.mark.parametrize("text", ["3WD", "0.5WD", "4WH", "SD", "12.25WH", "1000WD"])
def test_a_time_limit_prints_as_the_text_it_was_read_from(text: str) -> None:
    assert str(parse_limit(text)) == text


def test_a_time_limit_prints_in_its_shortest_form() -> None:
    assert str(parse_limit(" 3.0 wd ")) == "3WD"
    assert str(parse_limit("0.50WH")) == "0.5WH"
    assert str(TimeLimit(Decimal("1E+1"), "WD")) == "10WD"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "3",
        "WD",
        "3WX",
        "-1WD",
        "3 days",
        "1.WD",
        ".5WD",
        "0,5WD",
        "3SD",
        "SD3",
        "3WDX",
        "12345WD",
        "1e3WD",
    ],
)
def test_parse_limit_refuses_anything_else_and_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(InvalidTimeLimitError) as raised:
        parse_limit(text)
    message = str(raised.value)
    assert repr(text) in message
    assert "'3WD'" in message and "'4WH'" in message and "'SD'" in message


def test_parse_limit_refuses_a_value_that_is_not_text() -> None:
    with pytest.raises(InvalidTimeLimitError, match="not text"):
        parse_limit(3)  # type: ignore[arg-type]


def test_an_invalid_time_limit_is_a_value_error_and_an_engine_input_error_with_a_code() -> None:
    with pytest.raises(ValueError) as raised:
        parse_limit("soon")
    assert isinstance(raised.value, InvalidInputError)
    assert raised.value.code == "invalid_time_limit"


@pytest.mark.parametrize(
    ("amount", "unit", "fragment"),
    [
        (Decimal("-1"), "WD", "0 or more"),
        (Decimal("NaN"), "WH", "0 or more"),
        (Decimal("1"), "SD", "no amount"),
        (Decimal("1"), "WK", "not WD, WH or SD"),
    ],
)
def test_a_time_limit_cannot_be_built_with_a_bad_amount_or_unit(
    amount: Decimal, unit: str, fragment: str
) -> None:
    with pytest.raises(InvalidTimeLimitError, match=fragment):
        TimeLimit(amount, unit)  # type: ignore[arg-type]


def test_a_whole_number_amount_is_stored_as_a_decimal() -> None:
    limit = TimeLimit(3, "WD")  # type: ignore[arg-type]
    assert isinstance(limit.amount, Decimal) and limit.amount == Decimal(3)
