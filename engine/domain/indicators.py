"""The Decision 766 service-quality index: indicators, groups, scoring, and the case data keys.

This module is the one place that says which figures motcua publishes (DOMAIN §2), how many
points each is worth, and which keys of a case's data a procedure's forms set for the inputs the
engine does not record itself (payment channel, e-result link, digitised and reused documents,
the citizen's rating). docs/reports.md documents the same keys for analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# -- case data keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class DataKey:
    """One fact read from a case's data: a JSON path and the value that makes it true.

    `kind`: "true" (the JSON value true), "text" (a non-empty string), or "equals" (the string
    `value`). Anything else at the path, or nothing, makes the fact false.
    """

    name: str
    bit: int
    path: tuple[str, ...]
    kind: str
    label: str
    value: str = ""

    @property
    def pointer(self) -> str:
        """The key as a JSON pointer, e.g. /payment/online."""
        return "/" + "/".join(self.path)

    def holds(self, data: Any) -> bool:
        """Whether the fact holds for this case data (the rule the SQL of the report follows)."""
        node = data
        for part in self.path:
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        if self.kind == "true":
            return node is True
        if self.kind == "text":
            return isinstance(node, str) and node != ""
        return isinstance(node, str) and node == self.value


# The bit numbers are stored (PostgreSQL keeps the flags in case.report_flags): never renumber.
DATA_KEYS: tuple[DataKey, ...] = (
    DataKey("paid_online", 1, ("payment", "online"), "true", "Thanh toán trực tuyến"),
    DataKey("fee_exempt", 2, ("payment", "exempt"), "true", "Được miễn phí, lệ phí"),
    DataKey("e_result", 4, ("result", "e_result_url"), "text", "Có kết quả điện tử"),
    DataKey("digitised", 8, ("documents_digitised",), "true", "Thành phần hồ sơ được số hóa"),
    DataKey("reused", 16, ("data_reused",), "true", "Tái sử dụng dữ liệu đã số hóa"),
    DataKey("disliked", 32, ("satisfaction",), "equals", "Không hài lòng", value="dissatisfied"),
    DataKey("complaint", 64, ("complaint",), "true", "Có phản ánh, kiến nghị"),
)
KEY = {key.name: key for key in DATA_KEYS}


def report_flags(data: Any) -> int:
    """The bit set of the facts that hold for a case's data."""
    return sum(key.bit for key in DATA_KEYS if key.holds(data))


# -- procedure metadata the indicators read (procedure.json) --------------------------------


def charges_fee(meta: dict[str, Any]) -> bool:
    """True when procedure.json lists a fee with a non-zero amount (indicator 3.6's scope)."""
    fees = meta.get("fees") or []
    return any(isinstance(f, dict) and (f.get("amount") or 0) > 0 for f in fees)


def issues_paper_result(meta: dict[str, Any]) -> bool:
    """True unless procedure.json says "paper_result": false (indicators 3.3, 4.1, 4.2)."""
    return meta.get("paper_result", True) is not False


# -- indicators, groups and points ----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A group of the index with its points on the current DVCQG dashboard (DOMAIN §2)."""

    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class Indicator:
    """One indicator: code, Vietnamese name, group, points and the rate that earns them all.

    `threshold` None means full marks only at 100%. `max_points` 0 means reported, not scored.
    """

    code: str
    name: str
    group: str
    max_points: Decimal
    threshold: Decimal | None = None

    def points(self, rate: Decimal | None) -> Decimal | None:
        """The 766 scoring rule: Pmax when R >= T, else R x Pmax / T (rates in percent)."""
        if rate is None or self.max_points == 0:
            return None
        target = self.threshold if self.threshold is not None else Decimal(100)
        if rate >= target:
            return self.max_points
        return (rate * self.max_points / target).quantize(Decimal("0.01"))


GROUPS: tuple[Group, ...] = (
    Group("transparency", "Công khai, minh bạch", Decimal(18)),
    Group("timeliness", "Tiến độ, kết quả giải quyết", Decimal(20)),
    Group("online", "Cung cấp dịch vụ trực tuyến", Decimal(12)),
    Group("digitisation", "Số hóa hồ sơ", Decimal(22)),
    Group("payment", "Thanh toán trực tuyến", Decimal(10)),
    Group("satisfaction", "Mức độ hài lòng", Decimal(18)),
)

# Points per indicator [M]: DOMAIN §2 gives the group totals, 20 points for 2.1 and the
# thresholds; where it does not give an indicator's share, the group's points are split evenly
# over the group's indicators listed there (1.1-1.4: 4.5 each; 3.1-3.3: 4; 3.5-3.6: 5;
# 4.1-4.5: 4.4; 5.2-5.4: 6). Change them here only.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("1.4", "Tỷ lệ hồ sơ được đồng bộ lên Cổng DVCQG", "transparency", Decimal("4.5")),
    Indicator("2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "timeliness", Decimal(20)),
    Indicator("2.2", "Thời gian giải quyết trung bình (ngày làm việc)", "timeliness", Decimal(0)),
    Indicator("3.3", "Tỷ lệ hồ sơ trực tuyến", "online", Decimal(4), Decimal(50)),
    Indicator("3.6", "Tỷ lệ thanh toán trực tuyến", "payment", Decimal(5)),
    Indicator("4.1", "Tỷ lệ cấp kết quả điện tử", "digitisation", Decimal("4.4")),
    Indicator("4.2", "Tỷ lệ số hóa hồ sơ", "digitisation", Decimal("4.4"), Decimal(80)),
    Indicator(
        "4.3",
        "Tỷ lệ khai thác, tái sử dụng dữ liệu số hóa",
        "digitisation",
        Decimal("4.4"),
        Decimal(80),
    ),
    Indicator(
        "5.4", "Mức độ hài lòng trong giải quyết TTHC", "satisfaction", Decimal(6), Decimal(90)
    ),
)
INDICATOR = {i.code: i for i in INDICATORS}
GROUP = {g.code: g for g in GROUPS}
