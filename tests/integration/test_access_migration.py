"""Migration 0007_access on a database that already holds dossiers: existing cases get their
applicant's personal ID (so that citizens find them) and no receiving unit (their own)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import text

from engine.adapters.database import alembic_config, upgrade
from engine.domain.model import Actor
from engine.services.cases import start_case
from features.samples import application

UNIT = "UBND-PHUCXA"
COUNTER = Actor("mc.lan", frozenset({"officer", "counter"}), frozenset({UNIT}))


def test_upgrading_fills_the_applicant_id_of_existing_cases(ctx: Any, database_url: str) -> None:
    with_id = start_case(ctx, COUNTER, "birth_registration", 1, UNIT, application()).case
    # Lodged by someone whose ID was not taken down (the applicant given apart from the form).
    without_id = start_case(
        ctx, COUNTER, "birth_registration", 1, UNIT, application(), {"full_name": "Trần Văn Bình"}
    ).case
    ctx.db_engine.dispose()
    try:
        command.downgrade(alembic_config(database_url), "0006_reports")
    finally:
        upgrade(database_url)  # back at head whatever happened: the schema is shared
    with ctx.db_engine.connect() as conn:
        query = 'SELECT code, applicant_id FROM "case" WHERE receiving_unit IS NULL'
        rows = {code: applicant_id for code, applicant_id in conn.execute(text(query))}
    assert rows == {with_id.code: "001190012345", without_id.code: None}
