"""XSD validation of BPMN (BPMN 2.0 + SpiffWorkflow schemas) and DMN (1.1-1.3), every error located.

The schemas ship with SpiffWorkflow, so validation works offline. Unlike the library's validator,
which stops at the first error and loses the line for semantic errors, this reports each XSD
error (up to a bound) with its line and column.
"""

from __future__ import annotations

import functools
import re

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.domain.errors import ModelProblem

MAX_ERRORS = 20
_UNCHECKED_DMN = {"http://www.omg.org/spec/DMN/20151101", "http://www.omg.org/spec/DMN/20151101/"}
_FIX = "Open and save the file in a BPMN 2.0 modeller; it does not follow the standard's schema."


@functools.lru_cache(maxsize=8)
def _dmn_schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def _problems(schema: etree.XMLSchema, root: etree._Element, file: str) -> list[ModelProblem]:
    if schema.validate(root):
        return []
    problems = []
    for error in list(schema.error_log)[:MAX_ERRORS]:
        message = error.message.replace("{http://www.omg.org/spec/BPMN/20100524/MODEL}", "bpmn:")
        bad_id = _BAD_ID.search(message)
        fix = _FIX
        if bad_id and _NCNAME.fullmatch(bad_id.group(1)):
            message = f"id '{bad_id.group(1)}' is used by more than one element ({message})"
            fix = "Give each element its own id in the modeller."
        elif bad_id:
            message = f"id '{bad_id.group(1)}' is not a valid XML id ({message})"
            fix = "Start the id with a letter or '_', without spaces or ':'."
        problems.append(
            ModelProblem(
                f"not valid BPMN/DMN (XSD): {message}",
                file=file,
                line=error.line or None,
                column=error.column or None,
                fix=fix,
            )
        )
    return problems


_BAD_ID = re.compile(r"'([^']*)' is not a valid value of the atomic type 'xs:ID'")
_NCNAME = re.compile(r"[A-Za-z_][\w.\-]*")


def validate_bpmn(root: etree._Element, file: str) -> list[ModelProblem]:
    """XSD errors of a BPMN document (the tree gets the library's bpmn-js correlation fix-up)."""
    VALIDATOR.preprocess(root)
    return _problems(VALIDATOR.validator, root, file)


def validate_dmn(root: etree._Element, file: str) -> list[ModelProblem]:
    """XSD errors of a DMN document, against the schema of its DMN version."""
    namespace = etree.QName(root).namespace or ""
    path = DMN_SCHEMAS.get(namespace)
    if path is None and namespace in _UNCHECKED_DMN:
        return [
            ModelProblem(
                f"DMN namespace '{namespace}' has no bundled schema: the file is not XSD-checked",
                file=file,
                line=root.sourceline,
                fix="Save the decision in DMN 1.3 to have it checked.",
                severity="warning",
            )
        ]
    if path is None:
        return [
            ModelProblem(
                f"unknown DMN version (namespace '{namespace}')",
                file=file,
                line=root.sourceline,
                fix="Save the decision in DMN 1.1, 1.2 or 1.3.",
            )
        ]
    return _problems(_dmn_schema(path), root, file)
