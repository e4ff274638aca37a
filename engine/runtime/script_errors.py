"""Errors of the model-code sandbox; the sandbox makes every one of them uncatchable by scripts."""

from __future__ import annotations


class ScriptError(Exception):
    """A model expression or script was refused or failed in the sandbox."""

    code = "script_error"

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class ScriptSecurityError(ScriptError):
    """The code uses a forbidden construct (imports, dunder access, unsafe builtins)."""

    code = "script_forbidden"


class ScriptTimeoutError(ScriptError):
    """The code used more than its CPU budget."""

    code = "script_timeout"


class ScriptLimitError(ScriptError):
    """The code tried to build a value (or use memory) beyond the sandbox's limits."""

    code = "script_limit"
