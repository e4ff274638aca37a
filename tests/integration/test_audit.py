"""Tamper evidence, digests, retention and replay on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from api.cli import main
from engine.adapters.rows import AuditAccessRow, AuditDigestRow, CaseEventRow, CaseRow
from engine.domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from engine.domain.history import seal
from engine.domain.model import Actor
from engine.services import audit, audit_reads, cases, tasks
from engine.services.replay import load_recorded, replay
from engine.services.retention import purge_history, retention_cutoff
from features.samples import application, task_data
from tests.dba import as_dba

UNIT = "UBND-PHUCXA"
OFFICER = Actor(
    "mc.lan", frozenset({"officer", "counter", "civil_status", "leader"}), frozenset({UNIT})
)
ADMIN = Actor("qt.an", frozenset({"admin"}), frozenset())
AUDITOR = Actor("tt.thu", frozenset({"auditor"}), frozenset({UNIT}))
HAPPY = [
    "counter_check/complete",
    "civil_status_record/approved",
    "leader_sign/signed",
    "return_result/in_person",
]


def _case(ctx: Any, steps: list[str]) -> str:
    """A birth registration taken through `steps`, ten minutes apart."""
    view = cases.start_case(ctx, OFFICER, "birth_registration", 1, UNIT, application())
    for key in steps:
        ctx.clock.advance(timedelta(minutes=10))
        task = cases.get_case(ctx, OFFICER, view.case.code).open_tasks[0]
        tasks.claim_task(ctx, OFFICER, task.id)
        tasks.complete_task(ctx, OFFICER, task.id, task_data(key))
    return view.case.code


def _case_id(conn: Connection, code: str) -> int:
    return int(conn.execute(select(CaseRow.id).where(CaseRow.code == code)).scalar_one())


@pytest.mark.parametrize("table", [CaseEventRow, AuditDigestRow, AuditAccessRow])
def test_the_application_can_neither_update_nor_delete_history(ctx: Any, table: Any) -> None:
    code = _case(ctx, HAPPY[:1])
    audit.record_digest(ctx, ADMIN)
    audit.record_access(ctx, AUDITOR, "show", code)
    for statement in (update(table).values(id=table.id), delete(table)):
        with pytest.raises(DBAPIError, match="append-only"), ctx.db_engine.begin() as conn:
            conn.execute(statement)
    with ctx.db_engine.connect() as conn:
        assert conn.execute(select(table.id)).first() is not None


def test_verification_holds_on_an_untouched_history(ctx: Any) -> None:
    _case(ctx, HAPPY)
    _case(ctx, HAPPY[:2])
    audit.record_digest(ctx, ADMIN)
    report = audit.verify_history(ctx, AUDITOR)
    assert report.ok, report.breaks
    assert report.cases == 2 and report.events > 20
    assert report.digests.count == 1 and all(report.protection.values())


def test_an_edited_payload_breaks_the_chain_at_that_event(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    with as_dba(ctx) as conn:
        row = conn.execute(
            select(CaseEventRow.id, CaseEventRow.seq, CaseEventRow.payload).where(
                CaseEventRow.case_id == _case_id(conn, code), CaseEventRow.type == "task_completed"
            )
        ).first()
        assert row is not None
        conn.execute(
            update(CaseEventRow)
            .where(CaseEventRow.id == row.id)
            .values(payload={**row.payload, "name": "sửa"})
        )
    [brk] = audit.verify_history(ctx, AUDITOR, code).breaks
    assert (brk.kind, brk.seq, brk.event_id) == ("hash", row.seq, row.id)


def test_reordered_events_break_the_chain(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    with as_dba(ctx) as conn:
        case_id = _case_id(conn, code)
        swap = {5: -1, 6: 5}
        for old, new in swap.items():
            conn.execute(
                update(CaseEventRow)
                .where(CaseEventRow.case_id == case_id, CaseEventRow.seq == old)
                .values(seq=new)
            )
        conn.execute(
            update(CaseEventRow)
            .where(CaseEventRow.case_id == case_id, CaseEventRow.seq == -1)
            .values(seq=6)
        )
    [brk] = audit.verify_history(ctx, ADMIN, code).breaks
    assert brk.seq == 5 and brk.kind in ("link", "hash")


def test_a_cut_tail_is_found_by_the_case_row_and_then_by_the_digest(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    audit.record_digest(ctx, ADMIN)
    with as_dba(ctx) as conn:
        case_id = _case_id(conn, code)
        last = conn.execute(select(CaseRow.last_event_seq).where(CaseRow.id == case_id)).scalar()
        conn.execute(
            delete(CaseEventRow).where(CaseEventRow.case_id == case_id, CaseEventRow.seq == last)
        )
    [brk] = audit.verify_history(ctx, ADMIN).breaks
    assert brk.kind == "tail"
    with as_dba(ctx) as conn:  # a careful attacker also rewrites the case row's head
        prev = conn.execute(
            select(CaseEventRow.hash).where(
                CaseEventRow.case_id == case_id, CaseEventRow.seq == last - 1
            )
        ).scalar()
        conn.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id)
            .values(last_event_seq=last - 1, last_event_hash=prev)
        )
    [brk] = audit.verify_history(ctx, ADMIN).breaks
    assert (brk.kind, brk.seq) == ("truncated", last)
    # A later digest does not launder the cut: the old head stays in the map.
    digest = audit.record_digest(ctx, ADMIN)
    assert digest.note["regressed"] == [code]
    assert audit.verify_history(ctx, ADMIN).breaks[0].kind == "truncated"


def test_a_chain_rewritten_and_rehashed_is_found_by_the_digest(ctx: Any) -> None:
    code = _case(ctx, HAPPY[:2])
    audit.record_digest(ctx, ADMIN)
    with as_dba(ctx) as conn:
        case_id = _case_id(conn, code)
        # Re-seal every event after editing the first completion: each link holds again.
        events = [e for _, e in _stream(ctx, case_id)]
        prev = "0" * 64
        for event in events:
            if event.type == "task_completed":
                event.payload = {**event.payload, "data": {"check_result": "incomplete"}}
            seal(event, prev)
            prev = event.hash
            conn.execute(
                update(CaseEventRow)
                .where(CaseEventRow.case_id == case_id, CaseEventRow.seq == event.seq)
                .values(payload=event.payload, prev_hash=event.prev_hash, hash=event.hash)
            )
        conn.execute(update(CaseRow).where(CaseRow.id == case_id).values(last_event_hash=prev))
    [brk] = audit.verify_history(ctx, ADMIN).breaks
    assert brk.kind == "rewritten"


def _stream(ctx: Any, case_id: int) -> list[Any]:
    with ctx.reader() as uow:
        return list(uow.audit.stream_events([case_id]))


def test_a_deleted_case_is_found_by_the_digest(ctx: Any) -> None:
    code = _case(ctx, HAPPY[:1])
    other = _case(ctx, HAPPY[:1])
    first = audit.record_digest(ctx, ADMIN)
    with ctx.uow() as uow:
        uow.audit.delete_cases([uow.cases.get_by_code(code).id])
        uow.commit()
    report = audit.verify_history(ctx, ADMIN)
    assert [(b.case_code, b.kind) for b in report.breaks] == [(code, "missing_case")]
    [brk] = audit.verify_history(ctx, AUDITOR, code).breaks  # asked about by its code
    assert brk.kind == "missing_case"
    second = audit.record_digest(ctx, ADMIN)
    assert second.prev_digest == first.digest and second.note["missing"] == [code]
    assert audit.verify_history(ctx, AUDITOR, other).ok
    assert audit.verify_history(ctx, ADMIN, expect_digest=first.digest).digests.expected_found


def test_an_altered_digest_row_is_found(ctx: Any) -> None:
    _case(ctx, HAPPY[:1])
    audit.record_digest(ctx, ADMIN)
    with as_dba(ctx) as conn:
        conn.execute(update(AuditDigestRow).values(case_count=99, changes={"heads": {}}))
    report = audit.verify_history(ctx, ADMIN)
    assert not report.digests.ok and "altered" in report.digests.problems[0]


def test_purge_keeps_open_cases_and_leaves_verifiable_digests(ctx: Any) -> None:
    done = _case(ctx, HAPPY)
    still_open = _case(ctx, HAPPY[:2])
    audit.record_digest(ctx, ADMIN)
    later = ctx.clock.now() + timedelta(days=1)
    plan = purge_history(ctx, ADMIN, later, dry_run=True)
    assert plan.cases == [done] and plan.events > 10 and plan.digest is None
    with ctx.reader() as uow:
        assert uow.cases.get_by_code(done) is not None
    plan = purge_history(ctx, ADMIN, later, dry_run=False)
    assert plan.cases == [done] and plan.digest is not None
    with ctx.reader() as uow:
        assert uow.cases.get_by_code(done) is None
        assert uow.cases.get_by_code(still_open) is not None
    report = audit.verify_history(ctx, ADMIN)
    assert report.ok, (report.breaks, report.digests.problems)
    assert report.digests.count == 2


def test_purge_never_destroys_a_history_that_does_not_verify(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    with as_dba(ctx) as conn:
        conn.execute(
            update(CaseEventRow)
            .where(CaseEventRow.case_id == _case_id(conn, code), CaseEventRow.seq == 1)
            .values(actor="someone else")
        )
    plan = purge_history(ctx, ADMIN, ctx.clock.now() + timedelta(days=1), dry_run=False)
    assert plan.cases == [] and plan.kept_broken == [code]


def test_the_retention_bounds_the_cutoff() -> None:
    now = datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    assert retention_cutoff(now, 365, None) == now - timedelta(days=365)
    with pytest.raises(InvalidInputError, match="retention is 365 days"):
        retention_cutoff(now, 365, now - timedelta(days=10))
    with pytest.raises(InvalidInputError, match="nothing is purged by default"):
        retention_cutoff(now, None, None)


def test_replay_matches_and_names_the_first_divergent_event(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    result = audit_reads.replay_case(ctx, AUDITOR, code)
    assert result.matched and result.events == result.through_seq > 15
    with as_dba(ctx) as conn:  # a DBA changes what the counter submitted
        row = conn.execute(
            select(CaseEventRow.id, CaseEventRow.seq, CaseEventRow.payload).where(
                CaseEventRow.case_id == _case_id(conn, code), CaseEventRow.type == "task_completed"
            )
        ).first()
        assert row is not None
        data = {**row.payload["data"], "check_result": "incomplete"}
        conn.execute(
            update(CaseEventRow)
            .where(CaseEventRow.id == row.id)
            .values(payload={**row.payload, "data": data})
        )
    with ctx.reader() as uow:
        case = uow.cases.get_by_code(code)
    result = replay(ctx, load_recorded(ctx, case))
    assert not result.matched and result.divergence is not None
    # The altered submission no longer passes the form: the replay stops at that very event.
    assert (result.divergence.seq, result.divergence.what) == (row.seq, "command")
    assert "form data is invalid" in result.divergence.message


def test_replay_finds_a_stored_state_that_its_history_does_not_explain(ctx: Any) -> None:
    code = _case(ctx, HAPPY[:2])
    with ctx.db_engine.begin() as conn:
        conn.execute(update(CaseRow).where(CaseRow.code == code).values(status=9))
    result = audit_reads.replay_case(ctx, ADMIN, code)
    assert result.divergence is not None
    assert (result.divergence.what, result.divergence.expected) == ("state.status", 9)


def test_the_case_as_it_was_after_an_event_and_at_an_instant(ctx: Any) -> None:
    start = ctx.clock.now()
    code = _case(ctx, HAPPY[:2])
    found = audit_reads.case_as_of(ctx, AUDITOR, code, seq=1)
    assert found.state.through_seq == 2 and found.state.status == 1
    assert [t.element_id for t in found.state.open_tasks] == ["counter_check"]
    found = audit_reads.case_as_of(ctx, AUDITOR, code, at=start + timedelta(minutes=15))
    assert found.state.status == 4 and found.state.appointment_at is not None
    assert found.legal_clock["sla_state"] == "on_track", found.legal_clock
    assert [t.element_id for t in found.state.open_tasks] == ["civil_status_record"]
    with pytest.raises(NotFoundError, match="did not exist yet"):
        audit_reads.case_as_of(ctx, AUDITOR, code, at=start - timedelta(seconds=1))
    with ctx.reader() as uow:
        actions = [e.action for e in uow.audit.accesses(code)]
    assert actions == ["as_of", "as_of"]


def test_replay_writes_nothing_to_the_database(ctx: Any) -> None:
    code = _case(ctx, HAPPY)
    with ctx.db_engine.connect() as conn:
        before = conn.execute(select(CaseEventRow.id)).all()
    assert audit_reads.replay_case(ctx, ADMIN, code).matched
    with ctx.db_engine.connect() as conn:
        assert conn.execute(select(CaseEventRow.id)).all() == before


def test_only_auditors_and_admins_audit(ctx: Any) -> None:
    code = _case(ctx, HAPPY[:1])
    with pytest.raises(PermissionDeniedError, match="auditor or admin"):
        audit.verify_history(ctx, OFFICER)
    with pytest.raises(PermissionDeniedError, match="auditor or admin"):
        audit_reads.replay_case(ctx, OFFICER, code)
    outsider = Actor("tt.nam", frozenset({"auditor"}), frozenset({"UBND-TAYHO"}))
    assert audit.verify_history(ctx, outsider).cases == 0
    with pytest.raises(NotFoundError):
        audit_reads.replay_case(ctx, outsider, code)


def test_the_cli_verifies_digests_replays_and_purges(
    ctx: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _case(ctx, HAPPY)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MOTCUA_SECRET_KEY", settings.secret_key)
    assert main(["audit", "digest"]) == 0
    digest = capsys.readouterr().out.split()[0]
    assert main(["audit", "verify", "--expect", digest]) == 0
    assert "all links hold" in capsys.readouterr().out
    assert main(["replay", code]) == 0
    assert "matched" in capsys.readouterr().out
    assert main(["audit", "as-of", code, "--event", "3"]) == 0
    assert '"through_seq"' in capsys.readouterr().out
    assert main(["audit", "purge", "--before", "2099-01-01", "--dry-run"]) == 0
    assert "would purge 1 case(s)" in capsys.readouterr().out
    with ctx.reader() as uow:
        assert [e.actor for e in uow.audit.accesses(code)][0].startswith("cli:")


@pytest.mark.only_on("postgres")  # roles and session_replication_role are PostgreSQL's
def test_on_postgresql_only_a_dba_can_lift_the_trigger(ctx: Any) -> None:
    code = _case(ctx, HAPPY[:1])
    role = f"motcua_app_{code[-4:]}_{datetime.now().microsecond}"
    with ctx.db_engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON case_event TO {role}"))
    try:
        # The application's role, even with UPDATE and DELETE granted, meets the trigger...
        for statement in ("UPDATE case_event SET actor = 'x'", "DELETE FROM case_event"):
            with pytest.raises(DBAPIError, match="append-only"), ctx.db_engine.begin() as conn:
                conn.execute(text(f"SET LOCAL ROLE {role}"))
                conn.execute(text(statement))
        # ...and cannot switch it off the way a DBA can.
        with pytest.raises(DBAPIError, match="permission denied"), ctx.db_engine.begin() as conn:
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        # So a purge run with the application's role is refused with a clear message.
        with pytest.raises(PermissionDeniedError, match="needs a DBA role"), ctx.uow() as uow:
            uow.session.execute(text(f"SET LOCAL ROLE {role}"))
            uow.audit.delete_cases([1])
    finally:
        with ctx.db_engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
    assert audit.verify_history(ctx, ADMIN, code).ok
