"""Where a model problem is: its element's file, line and id, and the column of its tag.

lxml gives an element's line, not its column; the XSD check gives both. A problem found on an
element (or one of its children) is pointed at the `<` of that element's tag on its line when the
line carries the element's id, else at the first tag on the line, so an editor's "go to" lands
on the element.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from lxml import etree

from engine.domain.errors import ModelProblem


def element_problem(
    file: str, el: etree._Element, message: str, fix: str, severity: str = "error"
) -> ModelProblem:
    """A problem located at an element: its file, line and id."""
    return ModelProblem(
        message,
        file=file,
        line=el.sourceline,
        element_id=el.get("id", ""),
        fix=fix,
        severity=severity,
    )


def with_columns(problems: list[ModelProblem], files: Mapping[str, bytes]) -> list[ModelProblem]:
    """problems, each one with a line and no column given the column of its element's tag."""
    lines: dict[str, list[str]] = {}
    located = []
    for problem in problems:
        if problem.column or not problem.line or problem.file not in files:
            located.append(problem)
            continue
        if problem.file not in lines:
            lines[problem.file] = files[problem.file].decode("utf-8", "replace").splitlines()
        text = (
            lines[problem.file][problem.line - 1]
            if problem.line <= len(lines[problem.file])
            else ""
        )
        column = _column(text, problem.element_id)
        located.append(dataclasses.replace(problem, column=column) if column else problem)
    return located


def _column(text: str, element_id: str) -> int | None:
    """1-based column of the tag holding element_id on this line, else of the line's first tag."""
    for quote in ('"', "'"):
        at = text.find(f"id={quote}{element_id}{quote}") if element_id else -1
        start = text.rfind("<", 0, at) if at >= 0 else -1
        if start >= 0:
            return start + 1
    start = text.find("<")
    if start >= 0:
        return start + 1
    stripped = len(text) - len(text.lstrip())
    return stripped + 1 if text.strip() else None
