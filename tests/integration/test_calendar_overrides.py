"""The calendar override table on SQLite and PostgreSQL: versions, seeding, the live calendar, CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from api.cli import main
from engine.adapters.calendar_repository import CalendarOverrideRepository
from engine.calendar import LiveCalendar, known_overrides
from engine.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.domain.model import Actor
from engine.services import calendar
from engine.services.calendar import DatabaseOverrides
from engine.services.context import Context

ADMIN = Actor(sub="qt.thu", roles=frozenset({"admin"}))
OFFICER = Actor(sub="mc.lan", roles=frozenset({"officer", "counter"}), units=frozenset({"X"}))
FRIDAY = date(2025, 3, 14)  # an ordinary Friday
REASON, REF = "Nghỉ phòng, chống bão (ví dụ kiểm thử)", "Công điện 01/CĐ-UBND (ví dụ)"


@pytest.fixture
def context(settings: Any, clock: Any) -> Iterator[Context]:
    """A Context over the test database, without deploying any procedure."""
    from engine.bootstrap import build_context

    ctx = build_context(settings, clock=clock)
    yield ctx
    # PostgreSQL tests share one schema: drop what a test stored, keep the seeded versions.
    with ctx.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE changed_by <> 'system'"))
    ctx.db_engine.dispose()


def _due(ctx: Context) -> datetime:
    # Received Thursday 13/3/2025 16:00, after the cut-off: counting starts Friday 14/3.
    received = datetime.fromisoformat("2025-03-13T16:00:00+07:00")
    return calendar.compute_due(ctx, received, "2WD").due


def test_the_migration_seeds_the_shipped_decisions(context: Context) -> None:
    with context.reader() as uow:
        seeded = uow.calendar.history()
    assert [(v.day, v.kind, v.reason, v.legal_ref) for v in seeded] == [
        (o.day, o.kind, o.reason, o.legal_ref) for o in known_overrides()
    ]
    assert {v.changed_by for v in seeded} == {"system"}
    assert [v.version for v in seeded] == [1, 2]


def test_a_change_is_a_new_version_and_the_old_ones_are_kept(context: Context) -> None:
    first = calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF)
    corrected = calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF + " sửa")
    withdrawn = calendar.withdraw_override(context, ADMIN, FRIDAY, "Bão đã tan")
    assert (first.created, corrected.created) == (True, True)
    assert [first.version.version, corrected.version.version, withdrawn.version] == [3, 4, 5]
    assert [corrected.version.supersedes, withdrawn.supersedes] == [3, 4]
    history = calendar.list_overrides(context, year=2025, history=True)
    assert [(v.version, v.kind) for v in history if v.day == FRIDAY] == [
        (3, "off"),
        (4, "off"),
        (5, "withdrawn"),
    ]
    assert withdrawn.changed_by == "qt.thu" and withdrawn.changed_at == context.clock.now()
    assert [v.day for v in calendar.list_overrides(context, year=2025)] == [date(2025, 4, 26)]


def test_the_same_override_sent_twice_stores_one_version(context: Context) -> None:
    calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF)
    again = calendar.set_override(context, ADMIN, FRIDAY, "off", f"  {REASON} ", REF)
    assert not again.created and again.version.version == 3
    with context.reader() as uow:
        assert uow.calendar.latest_version() == 3


def test_the_due_date_follows_the_table_at_once_in_this_process(context: Context) -> None:
    assert _due(context).isoformat() == "2025-03-17T17:00:00+07:00"
    calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF)
    assert _due(context).isoformat() == "2025-03-18T17:00:00+07:00"
    calendar.withdraw_override(context, ADMIN, FRIDAY, "Bão đã tan")
    assert _due(context).isoformat() == "2025-03-17T17:00:00+07:00"


def test_another_process_sees_the_change_when_the_version_moves(
    context: Context, settings: Any, clock: Any
) -> None:
    from engine.bootstrap import build_context

    ticks = [0.0]
    live = LiveCalendar(
        DatabaseOverrides(context.reader), check_every=5, monotonic=lambda: ticks[0]
    )
    assert live.is_working_day(FRIDAY)
    other = build_context(settings, clock=clock)  # another API or worker process
    try:
        calendar.set_override(other, ADMIN, FRIDAY, "off", REASON, REF)
    finally:
        other.db_engine.dispose()
    assert live.is_working_day(FRIDAY), "the cached calendar is used until the next check"
    ticks[0] = 5.0
    assert not live.is_working_day(FRIDAY)
    assert live.version == 3


def test_two_writers_cannot_take_the_same_version(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A writer that read max(version) before another one committed proposes a taken number.
    monkeypatch.setattr(CalendarOverrideRepository, "latest_version", lambda self: 1)
    with pytest.raises(ConflictError, match="changed meanwhile"):
        calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF)
    with context.reader() as uow:
        assert [v.day for v in uow.calendar.history()] == [date(2025, 4, 26), date(2026, 8, 22)]


def test_a_writer_that_loses_the_race_once_retries(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = CalendarOverrideRepository.latest_version
    stale = iter([1])
    monkeypatch.setattr(
        CalendarOverrideRepository, "latest_version", lambda self: next(stale, None) or real(self)
    )
    change = calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF)
    assert change.created and change.version.version == 3


def test_only_an_admin_changes_the_calendar(context: Context) -> None:
    with pytest.raises(PermissionDeniedError):
        calendar.set_override(context, OFFICER, FRIDAY, "off", REASON, REF)
    with pytest.raises(PermissionDeniedError):
        calendar.withdraw_override(context, OFFICER, date(2025, 4, 26), "không")


def test_an_override_that_changes_nothing_is_refused(context: Context) -> None:
    with pytest.raises(ConflictError, match="change nothing"):
        calendar.set_override(context, ADMIN, date(2025, 3, 16), "off", REASON, REF)  # Sunday
    with pytest.raises(ConflictError, match="withdraw its 'workday' override"):
        calendar.set_override(context, ADMIN, date(2025, 4, 26), "off", REASON, REF)


def test_withdrawing_a_day_without_override_is_not_found(context: Context) -> None:
    with pytest.raises(NotFoundError):
        calendar.withdraw_override(context, ADMIN, FRIDAY, "không có")


def test_seeding_again_adds_only_days_never_seen(context: Context) -> None:
    calendar.withdraw_override(context, ADMIN, date(2025, 4, 26), "Thử rút ngày làm bù")
    assert calendar.seed_known_overrides(context) == 0
    assert [v.day for v in calendar.list_overrides(context)] == [date(2026, 8, 22)]


def test_seeding_stores_a_newly_shipped_decision(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.calendar import CalendarOverride

    shipped = (*known_overrides(), CalendarOverride(FRIDAY, "off", REASON, REF))
    monkeypatch.setattr(calendar, "known_overrides", lambda: shipped)
    assert calendar.seed_known_overrides(context) == 1
    assert calendar.seed_known_overrides(context) == 0
    assert not context.calendar.is_working_day(FRIDAY)
    # Clean-up in the fixture keeps rows by "system" only: this one must go too.
    with context.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE version > 2"))


def test_the_cli_prints_the_appointment_from_the_database_calendar(
    context: Context, settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("MOTCUA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MOTCUA_SECRET_KEY", settings.secret_key)
    argv = ["calendar", "due", "--received", "2025-01-24T15:30:00+07:00", "--limit", "3WD"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2025-02-05T17:00:00+07:00"
    add = ["calendar", "overrides", "add", "2025-02-03", "--kind", "off"]
    assert main([*add, "--reason", REASON, "--legal-ref", REF, "--by", "qt.thu"]) == 0
    assert "stored:" in capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2025-02-06T17:00:00+07:00"
    assert main(["calendar", "show", "2025"]) == 0
    shown = capsys.readouterr().out
    assert "2025-02-03 Thứ Hai   off" in shown and "2025-04-26 Thứ Bảy   workday" in shown
    assert main(["calendar", "overrides", "remove", "2025-02-03", "--reason", "Hủy"]) == 0
    assert main(["calendar", "overrides", "list", "--history", "--year", "2025"]) == 0
    listed = capsys.readouterr().out
    assert "withdrawn Hủy (by cli:" in listed
    assert main(["calendar", "overrides", "remove", "2025-02-03", "--reason", "Hủy"]) == 2


def test_changed_at_is_stored_as_an_instant(context: Context) -> None:
    stored = calendar.set_override(context, ADMIN, FRIDAY, "off", REASON, REF).version
    with context.reader() as uow:
        loaded = uow.calendar.latest(FRIDAY)
    assert loaded is not None and loaded.changed_at == stored.changed_at
    assert loaded.changed_at.utcoffset() == UTC.utcoffset(None)


# -- over HTTP: what the features do not show ------------------------------------------------


@pytest.fixture
def http(settings: Any, context: Context) -> Any:
    """A test client of the API over the calendar test context."""
    from api.app import create_app

    app = create_app(settings, context)
    app.config["TESTING"] = True
    return app.test_client()


def test_the_calendar_needs_a_signed_in_user(http: Any) -> None:
    response = http.get("/calendar/due", query_string={"limit": "3WD"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_unencoded_plus_in_the_receipt_time_is_read_as_the_offset(
    http: Any, token_for: Any
) -> None:
    headers = token_for("mc.lan", ["officer"], ["X"])
    # "+07:00" typed into a URL arrives as " 07:00".
    response = http.get(
        "/calendar/due?received=2025-01-24T15:30:00+07:00&limit=3WD", headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "received": "2025-01-24T15:30:00+07:00",
        "limit": "3WD",
        "counting_start": "2025-02-03T07:30:00+07:00",
        "due": "2025-02-05T17:00:00+07:00",
        "working_hours": "24",
    }


def test_resending_an_override_in_force_answers_200_and_stores_nothing(
    http: Any, token_for: Any
) -> None:
    headers = token_for("qt.thu", ["admin"], [])
    body = {"day": "2025-03-14", "kind": "off", "reason": REASON, "legal_ref": REF}
    first = http.post("/calendar/overrides", json=body, headers=headers)
    again = http.post("/calendar/overrides", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["version"] == again.get_json()["version"] == 3


@pytest.mark.parametrize(
    ("path", "pointer"),
    [
        ("/calendar/overrides/2025-02-30?reason=x", "/day"),
        ("/calendar/overrides/14-03-2025?reason=x", "/day"),
        ("/calendar/overrides/2025-03-14", "/reason"),
    ],
)
def test_a_bad_withdrawal_is_422_naming_the_field(
    http: Any, token_for: Any, path: str, pointer: str
) -> None:
    response = http.delete(path, headers=token_for("qt.thu", ["admin"], []))
    assert response.status_code == 422, response.get_json()
    assert pointer in [d["pointer"] for d in response.get_json()["error"]["details"]]


def test_withdrawing_a_day_without_override_is_404(http: Any, token_for: Any) -> None:
    response = http.delete(
        "/calendar/overrides/2025-03-14?reason=x", headers=token_for("qt.thu", ["admin"], [])
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_year_outside_the_calendar_is_refused_naming_the_field(http: Any, token_for: Any) -> None:
    response = http.get("/calendar/1999", headers=token_for("mc.lan", ["officer"], ["X"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["pointer"] == "/year"


def test_the_calendar_endpoints_are_in_the_openapi_document(http: Any) -> None:
    paths = http.get("/openapi.json").get_json()["paths"]
    assert {"/calendar/due", "/calendar/{year}", "/calendar/overrides"} <= set(paths)
    post = paths["/calendar/overrides"]["post"]
    assert {"201", "200", "403", "409", "422"} <= set(post["responses"])
    assert "delete" in paths["/calendar/overrides/{day}"]
