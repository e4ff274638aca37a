"""A command's writes in one statement on PostgreSQL: the case, its task rows, its history.

A task command ends by updating the case (with the optimistic version check), upserting the
task rows it changed and appending its events. Sent one by one these are three round trips,
each with its driver and SQLAlchemy overhead; PostgreSQL's data-modifying CTEs run them as one
statement in the same transaction:

    WITH saved_case AS (UPDATE "case" ... WHERE id = :_id AND row_version = :_seen RETURNING id),
         tasks_written AS (INSERT INTO task ... SELECT ... FROM json_populate_recordset(...)
                           WHERE EXISTS (SELECT FROM saved_case) ON CONFLICT (id) DO UPDATE ...),
         events_written AS (INSERT INTO case_event ... WHERE EXISTS (SELECT FROM saved_case))
    SELECT count(*) FROM saved_case

The task and event rows travel as one JSON array each, so the statement's text is the same
whatever the number of rows: it is compiled once and prepared once per connection. When the
version check fails, no task or event row is written and the caller gets a ConflictError.
SQLite (in process, no round trips) writes the three parts as separate statements.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table, Text, bindparam, cast, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from engine.adapters.repository import CASE_INSERT_RESERVED, CASE_UPDATE, QueuedCase, conflict
from engine.adapters.rows import CaseEventRow, CaseRow, TaskRow, table_of

_CASE = table_of(CaseRow)
_TASK = table_of(TaskRow)
_EVENT = table_of(CaseEventRow)
# What a command may change on an existing task (labels, lane, groups and form change when a
# case migrates to another model version).
TASK_MUTABLE = (
    "name",
    "lane",
    "candidate_groups",
    "state",
    "form",
    "assignee",
    "claimed_at",
    "due_at",
    "completed_at",
    "completed_by",
    "verdict",
)


def _rows_from_json(table: Table, param: str, gate: Any | None) -> tuple[list[str], Select[Any]]:
    """SELECT the table's insertable columns out of a JSON array parameter of row objects."""
    names = [c.name for c in table.columns if c.autoincrement is not True]  # the id is the table's
    source = (
        func.json_populate_recordset(
            literal_column(f"NULL::{table.name}"), cast(bindparam(param, type_=Text), JSON)
        )
        .table_valued(*names)
        .alias(param)
    )
    rows = select(*[source.c[name] for name in names])
    if gate is not None:
        rows = rows.where(exists(select(gate.c.id)))
    return names, rows


def _statement(case_write: Any | None) -> Select[Any]:
    """The one statement; with `case_write` (the case's UPDATE or first INSERT), its row count
    is the case rows written."""
    saved = case_write.returning(_CASE.c.id).cte("saved_case") if case_write is not None else None
    task_columns, task_rows = _rows_from_json(_TASK, "tasks", saved)
    upsert = pg_insert(_TASK).from_select(task_columns, task_rows)
    tasks = upsert.on_conflict_do_update(
        index_elements=[_TASK.c.id],
        set_={name: getattr(upsert.excluded, name) for name in TASK_MUTABLE},
    ).cte("tasks_written")
    event_columns, event_rows = _rows_from_json(_EVENT, "events", saved)
    events = pg_insert(_EVENT).from_select(event_columns, event_rows).cte("events_written")
    if saved is None:
        return select(literal_column("1")).add_cte(tasks, events)
    return select(func.count()).select_from(saved).add_cte(tasks, events)


_WITH_CASE = _statement(CASE_UPDATE)
_WITH_NEW_CASE = _statement(CASE_INSERT_RESERVED)
_WITHOUT_CASE = _statement(None)


def write_command(
    session: Session,
    case: QueuedCase | None,
    tasks: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> None:
    """Write what a command queued; ConflictError when the case changed since it was loaded."""
    if case is None and not tasks and not events:
        return
    rows = {"tasks": _json_rows(tasks), "events": _json_rows(events)}
    if case is None:
        session.execute(_WITHOUT_CASE, rows)
        return
    statement = _WITH_NEW_CASE if case.new else _WITH_CASE
    if session.execute(statement, {**case.params, **rows}).scalar_one() != 1:
        raise conflict(case.code)


def _json_rows(rows: list[dict[str, Any]]) -> str:
    """Rows as a JSON array; instants as ISO-8601 with their offset (UTC), as the columns
    store them. Naive datetimes are refused as they are for every other write."""
    return json.dumps(rows, default=_instant)


def _instant(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass a timezone-aware instant")
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
