"""Audit without a database: chain walking, digests, replay's grouping and comparison, Mẫu 06."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.adapters.memory_store import MemoryStore
from engine.domain.audit import (
    CaseHead,
    ChainWalker,
    Digest,
    apply_changes,
    compute_digest,
    unit_of_code,
)
from engine.domain.errors import ConflictError
from engine.domain.history import GENESIS, seal
from engine.domain.model import Case, CaseEvent, CaseStatus, Channel
from engine.services.audit import next_heads
from engine.services.replay import commands_of
from engine.services.replay_compare import compare_events, first_difference
from engine.services.tracking import build_slip, verdict

T0 = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)


def _event(seq: int, type_: str = "task_completed", **kw: object) -> CaseEvent:
    fields: dict[str, object] = {
        "case_id": 7,
        "seq": seq,
        "type": type_,
        "at": T0 + timedelta(minutes=seq),
        "actor": "mc.lan",
        "actor_unit": "UBND-PHUCXA",
        "payload": {"n": seq},
        "model_hash": "ab" * 32,
    }
    fields.update(kw)
    return CaseEvent(**fields)  # type: ignore[arg-type]


def _chain(n: int) -> list[CaseEvent]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        events.append(seal(_event(seq), prev))
        prev = events[-1].hash
    return events


def _walk(events: list[CaseEvent], head_seq: int | None = None) -> object:
    walker = ChainWalker("C-250304-0001")
    for i, event in enumerate(events):
        walker.feed(event, 100 + i)
    last = events[-1] if events else None
    seq = head_seq if head_seq is not None else (last.seq if last else 0)
    head = CaseHead(7, "C-250304-0001", "C", seq, last.hash if last else "")
    return walker.finish(head)


def test_an_untouched_chain_holds() -> None:
    assert _walk(_chain(5)) is None


def test_an_edited_event_breaks_at_its_own_hash() -> None:
    events = _chain(5)
    events[2].payload = {"n": 99}
    brk = _walk(events)
    assert (brk.kind, brk.seq, brk.event_id) == ("hash", 3, 102)  # type: ignore[attr-defined]


def test_a_removed_event_breaks_at_the_next_one() -> None:
    events = _chain(5)
    del events[1]
    brk = _walk(events)
    assert (brk.kind, brk.seq) == ("sequence", 3)  # type: ignore[attr-defined]


def test_swapped_events_break_the_link() -> None:
    events = _chain(5)
    events[1].seq, events[2].seq = 3, 2
    events[1], events[2] = events[2], events[1]
    brk = _walk(events)
    assert brk.seq == 2 and brk.kind in ("link", "hash")  # type: ignore[attr-defined]


def test_a_cut_tail_disagrees_with_the_case_head() -> None:
    brk = _walk(_chain(5)[:4], head_seq=5)
    assert brk.kind == "tail"  # type: ignore[attr-defined]


def test_the_digest_covers_every_head_and_the_previous_digest() -> None:
    heads = {"A-1": (3, "a" * 64), "B-2": (5, "b" * 64)}
    first = compute_digest(GENESIS, "digest", T0, heads, {})
    assert first == compute_digest(GENESIS, "digest", T0, dict(reversed(heads.items())), {})
    assert first != compute_digest(GENESIS, "digest", T0, {**heads, "B-2": (4, "b" * 64)}, {})
    assert first != compute_digest("1" * 64, "digest", T0, heads, {})


def test_digests_never_launder_a_deleted_case_or_a_cut_chain() -> None:
    before = {"A-1": (3, "a" * 64), "B-2": (5, "b" * 64)}
    now = [CaseHead(2, "B-2", "B", 4, "c" * 64), CaseHead(3, "C-3", "C", 1, "d" * 64)]
    current, missing, regressed = next_heads(before, now)
    assert missing == ["A-1"] and regressed == ["B-2"]
    assert current == {"A-1": (3, "a" * 64), "B-2": (5, "b" * 64), "C-3": (1, "d" * 64)}
    purged, missing, _ = next_heads(before, now, frozenset({"A-1"}))
    assert "A-1" not in purged and missing == []


def test_the_head_map_is_rebuilt_from_changes_and_purges() -> None:
    d1 = Digest("digest", T0, "x", 2, 8, {"heads": {"A-1": [3, "a"], "B-2": [5, "b"]}}, {}, GENESIS)
    d2 = Digest("purge", T0, "x", 1, 5, {"heads": {}, "removed": {"A-1": [3, "a"]}}, {}, "d1")
    heads: dict[str, tuple[int, str]] = {}
    for d in (d1, d2):
        apply_changes(heads, d)
    assert heads == {"B-2": (5, "b")}
    assert unit_of_code("UBND-PHUCXA-250304-0001") == "UBND-PHUCXA"


def test_replay_cuts_the_history_into_commands() -> None:
    at = T0
    events = [
        _event(1, "case_received", at=at),
        _event(2, "task_created", at=at),
        _event(3, "task_claimed", at=at),  # same instant, same actor: a second command
        _event(4, "task_completed", at=at + timedelta(minutes=1)),
        _event(5, "status_changed", at=at + timedelta(minutes=1)),
        _event(6, "sla_warning", at=at + timedelta(hours=1), actor="system"),
        _event(7, "task_created", at=at + timedelta(hours=1), actor="system"),
    ]
    assert [[e.seq for e in g] for g in commands_of(events)] == [[1, 2], [3], [4, 5], [6, 7]]


def test_replay_maps_task_ids_and_names_the_first_difference() -> None:
    recorded = [_event(1, "task_created", task_id="r-1"), _event(2, "task_claimed", task_id="r-1")]
    produced = [_event(1, "task_created", task_id="p-1"), _event(2, "task_claimed", task_id="p-1")]
    twins: dict[str, str] = {}
    assert compare_events(recorded, produced, twins) is None and twins == {"r-1": "p-1"}
    produced[1].payload = {"n": 3}
    found = compare_events(recorded, produced, {})
    assert found is not None and (found.seq, found.what) == (2, "payload.n")
    found = compare_events(recorded, produced[:1], {})
    assert found is not None and "not produced" in found.message


def test_first_difference_walks_dicts_and_lists_in_order() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == (".a[1].b", 2, 3)
    assert first_difference({"a": 1}, {"a": 1, "z": 0}) == (".z", None, 0)
    assert first_difference([1], [1, 2]) == (".length", 1, 2)
    assert first_difference({"x": True}, {"x": 1}) == (".x", True, 1)
    assert first_difference({"x": [1]}, {"x": [1]}) is None


def test_the_tracking_slip_judges_each_step() -> None:
    due = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)  # 17:00 in Hanoi
    assert verdict(due - timedelta(hours=2), due) == "on_time"
    assert verdict(due - timedelta(days=1), due) == "early"
    assert verdict(due + timedelta(seconds=1), due) == "late"
    assert verdict(due, None) is None


def _case() -> Case:
    return Case(
        1, "UBND-PHUCXA-250304-0001", "birth_registration", "1.001193", 1, "ab" * 32,
        CaseStatus.PROCESSING, Channel.IN_PERSON, "UBND-PHUCXA", {"full_name": "Hoa"}, T0,
        None, None, None, None, False, "", {}, 1, created_by="mc.lan",
    )  # fmt: skip


def test_the_tracking_slip_rows_follow_the_hand_overs() -> None:
    due = (T0 + timedelta(hours=1)).isoformat()
    events = [
        _event(1, "case_received", actor="mc.lan"),
        _event(2, "task_created", actor="mc.lan", task_id="t1", payload={"element_id": "a", "due_at": due}),
        _event(3, "task_claimed", actor="ht.minh", task_id="t1", payload={"assignee": "ht.minh"}),
        _event(4, "task_completed", actor="ht.minh", task_id="t1", payload={"element_id": "a"}),
        _event(5, "task_created", actor="ht.minh", task_id="t2", payload={"element_id": "b"}),
    ]  # fmt: skip
    slip = build_slip(_case(), events, "Đăng ký khai sinh", T0 + timedelta(hours=2))
    first, second = slip.rows
    assert (first.giver, first.receiver, first.result) == ("mc.lan", "ht.minh", "on_time")
    assert (second.giver, second.receiver, second.result) == ("ht.minh", None, "in_progress")
    assert slip.as_dict()["handovers"][0]["result_label"] == "Đúng hạn"


def test_the_replay_store_rolls_back_what_was_not_committed() -> None:
    store = MemoryStore()
    store.seed_code("UBND-PHUCXA-250304-0001")
    with store.uow() as uow:
        case = _case()
        case.code = uow.cases.next_code("UBND-PHUCXA", T0)
        uow.cases.add(case)
        uow.events.append(_event(1, case_id=case.id))
    assert store.cases == {} and store.take_produced() == []
    with store.uow() as uow:
        uow.cases.add(_case())
        uow.commit()
    with store.uow() as uow:
        stale = uow.cases.get(1)
        fresh = uow.cases.get(1)
        assert stale is not None and fresh is not None
        uow.cases.save(fresh)
        with pytest.raises(ConflictError):
            uow.cases.save(stale)
