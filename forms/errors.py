"""Errors of the forms package: a refused schema, and one problem in submitted data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FormError(Exception):
    """Base of every error the forms package raises."""


class InvalidFormSchemaError(FormError):
    """A form's JSON Schema or ui schema cannot be used; `problems` says why, one per line."""

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        self.name = name
        self.problems: list[str] = list(problems)
        shown = "; ".join(self.problems) or "unknown problem"
        super().__init__(f"invalid form schema {name or '(unnamed)'}: {shown}")


@dataclass(frozen=True)
class FieldError:
    """One problem with submitted form data, located by an RFC 6901 JSON pointer."""

    pointer: str
    message: str
    code: str
