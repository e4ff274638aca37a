"""Versions of the override table: every change is a new row, the newest row of a day wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from engine.calendar.overrides import CalendarOverride

ChangeKind = Literal["off", "workday", "withdrawn"]
CHANGE_KINDS: frozenset[str] = frozenset({"off", "workday", "withdrawn"})
# Who seeds the table with the decisions shipped in vn_overrides.json.
SHIPPED_BY = "system"


@dataclass(frozen=True)
class OverrideVersion:
    """One change to one day of the override table; rows are never edited nor deleted.

    `kind` is "off" (extra day off), "workday" (make-up working day, làm bù) or "withdrawn"
    (the day goes back to the public holidays and the weekly pattern). `version` is global and
    strictly increasing over the whole table (0 until stored); `supersedes` is the version this
    change replaced for the same day, if any.
    """

    day: date
    kind: ChangeKind
    reason: str
    legal_ref: str
    changed_by: str
    changed_at: datetime
    version: int = 0
    supersedes: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in CHANGE_KINDS:
            raise ValueError(f"override kind {self.kind!r} is not off, workday or withdrawn")
        if not self.reason.strip():
            raise ValueError(f"the change of {self.day} needs a reason")
        if self.changed_at.tzinfo is None:
            raise ValueError("changed_at must be timezone-aware")

    @property
    def override(self) -> CalendarOverride | None:
        """The override this version puts in force; None when it withdraws the day."""
        if self.kind == "withdrawn":
            return None
        return CalendarOverride(self.day, self.kind, self.reason, self.legal_ref)

    def stored(self, version: int, supersedes: int | None) -> OverrideVersion:
        """This change as stored under `version`."""
        return replace(self, version=version, supersedes=supersedes)


def latest_by_day(versions: Iterable[OverrideVersion]) -> dict[date, OverrideVersion]:
    """The newest version of every day that has one (withdrawals included)."""
    latest: dict[date, OverrideVersion] = {}
    for change in versions:
        seen = latest.get(change.day)
        if seen is None or change.version > seen.version:
            latest[change.day] = change
    return latest


def in_force(versions: Iterable[OverrideVersion]) -> list[OverrideVersion]:
    """The versions currently in force, by day: the newest of each day unless it withdraws it."""
    latest = latest_by_day(versions)
    return [latest[day] for day in sorted(latest) if latest[day].kind != "withdrawn"]


def effective_overrides(versions: Iterable[OverrideVersion]) -> tuple[CalendarOverride, ...]:
    """The overrides a WorkingCalendar should apply, given the whole history of the table."""
    return tuple(o for v in in_force(versions) if (o := v.override) is not None)


class HistoricOverrides:
    """The override table as it stood at one version: the OverrideSource of a replayed command,
    so that it counts working time as the recorded command did."""

    def __init__(self, history: Iterable[OverrideVersion], version: int) -> None:
        self._version = version
        self._overrides = effective_overrides(v for v in history if v.version <= version)

    def version(self) -> int:
        """The version this source stands at (it never moves)."""
        return self._version

    def load(self) -> tuple[int, tuple[CalendarOverride, ...]]:
        """The version and the overrides that were in force at it."""
        return self._version, self._overrides
