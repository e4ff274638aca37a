"""The unit directory: provinces, parents, and who may receive for whom (phi địa giới)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.bootstrap import unit_directory
from engine.domain.units import UnitDirectory, directory_from_dict

HANOI = {
    "TTPVHCC-HN": {"name": "TTPVHCC Hà Nội", "province": "01", "receives_for": "province"},
    "TTPVHCC-HN-CN2": {
        "name": "Chi nhánh số 2",
        "parent": "TTPVHCC-HN",
        "receives_for": "province",
    },
    "UBND-PHUCXA": {"name": "UBND phường Phúc Xá", "province": "01"},
    "TTPVHCC-HCM": {"province": "79", "receives_for": "province"},
    "UBND-BENTHANH": {"province": "79"},
}


def test_a_branch_takes_its_province_from_its_parent() -> None:
    units = directory_from_dict(HANOI)
    assert units.province_of("TTPVHCC-HN-CN2") == "01"
    assert units.province_of("NOWHERE") == ""


def test_a_province_wide_counter_receives_for_any_unit_of_its_province_only() -> None:
    units = directory_from_dict(HANOI)
    assert units.receipt_refusal("TTPVHCC-HN", "UBND-PHUCXA") is None
    assert units.receipt_refusal("TTPVHCC-HN-CN2", "UBND-PHUCXA") is None
    refusal = units.receipt_refusal("TTPVHCC-HCM", "UBND-PHUCXA")
    assert refusal and "UBND-PHUCXA belongs to province 01" in refusal
    assert "not in the unit directory" in (units.receipt_refusal("TTPVHCC-HN", "UBND-X") or "")


def test_a_unit_receives_for_itself_and_an_ordinary_counter_for_nobody_else() -> None:
    assert UnitDirectory().receipt_refusal("UBND-PHUCXA", "UBND-PHUCXA") is None
    units = directory_from_dict(HANOI)
    refusal = units.receipt_refusal("UBND-PHUCXA", "UBND-BENTHANH")
    assert refusal and "receives only its own dossiers" in refusal
    assert UnitDirectory().receipt_refusal("TTPVHCC-HN", "UBND-PHUCXA") is not None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must map unit codes"),
        ({"U": "01"}, "must be an object"),
        ({"U": {"province": "01", "city": "x"}}, "unknown keys"),
        ({"U": {"province": 1}}, "must be a string"),
        ({"U": {"province": "01", "receives_for": "country"}}, "receives_for"),
        ({"U": {"parent": "P"}}, "parent P is not in the directory"),
        ({"U": {"name": "no province"}}, "has no province"),
        ({"A": {"parent": "B"}, "B": {"parent": "A"}}, "has no province"),
    ],
)
def test_a_directory_that_cannot_be_trusted_is_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        directory_from_dict(raw)


def test_the_example_directory_of_the_readme_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "units.json"
    units = unit_directory(example)
    assert units.receipt_refusal("TTPVHCC-HN-CN2", "UBND-TAYHO") is None
    assert units.receipt_refusal("TTPVHCC-HCM", "UBND-TAYHO") is not None


def test_the_units_file_is_read_at_start_and_a_broken_one_stops_it(tmp_path: Path) -> None:
    good = tmp_path / "units.json"
    good.write_text('{"UBND-PHUCXA": {"province": "01"}}', encoding="utf-8")
    assert unit_directory(good).province_of("UBND-PHUCXA") == "01"
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(RuntimeError, match="MOTCUA_UNITS_FILE"):
        unit_directory(broken)
