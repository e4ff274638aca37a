"""Project-owned calendar overrides (make-up Saturdays, extra days off): JSON, read lazily."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

OverrideKind = Literal["off", "workday"]

DATA_FILE = "vn_overrides.json"
_KINDS: frozenset[str] = frozenset({"off", "workday"})
_FIELDS = ("day", "kind", "reason", "legal_ref")

# Declared for type checkers only: the value is read from DATA_FILE on first access
# (module __getattr__ below), so importing the package reads no file.
KNOWN_OVERRIDES: tuple[CalendarOverride, ...]


@dataclass(frozen=True)
class CalendarOverride:
    """A decision that beats the `holidays` package and the weekly pattern for one day.

    "off": a day off the package does not know; "workday": a make-up working day (làm bù),
    usually a Saturday swapped with a weekday off.
    """

    day: date
    kind: OverrideKind
    reason: str
    legal_ref: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"override kind {self.kind!r} is not 'off' or 'workday'")
        if not self.reason.strip():
            raise ValueError(f"the override for {self.day} needs a reason")


def parse_overrides(text: str, source: str = DATA_FILE) -> tuple[CalendarOverride, ...]:
    """Read overrides from JSON: a list of {day, kind, reason, legal_ref}, days as YYYY-MM-DD."""
    raw = json.loads(text)
    if not isinstance(raw, list):
        raise ValueError(f"{source}: expected a JSON list of overrides")
    return tuple(_override(item, f"{source}[{i}]") for i, item in enumerate(raw))


def _override(item: Any, where: str) -> CalendarOverride:
    if not isinstance(item, dict) or set(item) != set(_FIELDS):
        raise ValueError(f"{where}: expected exactly the keys {', '.join(_FIELDS)}")
    if not all(isinstance(item[key], str) for key in _FIELDS):
        raise ValueError(f"{where}: every value must be a string")
    try:
        day = date.fromisoformat(item["day"])
    except ValueError as exc:
        raise ValueError(f"{where}: day {item['day']!r} is not YYYY-MM-DD") from exc
    try:
        return CalendarOverride(day, item["kind"], item["reason"], item["legal_ref"])
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc


@cache
def known_overrides() -> tuple[CalendarOverride, ...]:
    """The overrides shipped with the engine (2025-2026), read once from DATA_FILE."""
    text = resources.files(__package__ or "engine.calendar").joinpath(DATA_FILE).read_text("utf-8")
    return parse_overrides(text)


def __getattr__(name: str) -> Any:
    if name == "KNOWN_OVERRIDES":
        return known_overrides()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
