"""The unit directory: which province each unit belongs to, and which counters receive province-wide.

Units are codes in tokens, cases and tasks; the directory adds what receipt regardless of
administrative boundary (phi địa giới hành chính, Decree 118/2025) needs: a province-wide
counter (a branch of the provincial public administration service centre, TTPVHCC) receives a
dossier for any unit of its own province and returns the result, while that unit handles it.
A unit's province is its own ``province`` or, failing that, its parent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PROVINCE_WIDE = "province"


@dataclass(frozen=True)
class Unit:
    """One unit of the directory."""

    code: str
    name: str = ""
    province: str = ""
    parent: str = ""
    # "province": the unit's counter receives for every unit of its province (phi địa giới).
    receives_for: str = ""


@dataclass(frozen=True)
class UnitDirectory:
    """Every unit the deployment knows, by code (empty: each unit receives only for itself)."""

    units: Mapping[str, Unit] = field(default_factory=dict)

    def province_of(self, code: str) -> str:
        """The province of a unit (walking up its parents), "" when unknown."""
        seen: set[str] = set()
        unit = self.units.get(code)
        while unit is not None and unit.code not in seen:
            if unit.province:
                return unit.province
            seen.add(unit.code)
            unit = self.units.get(unit.parent)
        return ""

    def receipt_refusal(self, receiving: str, handling: str) -> str | None:
        """Why `receiving` may not receive a dossier that `handling` will handle; None if it may."""
        if receiving == handling:
            return None
        counter = self.units.get(receiving)
        if counter is None or counter.receives_for != PROVINCE_WIDE:
            return (
                f"unit {receiving} receives only its own dossiers: only a province-wide counter "
                "(receives_for: province in the unit directory) receives for another unit"
            )
        province = self.province_of(receiving)
        target = self.province_of(handling)
        if not target:
            return f"unit {handling} is not in the unit directory, so its province is unknown"
        if target != province:
            return (
                f"unit {receiving} receives regardless of boundary only within province "
                f"{province}; unit {handling} belongs to province {target}"
            )
        return None


def directory_from_dict(raw: Any, source: str = "unit directory") -> UnitDirectory:
    """Read {"CODE": {"name", "province", "parent", "receives_for"}}; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: must map unit codes to objects")
    units: dict[str, Unit] = {}
    for code, value in raw.items():
        if not isinstance(value, dict):
            raise ValueError(f"{source}: {code} must be an object")
        unknown = set(value) - {"name", "province", "parent", "receives_for"}
        if unknown:
            raise ValueError(f"{source}: {code} has unknown keys {sorted(unknown)}")
        if not all(isinstance(v, str) for v in value.values()):
            raise ValueError(f"{source}: {code}: every value must be a string")
        if value.get("receives_for", PROVINCE_WIDE) != PROVINCE_WIDE:
            raise ValueError(f"{source}: {code}: receives_for may only be {PROVINCE_WIDE!r}")
        units[code] = Unit(code=code, **value)
    directory = UnitDirectory(units)
    for unit in units.values():
        if unit.parent and unit.parent not in units:
            raise ValueError(f"{source}: {unit.code}: parent {unit.parent} is not in the directory")
        if not directory.province_of(unit.code):
            raise ValueError(f"{source}: {unit.code} has no province (nor a parent with one)")
    return directory
