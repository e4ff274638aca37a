"""Moving running cases to a new model version (SQLite and PostgreSQL): dry run, apply, replay."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.adapters.repository import Page
from engine.bootstrap import build_context
from engine.domain.errors import PermissionDeniedError
from engine.domain.model import Actor
from engine.services import cases, tasks
from engine.services.audit import verify_history
from engine.services.bundles import read_bundle
from engine.services.migration import migrate_cases
from engine.services.models import deploy_bundle
from engine.services.replay import load_recorded, replay

DEMO = Path(__file__).parent / "data" / "migration_demo"
UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer", "leader"}), frozenset({UNIT}))
ADMIN = Actor("admin.ha", frozenset({"admin"}), frozenset())
ANALYST = Actor("analyst.an", frozenset({"analyst"}), frozenset())
APPLICANT = {"full_name": "Phạm Văn Test"}


@pytest.fixture
def demo_ctx(settings: Any, clock: Any) -> Iterator[Any]:
    """A context with version 1 of the migration demo deployed."""
    context = build_context(settings, clock=clock)
    deploy_bundle(context, ADMIN, read_bundle(DEMO / "v1"))
    yield context
    context.db_engine.dispose()


def _open(ctx: Any, code: str) -> dict[str, Any]:
    items, _ = tasks.list_tasks(ctx, OFFICER, "units", {"case_code": code}, Page(1, 50))
    return {t.element_id: t for t in items}


def _start(ctx: Any, at_review: bool) -> str:
    code: str = cases.start_case(ctx, OFFICER, "migration_demo", 1, UNIT, {}, APPLICANT).case.code
    if at_review:
        tasks.complete_task(ctx, OFFICER, _open(ctx, code)["intake"].id, {"checked": True})
    return code


def _case(ctx: Any, code: str) -> Any:
    return cases.get_case(ctx, OFFICER, code).case


def test_a_dry_run_reports_each_case_and_changes_nothing(demo_ctx: Any) -> None:
    at_review, at_intake = _start(demo_ctx, True), _start(demo_ctx, False)
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    before = _case(demo_ctx, at_review)

    report = migrate_cases(demo_ctx, ADMIN, "migration_demo", 1, 2)

    verdicts = {c.code: (c.safe, c.migrated, c.reasons) for c in report.cases}
    assert verdicts == {
        at_review: (True, False, []),
        at_intake: (
            False,
            False,
            ["task 'Intake' is waiting on element 'intake', which version 2 removes"],
        ),
    }
    assert report.changes.added == ["check_residence"] and report.changes.removed == ["intake"]
    after = _case(demo_ctx, at_review)
    assert (after.model_version_id, after.state, after.last_event_seq) == (
        before.model_version_id,
        before.state,
        before.last_event_seq,
    )


def test_applying_moves_the_safe_cases_and_records_an_event_on_their_chain(
    demo_ctx: Any,
) -> None:
    at_review, at_intake = _start(demo_ctx, True), _start(demo_ctx, False)
    finished = _start(demo_ctx, True)
    tasks.complete_task(demo_ctx, OFFICER, _open(demo_ctx, finished)["review"].id, {})
    tasks.complete_task(demo_ctx, OFFICER, _open(demo_ctx, finished)["sign"].id, {})
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    review_task = _open(demo_ctx, at_review)["review"]
    tasks.claim_task(demo_ctx, OFFICER, review_task.id)

    report = migrate_cases(
        demo_ctx, ADMIN, "migration_demo", 1, 2, dry_run=False, reason="Quyết định 12/QĐ"
    )

    # The finished case is not selected; the case at intake stays where it is.
    assert [(c.code, c.migrated) for c in report.cases] == [(at_review, True), (at_intake, False)]
    moved, kept = _case(demo_ctx, at_review), _case(demo_ctx, at_intake)
    assert (moved.model_hash, kept.model_hash) == (
        report.target.content_hash,
        report.source.content_hash,
    )
    _, history = cases.case_history(demo_ctx, OFFICER, at_review)
    event = next(e for e in history if e.type == "case_migrated")
    assert event.actor == "admin.ha" and event.model_hash == report.target.content_hash
    assert {k: event.payload[k] for k in ("from_version", "to_version", "reason")} == {
        "from_version": 1,
        "to_version": 2,
        "reason": "Quyết định 12/QĐ",
    }
    assert event.payload["from_hash"] == report.source.content_hash
    assert verify_history(demo_ctx, ADMIN, at_review).ok
    # The open task keeps its id and its claim and takes the new version's label.
    task = _open(demo_ctx, at_review)["review"]
    assert (task.id, task.assignee, task.name) == (review_task.id, "cv.an", "Review the dossier")
    tasks.complete_task(demo_ctx, OFFICER, task.id, {})
    assert set(_open(demo_ctx, at_review)) == {"check_residence"}


def test_a_migrated_case_replays_to_its_stored_state(demo_ctx: Any) -> None:
    code = _start(demo_ctx, True)
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    migrate_cases(demo_ctx, ADMIN, "migration_demo", 1, 2, [code], dry_run=False)
    tasks.complete_task(demo_ctx, OFFICER, _open(demo_ctx, code)["review"].id, {})

    result = replay(demo_ctx, load_recorded(demo_ctx, cases.get_case(demo_ctx, ADMIN, code).case))

    assert result.matched, result.divergence
    assert result.model_version == 1  # it started on version 1


def test_chosen_cases_not_on_the_source_version_are_refused_by_name(demo_ctx: Any) -> None:
    code = _start(demo_ctx, True)
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    migrate_cases(demo_ctx, ADMIN, "migration_demo", 1, 2, [code], dry_run=False)

    report = migrate_cases(demo_ctx, ADMIN, "migration_demo", 1, 2, [code, "NO-SUCH"])

    assert [c.reasons for c in report.cases] == [
        ["the case is already on version 2"],
        ["case NO-SUCH is not a case of procedure migration_demo"],
    ]


def test_only_an_administrator_moves_cases(demo_ctx: Any) -> None:
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    with pytest.raises(PermissionDeniedError):
        migrate_cases(demo_ctx, ANALYST, "migration_demo", 1, 2)


def test_motcua_migrate_prints_a_dry_run_table_and_fails_an_apply_with_unsafe_cases(
    demo_ctx: Any, settings: Any
) -> None:
    at_review, at_intake = _start(demo_ctx, True), _start(demo_ctx, False)
    deploy_bundle(demo_ctx, ANALYST, read_bundle(DEMO / "v2"))
    env = {**os.environ, "MOTCUA_DATABASE_URL": settings.database_url}
    env["MOTCUA_SECRET_KEY"] = settings.secret_key
    command = [str(Path(sys.executable).with_name("motcua")), "migrate", "--procedure"]
    command += ["migration_demo", "--from", "1", "--to", "2"]

    dry = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "UNSAFE" in dry.stdout and at_intake in dry.stdout
    assert "selected=2 safe=1 unsafe=1 migrated=0" in dry.stdout
    applied = subprocess.run(
        [*command, "--apply"], env=env, capture_output=True, text=True, timeout=120
    )
    assert applied.returncode == 1
    assert "migrated=1" in applied.stdout
    assert _case(demo_ctx, at_review).model_hash != _case(demo_ctx, at_intake).model_hash
