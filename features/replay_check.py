"""The replay check every scenario ends with: each case it created replays to its stored state.

Each scenario has its own database, so at teardown every case in it is replayed from its
history (engine.services.replay, in memory, a few milliseconds per command) and must match what
is stored; a divergence fails the scenario with the first differing event. A scenario that
tampers with a history on purpose exempts that case (ReplayCheck.exempt).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


class ReplayCheck:
    """Cases exempt from the end-of-scenario replay, with why."""

    def __init__(self) -> None:
        self.exempted: dict[str, str] = {}
        self.replayed: list[str] = []

    def exempt(self, code: str, reason: str) -> None:
        """Leave a case out of the check (its history was altered on purpose)."""
        self.exempted[code] = reason


@pytest.fixture(autouse=True)
def replay_check(ctx: Any) -> Iterator[ReplayCheck]:
    """Replay every case of the scenario's database at teardown; fail on any divergence."""
    from engine.services.replay import load_recorded, replay

    check = ReplayCheck()
    yield check
    with ctx.reader() as uow:
        cases = [uow.cases.get(h.case_id) for h in uow.audit.heads()]
    failures = []
    for case in cases:
        if case is None or case.code in check.exempted:
            continue
        result = replay(ctx, load_recorded(ctx, case))
        check.replayed.append(case.code)
        if not result.matched and result.divergence is not None:
            d = result.divergence
            failures.append(
                f"{case.code}: {d.message} (expected {d.expected!r}, found {d.found!r})"
            )
    assert not failures, "replay diverged from the stored state:\n" + "\n".join(failures)
