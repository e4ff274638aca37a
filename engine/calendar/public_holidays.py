"""Vietnam's public holidays from the `holidays` package, built per year, named in Vietnamese."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import holidays

LABOUR_CODE_ART_112 = "Bộ luật Lao động 2019, Điều 112"
LABOUR_CODE_ART_111 = "Bộ luật Lao động 2019, Điều 111 khoản 3"
SWAP_NOTICE = "Thông báo hằng năm về lịch nghỉ lễ, Tết đối với cán bộ, công chức, viên chức"

# English names are pinned (language="en_US") so that the keys below do not depend on the
# package's default language; each maps to (Vietnamese reason, legal basis).
_NAMES: dict[str, tuple[str, str]] = {
    "New Year's Day": ("Tết Dương lịch", LABOUR_CODE_ART_112),
    # `holidays` calls every extra pre-Tết day "29 of Lunar New Year" (in 2025 it was 28 Chạp).
    "29 of Lunar New Year": ("Tết Nguyên đán (ngày giáp Tết)", LABOUR_CODE_ART_112),
    "Lunar New Year's Eve": ("Tết Nguyên đán (ngày cuối năm âm lịch)", LABOUR_CODE_ART_112),
    "Lunar New Year": ("Tết Nguyên đán (mùng 1)", LABOUR_CODE_ART_112),
    "Second Day of Lunar New Year": ("Tết Nguyên đán (mùng 2)", LABOUR_CODE_ART_112),
    "Third Day of Lunar New Year": ("Tết Nguyên đán (mùng 3)", LABOUR_CODE_ART_112),
    "Fourth Day of Lunar New Year": ("Tết Nguyên đán (mùng 4)", LABOUR_CODE_ART_112),
    "Fifth Day of Lunar New Year": ("Tết Nguyên đán (mùng 5)", LABOUR_CODE_ART_112),
    "Sixth Day of Lunar New Year": ("Tết Nguyên đán (mùng 6)", LABOUR_CODE_ART_112),
    "Hung Kings' Commemoration Day": ("Giỗ Tổ Hùng Vương", LABOUR_CODE_ART_112),
    "Liberation Day/Reunification Day": (
        "Ngày Giải phóng miền Nam, thống nhất đất nước",
        LABOUR_CODE_ART_112,
    ),
    "International Labor Day": ("Ngày Quốc tế Lao động", LABOUR_CODE_ART_112),
    "National Day": ("Quốc khánh", LABOUR_CODE_ART_112),
    "Vietnam Cultural Day": ("Ngày Văn hóa Việt Nam", "Nghị quyết 28/2026/QH16, Điều 2"),
}
_SUFFIX = re.compile(r"^(?P<base>.*?) \((?P<flags>observed|estimated|observed, estimated)\)$")
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (?P<day>\d{2}/\d{2}/\d{4})\)$")


@dataclass(frozen=True)
class HolidayName:
    """A holiday's Vietnamese reason, its legal basis, and the make-up day if it is a swap."""

    reason: str
    legal_ref: str
    swapped_with: date | None = None


def describe(english: str) -> HolidayName:
    """Vietnamese reason and legal basis for a `holidays` name; unknown names stay in English."""
    parts = [_describe_one(part) for part in english.split("; ")]
    swapped = next((p.swapped_with for p in parts if p.swapped_with), None)
    refs = list(dict.fromkeys(p.legal_ref for p in parts if p.legal_ref))
    return HolidayName("; ".join(p.reason for p in parts), "; ".join(refs), swapped)


def _describe_one(name: str) -> HolidayName:
    substituted = _SUBSTITUTED.match(name)
    if substituted:
        # en_US renders the make-up day month first.
        made_up = datetime.strptime(substituted.group("day"), "%m/%d/%Y").date()
        reason = f"Nghỉ hoán đổi, làm bù vào ngày {made_up:%d/%m/%Y}"
        return HolidayName(reason, SWAP_NOTICE, made_up)
    suffixed = _SUFFIX.match(name)
    if suffixed:
        base = _describe_one(suffixed.group("base"))
        flags = suffixed.group("flags")
        reason, ref = base.reason, base.legal_ref
        if "observed" in flags:
            reason, ref = f"Nghỉ bù {reason}", LABOUR_CODE_ART_111
        if "estimated" in flags:
            reason = f"{reason} (dự kiến)"
        return HolidayName(reason, ref)
    reason, ref = _NAMES.get(name, (name, ""))
    return HolidayName(reason, ref)


class PublicHolidays:
    """Vietnam's public holidays (date to English name), computed once per year on first use."""

    def __init__(self) -> None:
        self._years: dict[int, dict[date, str]] = {}

    def for_year(self, year: int) -> Mapping[date, str]:
        """The public holidays of one year, weekends included."""
        found = self._years.get(year)
        if found is None:
            # A plain dict: lookups in the hot path must not go through HolidayBase's machinery.
            found = dict(holidays.country_holidays("VN", years=year, language="en_US").items())
            self._years[year] = found
        return found

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self.for_year(day.year)
