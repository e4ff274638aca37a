"""`motcua calendar`: due dates, a year's days off, and the override table, on the database."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands import the engine lazily: `motcua --help` stays fast
    from engine.calendar import OverrideVersion
    from engine.domain.model import Actor
    from engine.services.context import Context


def _received(text: str) -> datetime:
    from engine.calendar import VN_TZ

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 instant, e.g. 2025-01-24T15:30:00+07:00"
        ) from None
    # A wall-clock time without an offset is read as Vietnam time, as an officer means it.
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def _limit(text: str) -> str:
    from engine.calendar import InvalidTimeLimitError, parse_limit

    try:
        return str(parse_limit(text))
    except InvalidTimeLimitError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _admin(args: argparse.Namespace) -> Actor:
    # Whoever runs the CLI holds the database URL already, so acts as an administrator.
    import getpass

    from engine.domain.model import Actor

    return Actor(sub=args.by or f"cli:{getpass.getuser()}", roles=frozenset({"admin"}))


@contextmanager
def _calendar_context() -> Iterator[Context]:
    """A migrated Context whose database connections are closed when the command ends."""
    from engine.bootstrap import build_context, migrate
    from engine.settings import Settings

    settings = Settings.from_env()
    migrate(settings)  # as serve does: the override table must exist
    ctx = build_context(settings)
    try:
        yield ctx
    finally:
        ctx.db_engine.dispose()


def cmd_calendar_due(args: argparse.Namespace) -> int:
    """Print the appointment (first line, ISO-8601 with offset), then how it was counted."""
    from engine.services.calendar import compute_due

    with _calendar_context() as ctx:
        found = compute_due(ctx, args.received or ctx.clock.now(), args.limit)
    print(found.due.isoformat())
    print(f"received:       {found.received.isoformat()}")
    print(f"counting start: {found.counting_start.isoformat()}")
    hours = format(found.working_hours.normalize(), "f")
    print(f"limit:          {found.limit} ({hours} working hours)")
    return 0


def cmd_calendar_show(args: argparse.Namespace) -> int:
    """List a year's weekdays off and make-up working days with their reasons."""
    from api.calendar import WEEKDAYS
    from engine.services.calendar import year_calendar

    with _calendar_context() as ctx:
        found = year_calendar(ctx, args.year)
    for title, days in (
        (f"Non-working weekdays of {found.year}:", found.non_working_days),
        (f"Make-up working days (làm bù) of {found.year}:", found.make_up_working_days),
    ):
        print(title)
        for d in days:
            ref = f" [{d.legal_ref}]" if d.legal_ref else ""
            print(
                f"  {d.day.isoformat()} {WEEKDAYS[d.day.weekday()]:<9} {d.kind:<8} {d.reason}{ref}"
            )
        if not days:
            print("  (none)")
    return 0


def _print_override(v: OverrideVersion) -> None:
    from engine.calendar import VN_TZ

    ref = f" [{v.legal_ref}]" if v.legal_ref else ""
    at = v.changed_at.astimezone(VN_TZ).isoformat(timespec="seconds")
    print(
        f"v{v.version:<4} {v.day.isoformat()} {v.kind:<9} {v.reason}{ref} (by {v.changed_by}, {at})"
    )


def cmd_calendar_overrides_list(args: argparse.Namespace) -> int:
    """List the overrides in force (or every version with --history)."""
    from engine.services.calendar import list_overrides

    with _calendar_context() as ctx:
        found = list_overrides(ctx, year=args.year, history=args.history)
    for v in found:
        _print_override(v)
    return 0


def cmd_calendar_overrides_add(args: argparse.Namespace) -> int:
    """Declare an extra day off or a make-up working day (a new version)."""
    from engine.services.calendar import set_override

    with _calendar_context() as ctx:
        change = set_override(ctx, _admin(args), args.day, args.kind, args.reason, args.legal_ref)
    print("stored:" if change.created else "unchanged (already in force):")
    _print_override(change.version)
    return 0


def cmd_calendar_overrides_remove(args: argparse.Namespace) -> int:
    """Withdraw a day's override (a new version; the history is kept)."""
    from engine.services.calendar import withdraw_override

    with _calendar_context() as ctx:
        withdrawn = withdraw_override(ctx, _admin(args), args.day, args.reason, args.legal_ref)
    _print_override(withdrawn)
    return 0


def add_calendar_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `motcua calendar due|show|overrides list|add|remove` to the main parser."""
    p = sub.add_parser("calendar", help="working calendar: due dates, holidays, overrides")
    cal = p.add_subparsers(dest="calendar_command", required=True)
    due = cal.add_parser("due", help="print the appointment for a receipt time and a limit")
    due.add_argument("--received", type=_received, help="ISO-8601 (default: now)")
    due.add_argument("--limit", type=_limit, required=True, help="3WD, 0.5WD, 4WH or SD")
    due.set_defaults(func=cmd_calendar_due)
    show = cal.add_parser("show", help="list a year's days off and make-up days with reasons")
    show.add_argument("year", type=int)
    show.set_defaults(func=cmd_calendar_show)
    p = cal.add_parser("overrides", help="the override table (extra days off, make-up days)")
    ov = p.add_subparsers(dest="overrides_command", required=True)
    ls = ov.add_parser("list", help="overrides in force")
    ls.add_argument("--year", type=int)
    ls.add_argument("--history", action="store_true", help="every version, withdrawals too")
    ls.set_defaults(func=cmd_calendar_overrides_list)
    add = ov.add_parser("add", help="declare an extra day off or a make-up working day")
    add.add_argument("day", type=_day, help="YYYY-MM-DD")
    add.add_argument("--kind", choices=["off", "workday"], required=True)
    add.add_argument("--reason", required=True)
    add.add_argument("--legal-ref", required=True, help="the decision or notice")
    add.add_argument("--by", help="who makes the change (default: cli:<user>)")
    add.set_defaults(func=cmd_calendar_overrides_add)
    rm = ov.add_parser("remove", help="withdraw a day's override (kept in the history)")
    rm.add_argument("day", type=_day, help="YYYY-MM-DD")
    rm.add_argument("--reason", required=True)
    rm.add_argument("--legal-ref", default="")
    rm.add_argument("--by", help="who makes the change (default: cli:<user>)")
    rm.set_defaults(func=cmd_calendar_overrides_remove)
