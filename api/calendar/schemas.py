"""Payloads of the calendar resource."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas import ErrorSchema
from engine.calendar import VN_TZ, InvalidTimeLimitError, parse_limit

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
# In a query string an unencoded "+07:00" arrives as " 07:00": put the plus sign back.
_LOST_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _time_limit(value: str) -> None:
    try:
        parse_limit(value)
    except InvalidTimeLimitError as exc:
        raise ValidationError(exc.message) from None


def _covered(value: datetime) -> None:
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ValidationError(f"the calendar covers {FIRST_DAY.year}-{LAST_DAY.year}")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


class ReceiptTime(fields.AwareDateTime):
    """An ISO-8601 instant; without an offset it is read as Vietnam time (UTC+07:00)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=VN_TZ, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str):
            value = _LOST_PLUS.sub(r"\1+\2", value.strip())
        return super()._deserialize(value, attr, data, **kwargs)


class DueQuerySchema(Schema):
    """A receipt instant and a time limit."""

    received = ReceiptTime(
        validate=_covered,
        metadata={
            "description": "when the complete dossier was received (ISO-8601, e.g. "
            "2025-01-24T15:30:00+07:00; no offset means Vietnam time); default: now",
        },
    )
    limit = fields.String(
        required=True,
        validate=_time_limit,
        metadata={"description": "3WD (working days), 0.5WD, 4WH (working hours) or SD"},
    )


class AppointmentSchema(Schema):
    """The appointment (hẹn trả) and how it was counted."""

    received = fields.String(metadata={"description": "the receipt instant, in Vietnam time"})
    limit = fields.String()
    counting_start = fields.String(
        metadata={"description": "where counting starts (15:00 rule, office hours)"}
    )
    due = fields.String(metadata={"description": "the appointment, ISO-8601 with offset"})
    working_hours = fields.String(metadata={"description": "office hours counted, as a decimal"})


class DaySchema(Schema):
    """One exception to the Monday-Friday week."""

    day = fields.String(metadata={"description": "YYYY-MM-DD"})
    weekday = fields.String(metadata={"description": "Thứ Hai ... Chủ nhật"})
    kind = fields.String(
        metadata={"description": "holiday (public holiday), off (extra day off), workday (làm bù)"}
    )
    reason = fields.String()
    legal_ref = fields.String()


class YearSchema(Schema):
    """A year's weekdays off and make-up working days."""

    year = fields.Integer()
    non_working_days = fields.List(fields.Nested(DaySchema))
    make_up_working_days = fields.List(fields.Nested(DaySchema))


class OverrideQuerySchema(Schema):
    """Which overrides to list."""

    year = fields.Integer(validate=validate.Range(min=FIRST_DAY.year, max=LAST_DAY.year))
    history = fields.Boolean(
        load_default=False,
        metadata={"description": "every version ever stored (withdrawals included), oldest first"},
    )


class NewOverrideSchema(Schema):
    """An extra day off or a make-up working day, with its reason and legal basis."""

    day = fields.Date(
        required=True,
        validate=validate.Range(min=FIRST_DAY, max=LAST_DAY),
        metadata={"description": "YYYY-MM-DD"},
    )
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["off", "workday"]),
        metadata={"description": "off: an extra day off; workday: a make-up working day"},
    )
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=1000), _not_blank])
    legal_ref = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=500), _not_blank],
        metadata={"description": "the decision or notice, e.g. Thông báo 6150/TB-BLĐTBXH"},
    )


class WithdrawArgsSchema(Schema):
    """Why an override is withdrawn."""

    reason = fields.String(required=True, validate=[validate.Length(min=1, max=1000), _not_blank])
    legal_ref = fields.String(load_default="", validate=validate.Length(max=500))


class OverrideSchema(Schema):
    """One version of one day of the override table."""

    version = fields.Integer()
    day = fields.String()
    kind = fields.String(metadata={"description": "off, workday or withdrawn"})
    reason = fields.String()
    legal_ref = fields.String()
    changed_by = fields.String()
    changed_at = fields.String()
    supersedes = fields.Integer(allow_none=True)


class OverrideListSchema(Schema):
    """Overrides in force by day, or every version."""

    items = fields.List(fields.Nested(OverrideSchema))


class CalendarErrorSchema(ErrorSchema):
    """The common error body of api/errors.py (named apart from flask-smorest's own "Error")."""
