"""Time limits as written in procedures and models: "3WD", "0.5WD", "4WH", "SD"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from engine.domain.errors import InvalidInputError

TimeUnit = Literal["WD", "WH", "SD"]

_UNITS: frozenset[str] = frozenset({"WD", "WH", "SD"})
# Four integer digits at most: a longer limit is a typo, and it would make the calendar walk
# decades of days for nothing.
_PATTERN = re.compile(
    r"^\s*(?:(?P<same_day>SD)|(?P<amount>\d{1,4}(?:\.\d+)?)\s*(?P<unit>WD|WH))\s*$",
    re.IGNORECASE,
)
_FORMS = (
    "write a number followed by WD (working days) or WH (working hours), "
    "e.g. '3WD', '0.5WD', '4WH', or 'SD' for the same working day"
)


class InvalidTimeLimitError(InvalidInputError, ValueError):
    """A time limit that is not one of the accepted forms; the message names them."""

    code = "invalid_time_limit"


@dataclass(frozen=True)
class TimeLimit:
    """A legal or internal time limit: an amount of working days (WD) or hours (WH), or SD.

    SD (same working day) is due at the close of the day counting starts on; its amount is 0.
    """

    amount: Decimal
    unit: TimeUnit

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise InvalidTimeLimitError(f"time unit {self.unit!r} is not WD, WH or SD")
        if not isinstance(self.amount, Decimal):
            if isinstance(self.amount, bool) or not isinstance(self.amount, int):
                raise InvalidTimeLimitError(f"time limit amount {self.amount!r} is not a Decimal")
            object.__setattr__(self, "amount", Decimal(self.amount))
        if not self.amount.is_finite() or self.amount < 0:
            raise InvalidTimeLimitError(f"time limit amount {self.amount} must be 0 or more")
        if self.unit == "SD" and self.amount != 0:
            raise InvalidTimeLimitError("an SD (same working day) limit carries no amount")

    def __str__(self) -> str:
        if self.unit == "SD":
            return "SD"
        # normalize() drops trailing zeros; the "f" format keeps "10" from turning into "1E+1".
        return f"{format(self.amount.normalize(), 'f')}{self.unit}"


def parse_limit(text: str) -> TimeLimit:
    """Read a time limit such as "3WD", "0.5wd", " 4 WH " or "SD"; raise InvalidTimeLimitError."""
    if not isinstance(text, str):
        raise InvalidTimeLimitError(f"time limit {text!r} is not text: {_FORMS}")
    match = _PATTERN.match(text)
    if match is None:
        raise InvalidTimeLimitError(f"{text!r} is not a time limit: {_FORMS}")
    if match.group("same_day"):
        return TimeLimit(Decimal(0), "SD")
    unit: TimeUnit = "WD" if match.group("unit").upper() == "WD" else "WH"
    return TimeLimit(Decimal(match.group("amount")), unit)
