"""Audit types and the pure checks behind them: chain links, digests of every chain's head."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.domain.history import GENESIS, canonical
from engine.domain.model import CaseEvent

DIGEST_TAG = "motcua-digest/1"


@dataclass(frozen=True)
class CaseHead:
    """Where a case's chain ends according to the case row (written with every command)."""

    case_id: int
    code: str
    unit: str
    last_seq: int
    last_hash: str
    completed: bool = False
    finished_at: datetime | None = None


@dataclass(frozen=True)
class ChainBreak:
    """The first link of a chain that does not hold, or a case the digests miss."""

    case_code: str
    kind: str
    message: str
    seq: int | None = None
    event_id: int | None = None
    expected: str | None = None
    found: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "case": self.case_code,
            "kind": self.kind,
            "seq": self.seq,
            "event_id": self.event_id,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


@dataclass
class Digest:
    """One link of the digest chain: what every case's head was when it was taken.

    `changes` holds only the heads that moved since the previous digest (and, for a purge, the
    cases removed with their last head), so the full map is rebuilt by replaying the chain;
    `digest` covers the previous digest and the FULL map, so it vouches for every case.
    """

    kind: str
    created_at: datetime
    created_by: str
    case_count: int
    event_count: int
    changes: dict[str, Any]
    note: dict[str, Any]
    prev_digest: str
    digest: str = ""
    id: int = 0


@dataclass(frozen=True)
class AccessEntry:
    """A read of a case's personal data by an auditor or an operator."""

    at: datetime
    actor: str
    roles: tuple[str, ...]
    units: tuple[str, ...]
    action: str
    case_code: str
    detail: dict[str, Any] = field(default_factory=dict)


def event_hash(event: CaseEvent) -> str:
    """The hash the event should carry, recomputed from its content."""
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass
class ChainWalker:
    """Checks one case's events in seq order and keeps the first break (cheap: O(1) state)."""

    code: str
    expected_seq: int = 1
    prev_hash: str = GENESIS
    first_break: ChainBreak | None = None
    hashes_at: dict[int, str] = field(default_factory=dict)
    watch: frozenset[int] = frozenset()

    def feed(self, event: CaseEvent, event_id: int | None) -> None:
        """Check the next event: its place, its link to the previous one, its own hash."""
        if event.seq in self.watch:
            self.hashes_at[event.seq] = event.hash
        if self.first_break is not None:
            return
        if event.seq != self.expected_seq:
            what = "missing" if event.seq > self.expected_seq else "repeated or out of order"
            self._break(
                "sequence",
                event,
                event_id,
                str(self.expected_seq),
                str(event.seq),
                f"event seq {self.expected_seq} is {what}: found seq {event.seq} instead",
            )
        elif event.prev_hash != self.prev_hash:
            self._break(
                "link",
                event,
                event_id,
                self.prev_hash,
                event.prev_hash,
                f"event {event.seq} does not link to the event before it "
                "(an event was removed, reordered or rewritten)",
            )
        else:
            recomputed = event_hash(event)
            if recomputed != event.hash:
                self._break(
                    "hash",
                    event,
                    event_id,
                    recomputed,
                    event.hash,
                    f"event {event.seq} ({event.type}) was altered: its content does not match "
                    "its hash",
                )
        self.expected_seq = event.seq + 1
        self.prev_hash = event.hash

    def _break(
        self,
        kind: str,
        event: CaseEvent,
        event_id: int | None,
        expected: str,
        found: str,
        message: str,
    ) -> None:
        self.first_break = ChainBreak(
            self.code, kind, message, event.seq, event_id, expected, found
        )

    def finish(self, head: CaseHead) -> ChainBreak | None:
        """The first break, or a mismatch between the chain's end and the case row's head."""
        if self.first_break is not None:
            return self.first_break
        last_seq = self.expected_seq - 1
        last_hash = self.prev_hash if last_seq else ""
        if last_seq != head.last_seq or (head.last_seq and last_hash != head.last_hash):
            return ChainBreak(
                self.code,
                "tail",
                f"the history ends at seq {last_seq} but the case says it ends at seq "
                f"{head.last_seq} (events removed at the end, or the case row altered)",
                last_seq,
                None,
                f"{head.last_seq}:{head.last_hash}",
                f"{last_seq}:{last_hash}",
            )
        return None


def compute_digest(
    prev_digest: str,
    kind: str,
    created_at: datetime,
    heads: Mapping[str, tuple[int, str]],
    removed: Mapping[str, tuple[int, str]],
) -> str:
    """sha256 over the previous digest, the kind, the time and every (code, seq, hash) head."""
    h = hashlib.sha256()
    h.update(f"{DIGEST_TAG}\n{prev_digest}\n{kind}\n{created_at.isoformat()}\n".encode())
    for code in sorted(heads):
        seq, hash_ = heads[code]
        h.update(f"{code}\t{seq}\t{hash_}\n".encode())
    for code in sorted(removed):
        seq, hash_ = removed[code]
        h.update(f"-{code}\t{seq}\t{hash_}\n".encode())
    return h.hexdigest()


def head_changes(
    before: Mapping[str, tuple[int, str]], now: Mapping[str, tuple[int, str]]
) -> dict[str, list[Any]]:
    """Heads that are new or moved since `before` (JSON-ready: code -> [seq, hash])."""
    return {code: [seq, h] for code, (seq, h) in now.items() if before.get(code) != (seq, h)}


def apply_changes(heads: dict[str, tuple[int, str]], digest: Digest) -> dict[str, tuple[int, str]]:
    """The map after `digest`: moved heads updated, purged cases removed (in place)."""
    for code, (seq, h) in (digest.changes.get("heads") or {}).items():
        heads[code] = (int(seq), str(h))
    for code in digest.changes.get("removed") or {}:
        heads.pop(code, None)
    return heads


def removed_of(digest: Digest) -> dict[str, tuple[int, str]]:
    """The cases a purge digest removed, with their last head."""
    return {
        code: (int(seq), str(h)) for code, (seq, h) in (digest.changes.get("removed") or {}).items()
    }


def unit_of_code(code: str) -> str:
    """The unit part of a dossier code {unit}-{YYMMDD}-{seq}."""
    parts = code.rsplit("-", 2)
    return parts[0] if len(parts) == 3 else ""


def in_scope(code: str, units: Iterable[str] | None) -> bool:
    """True when no unit filter is given or the code belongs to one of the units."""
    return units is None or unit_of_code(code) in set(units)
