"""Engine errors: one base class with a stable code; the API maps each family to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class EngineError(Exception):
    """Base of every error the engine raises on purpose; `code` is stable for clients."""

    code = "engine_error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFoundError(EngineError):
    """The thing asked for does not exist, or is outside the actor's scope (existence must not leak)."""

    code = "not_found"


class ConflictError(EngineError):
    """The request is valid but the current state forbids it: claimed by another, stale, finished."""

    code = "conflict"


class PermissionDeniedError(EngineError):
    """The actor may see the thing but not do this to it (wrong role)."""

    code = "forbidden"


class InvalidInputError(EngineError):
    """The request itself is wrong (bad parameter, malformed value) and retrying it cannot help."""

    code = "invalid_input"


class FormValidationError(EngineError):
    """Submitted form data fails its JSON Schema; `details` has one entry per field (JSON pointer)."""

    code = "form_invalid"


@dataclass(frozen=True)
class ModelProblem:
    """One reason a process model is refused: where it is and what to do about it."""

    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    element_id: str = ""
    fix: str = ""
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "element_id": self.element_id,
            "message": self.message,
            "fix": self.fix,
        }

    def __str__(self) -> str:
        where = self.file or "<model>"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        element = f" [{self.element_id}]" if self.element_id else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{element}: {self.severity}: {self.message}{fix}"


class ModelRejectedError(EngineError):
    """A process model cannot run correctly and is refused at deploy or validate time."""

    code = "model_rejected"

    def __init__(self, problems: list[ModelProblem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = str(errors[0]) if errors else "model refused"
        super().__init__(
            f"model refused: {len(errors)} error(s); first: {first}",
            details=[p.as_dict() for p in problems],
        )


class ScriptFailedError(EngineError):
    """A model expression or script failed while the case ran; the command is rolled back."""

    code = "script_failed"
