"""The hash chain covers each event's content and its predecessor."""

from datetime import UTC, datetime

from engine.domain.history import GENESIS, seal
from engine.domain.model import CaseEvent


def _event(seq: int, payload: dict) -> CaseEvent:
    return CaseEvent(
        case_id=7,
        seq=seq,
        type="task_completed",
        at=datetime(2025, 3, 4, 2, tzinfo=UTC),
        actor="mc.lan",
        actor_unit="UBND-PHUCXA",
        payload=payload,
        model_hash="ab" * 32,
    )


def test_sealing_links_each_event_to_the_previous_hash() -> None:
    first = seal(_event(1, {"a": 1}), GENESIS)
    second = seal(_event(2, {"b": 2}), first.hash)
    assert second.prev_hash == first.hash
    assert len(first.hash) == 64 and first.hash != second.hash


def test_an_edited_payload_changes_the_hash() -> None:
    original = seal(_event(1, {"check_result": "complete"}), GENESIS)
    edited = seal(_event(1, {"check_result": "incomplete"}), GENESIS)
    assert original.hash != edited.hash


def test_the_same_content_always_gives_the_same_hash() -> None:
    assert (
        seal(_event(1, {"x": [1, "á"]}), GENESIS).hash
        == seal(_event(1, {"x": [1, "á"]}), GENESIS).hash
    )
