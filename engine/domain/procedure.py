"""Procedure metadata (procedure.json): TTHC code, legal time limit, lanes, forms, fees."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.domain.errors import ModelProblem

_ID = re.compile(r"^[a-z][a-z0-9_]{1,99}$")
_LIMIT = re.compile(r"^\s*(SD|\d+(\.\d+)?\s*(WD|WH))\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ProcedureMeta:
    """What procedure.json says about a procedure."""

    id: str
    process_id: str | None
    name: str
    tthc_code: str = ""
    time_limit: str | None = None
    lanes: dict[str, str] = field(default_factory=dict)
    start_form: dict[str, str] = field(default_factory=dict)
    channels: tuple[int, ...] = (1, 2, 3)
    # Which outside systems (token subjects) may send which message to this procedure's cases
    # through POST /messages ({} for none); None, when procedure.json does not say: any system
    # with the integration role.
    external_senders: dict[str, tuple[str, ...]] | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def accepts_from(self, message: str, sender: str) -> bool:
        """May the outside system `sender` send `message` to a case of this procedure?"""
        if self.external_senders is None:
            return True
        return sender in self.external_senders.get(message, ())

    @classmethod
    def parse(
        cls, raw: dict[str, Any], file: str = "procedure.json"
    ) -> tuple[ProcedureMeta | None, list[ModelProblem]]:
        """Check and read procedure.json; problems name the field and the fix."""
        problems: list[ModelProblem] = []

        def bad(msg: str, fix: str) -> None:
            problems.append(ModelProblem(msg, file=file, fix=fix))

        if not isinstance(raw, dict):
            bad("procedure.json must hold a JSON object", "Write procedure.json as an object.")
            return None, problems
        pid = raw.get("id")
        if not isinstance(pid, str) or not _ID.match(pid):
            bad(f"'id' {pid!r} is not a snake_case procedure id", 'Use e.g. "birth_registration".')
        limit = raw.get("time_limit")
        if limit is not None and (not isinstance(limit, str) or not _LIMIT.match(limit)):
            bad(f"'time_limit' {limit!r} is not a limit", 'Write "3WD", "4WH", "0.5WD" or "SD".')
        ack = raw.get("handoff_ack_allotment")
        if ack is not None and not (
            isinstance(ack, str) and (_LIMIT.match(ack) or ack.strip().lower() == "off")
        ):
            bad(
                f"'handoff_ack_allotment' {ack!r} is not a working time",
                'Write "2WH", "0.5WD" or "off" (no acknowledgement rule for this procedure).',
            )
        lanes = raw.get("lanes", {})
        if not isinstance(lanes, dict) or not all(isinstance(v, str) and v for v in lanes.values()):
            bad(
                "'lanes' must map lane names to role groups",
                'Write {"Bộ phận Một cửa": "counter"}.',
            )
            lanes = {}
        start_form = raw.get("start_form", {})
        if not isinstance(start_form, dict):
            bad(
                "'start_form' must be an object with 'schema' (and 'ui')",
                "Name the start form files.",
            )
            start_form = {}
        channels = raw.get("channels", [1, 2, 3])
        if not isinstance(channels, list) or not all(c in (1, 2, 3) for c in channels):
            bad("'channels' must list channel codes 1, 2, 3", "Write [1, 2, 3].")
            channels = [1, 2, 3]
        senders = raw.get("external_senders")
        if senders is not None and (
            not isinstance(senders, dict)
            or not all(
                isinstance(v, list) and v and all(isinstance(x, str) and x for x in v)
                for v in senders.values()
            )
        ):
            bad(
                "'external_senders' must map message names to the systems that may send them",
                'Write {"state_budget_payment_received": ["kbnn-gateway"]}.',
            )
            senders = None
        if problems:
            return None, problems
        return (
            cls(
                id=str(pid),
                process_id=raw.get("process_id"),
                name=str(raw.get("name") or pid),
                tthc_code=str(raw.get("tthc_code") or ""),
                time_limit=limit,
                lanes=dict(lanes),
                start_form={k: str(v) for k, v in start_form.items()},
                channels=tuple(channels),
                external_senders=(
                    None if senders is None else {str(k): tuple(v) for k, v in senders.items()}
                ),
                raw=raw,
            ),
            problems,
        )
