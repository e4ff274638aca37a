"""One transaction per command, savepoints per case in a batch (SQLite and PostgreSQL).

Task and history rows are queued and written at commit; a savepoint that fails must undo its
own rows only, even when a read inside it had already flushed what earlier blocks queued.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from engine.adapters.repository import Page
from engine.domain.errors import ConflictError
from engine.domain.model import Actor, TaskState
from engine.services import cases, tasks
from engine.services.recording import CaseRecorder
from features.samples import application, task_data

UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "counter"}), frozenset({UNIT}))


def _start(ctx: Any) -> str:
    view = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application())
    return view.case.code


def _claim_in_block(ctx: Any, uow: Any, code: str) -> None:
    """What a command does to a case: change a task, append an event, save the case."""
    case = uow.cases.get_by_code(code, lock=True)
    [task] = uow.tasks.open_for_case(case.id)
    task.assignee, task.claimed_at = OFFICER.sub, ctx.clock.now()
    uow.tasks.update(task)
    recorder = CaseRecorder(
        ctx, uow, case, ctx.catalog.get(uow, case.model_version_id), OFFICER, ctx.clock.now()
    )
    recorder.event("task_claimed", {"element_id": task.element_id, "assignee": OFFICER.sub})
    uow.cases.save(case)


def test_a_failed_savepoint_keeps_the_rows_earlier_blocks_queued(ctx: Any) -> None:
    kept, undone = _start(ctx), _start(ctx)
    with ctx.uow() as uow:
        with uow.savepoint():
            _claim_in_block(ctx, uow, kept)
        with pytest.raises(RuntimeError), uow.savepoint():
            _claim_in_block(ctx, uow, undone)
            # Reads flush the queue, the earlier block's rows included, inside this savepoint.
            uow.tasks.search({"unit": UNIT}, Page(1, 50))
            uow.events.for_case(uow.cases.get_by_code(undone).id)
            raise RuntimeError("the model of this case failed")
        uow.commit()

    kept_case = cases.get_case(ctx, OFFICER, kept)
    undone_case = cases.get_case(ctx, OFFICER, undone)
    assert [t.assignee for t in kept_case.open_tasks] == [OFFICER.sub]
    assert [t.assignee for t in undone_case.open_tasks] == [None]
    assert _types(ctx, kept)[-1] == "task_claimed"
    assert "task_claimed" not in _types(ctx, undone)
    assert kept_case.case.last_event_seq == len(_types(ctx, kept))


def test_open_tasks_read_in_a_command_follow_its_own_writes(ctx: Any) -> None:
    code = _start(ctx)
    with ctx.uow() as uow:
        case = uow.cases.get_by_code(code, lock=True)
        [task] = uow.tasks.open_for_case(case.id)
        task.state = TaskState.CANCELLED
        uow.tasks.update(task)
        assert uow.tasks.open_for_case(case.id) == []
        assert uow.tasks.get(task.id).state == TaskState.CANCELLED
        # Not committed: the database still has the task open.
    assert [t.id for t in cases.get_case(ctx, OFFICER, code).open_tasks] == [task.id]


def test_a_stale_case_is_refused_and_its_task_and_history_rows_are_not_written(ctx: Any) -> None:
    code = _start(ctx)
    with ctx.uow() as uow:
        stale = uow.cases.get_by_code(code)  # read, then changed by another command
    with ctx.uow() as uow:
        _claim_in_block(ctx, uow, code)
        uow.commit()
    history = _types(ctx, code)
    with ctx.uow() as uow:
        [task] = uow.tasks.open_for_case(stale.id)
        task.state = TaskState.CANCELLED
        uow.tasks.update(task)
        CaseRecorder(
            ctx, uow, stale, ctx.catalog.get(uow, stale.model_version_id), OFFICER, ctx.clock.now()
        ).event("case_noted", {"note": "written from a stale copy"})
        uow.cases.save(stale)
        with pytest.raises(ConflictError, match=f"case {code} was changed by someone else"):
            uow.commit()
    after = cases.get_case(ctx, OFFICER, code)
    assert [t.state for t in after.open_tasks] == [TaskState.OPEN]
    assert _types(ctx, code) == history


def test_a_saved_case_is_what_later_reads_of_the_command_see(ctx: Any) -> None:
    code = _start(ctx)
    with ctx.uow() as uow:
        case = uow.cases.get_by_code(code, lock=True)
        case.data = {**case.data, "note": "saved, not committed"}
        uow.cases.save(case)
        assert uow.cases.get_by_code(code).data["note"] == "saved, not committed"
        assert uow.cases.get_by_code(code).row_version == case.row_version
        uow.commit()
    assert cases.get_case(ctx, OFFICER, code).case.data["note"] == "saved, not committed"


def test_a_task_completion_is_one_lock_and_one_write_on_postgresql(ctx: Any) -> None:
    """The round trips of a completion: BEGIN, the case locked with its open tasks, the case,
    task rows and history in one statement, COMMIT (SQLite, in process, writes them apart)."""
    code = _start(ctx)
    task_id = cases.get_case(ctx, OFFICER, code).open_tasks[0].id
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    event.listen(ctx.db_engine, "before_cursor_execute", count)
    try:
        tasks.complete_task(ctx, OFFICER, task_id, task_data("counter_check/complete"))
    finally:
        event.remove(ctx.db_engine, "before_cursor_execute", count)
    if ctx.db_engine.dialect.name == "postgresql":
        assert sent == ["SELECT", "WITH"]
    else:
        assert sent.count("SELECT") == 1 and "WITH" not in sent


def test_a_case_start_writes_the_new_case_once_on_postgresql(ctx: Any) -> None:
    """The version, then the dossier number with the case's id, then the finished case with
    its task rows and history in one statement: no INSERT of a half-made case to UPDATE."""
    _start(ctx)  # the process's first start loads the model and the calendar once
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()[:4]).upper())

    event.listen(ctx.db_engine, "before_cursor_execute", count)
    try:
        view = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application())
    finally:
        event.remove(ctx.db_engine, "before_cursor_execute", count)
    if ctx.db_engine.dialect.name == "postgresql":
        assert [s.split()[0] for s in sent] == ["SELECT", "WITH", "WITH"], sent
        assert "UPDATE" not in " ".join(sent)
    stored = cases.get_case(ctx, OFFICER, view.case.code)
    assert stored.case.id == view.case.id and stored.case.row_version == view.case.row_version
    assert [t.element_id for t in stored.open_tasks] == ["counter_check"]
    assert _types(ctx, view.case.code)[0] == "case_received"


def _types(ctx: Any, code: str) -> list[str]:
    _, events = cases.case_history(ctx, OFFICER, code)
    return [e.type for e in events]
