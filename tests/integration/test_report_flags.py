"""PostgreSQL keeps the Decision 766 data facts of each case in the generated column
case.report_flags; it must say what engine.domain.indicators.report_flags says of the same
data, and never fail a write."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from engine.domain.indicators import report_flags
from engine.domain.model import Actor
from engine.services import cases
from features.samples import application

UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "counter"}), frozenset({UNIT}))

DATA = [
    {},
    {"payment": {"online": True, "exempt": True}, "documents_digitised": True},
    {"payment": {"online": "true", "exempt": 1}, "data_reused": False},
    {"result": {"e_result_url": "https://kq.example/1"}, "satisfaction": "dissatisfied"},
    {"result": {"e_result_url": ""}, "satisfaction": "Dissatisfied", "complaint": True},
    {"result": "https://kq", "satisfaction": ["dissatisfied"], "complaint": "yes"},
    {"data_reused": True, "complaint": True, "note": "dissatisfi\u1ec7d"},
    {"payment": None, "result": {"e_result_url": None}},
    {"payment": {"online": True}, "note": "a NUL \u0000 in the data"},  # unreadable: no facts
]


@pytest.mark.only_on("postgres")
@pytest.mark.parametrize("data", DATA, ids=range(len(DATA)))
def test_the_stored_flags_are_the_engines_flags(ctx: Any, data: dict[str, Any]) -> None:
    code = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application()).case.code
    with ctx.db_engine.begin() as conn:
        conn.execute(
            text('UPDATE "case" SET data = CAST(:data AS json) WHERE code = :code'),
            {"data": json.dumps(data), "code": code},
        )
        stored = conn.execute(
            text('SELECT report_flags FROM "case" WHERE code = :code'), {"code": code}
        ).scalar_one()
    expected = 0 if "\\u0000" in json.dumps(data) else report_flags(data)
    assert stored == expected
