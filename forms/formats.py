"""Format checks for form data: date, date-time, time and email are always enforced."""

from __future__ import annotations

import functools
import re
from datetime import date

from jsonschema import Draft202012Validator, FormatChecker

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = r"(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
_OFFSET = r"[Zz]|[+-](\d{2}):(\d{2})"
# RFC 3339 full-time: the offset is mandatory in date-time. In time it is optional, because
# react-jsonschema-form's time widget sends "HH:MM:SS" and Vietnam has a single time zone.
_DATE_TIME = re.compile(rf"(\d{{4}}-\d{{2}}-\d{{2}})[Tt]{_TIME}(?:{_OFFSET})", re.ASCII)
_PLAIN_TIME = re.compile(rf"{_TIME}(?:{_OFFSET})?", re.ASCII)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*", re.ASCII)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}", re.ASCII)


def is_date(value: object) -> bool:
    """RFC 3339 full-date (YYYY-MM-DD) naming a real calendar day; non-strings pass."""
    if not isinstance(value, str):
        return True
    match = _DATE.fullmatch(value)
    if match is None:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def _clock_ok(hour: str, minute: str, second: str, off_h: str | None, off_m: str | None) -> bool:
    offset_ok = off_h is None or (int(off_h) <= 23 and int(off_m or 0) <= 59)
    return int(hour) <= 23 and int(minute) <= 59 and int(second) <= 59 and offset_ok


def is_date_time(value: object) -> bool:
    """RFC 3339 date-time with a time zone offset, e.g. 2025-03-04T08:30:00+07:00."""
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.fullmatch(value)
    return bool(match and is_date(match[1]) and _clock_ok(*match.groups()[1:]))


def is_time(value: object) -> bool:
    """RFC 3339 time HH:MM:SS with optional fraction and optional offset."""
    if not isinstance(value, str):
        return True
    match = _PLAIN_TIME.fullmatch(value)
    return bool(match and _clock_ok(*match.groups()))


def is_email(value: object) -> bool:
    """A plain ASCII address local@domain.tld (idn-email keeps jsonschema's looser check)."""
    if not isinstance(value, str):
        return True
    local, at, domain = value.rpartition("@")
    return bool(
        at
        and len(value) <= 254
        and len(local) <= 64
        and _LOCAL_PART.fullmatch(local)
        and _DOMAIN.fullmatch(domain)
    )


@functools.cache
def format_checker() -> FormatChecker:
    """jsonschema's draft 2020-12 checks, with our own date, date-time, time and email."""
    # jsonschema checks date-time and time only when the optional rfc3339-validator is
    # installed, and email only for an "@"; our own checks keep behaviour independent of extras.
    checker = FormatChecker(formats=())
    checker.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    checker.checks("time")(is_time)
    checker.checks("email")(is_email)
    return checker
