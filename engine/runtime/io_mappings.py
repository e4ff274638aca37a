"""Camunda input/output mappings (values, expressions, lists and maps) as pre/post scripts."""

from __future__ import annotations

from lxml import etree

from engine.runtime.dialect_tools import Reporter, add_mappings, translate
from engine.runtime.idioms import local
from engine.runtime.juel import is_foreign
from engine.runtime.properties import CAMUNDA


def _mapping_value(param: etree._Element, report: Reporter) -> str | None:
    children = [c for c in param if isinstance(c.tag, str)]
    if not children:
        return _plain_value(param, report)
    if len(children) == 1 and children[0].tag in _STRUCTURES:
        try:
            return _structure(children[0], report)
        except _NotPlainError as exc:
            where = f" ({exc})" if str(exc) else ""
            report(
                param,
                f"input/output parameter '{param.get('name')}' uses a script{where}",
                "Use plain values, lists, maps or simple ${...} expressions.",
            )
            return None
    report(
        param,
        f"input/output parameter '{param.get('name')}' uses a script",
        "Use plain values, lists, maps or simple ${...} expressions.",
    )
    return None


class _NotPlainError(ValueError):
    """A camunda:list or camunda:map holding a script (or another construct we do not run)."""


_STRUCTURES = {f"{{{CAMUNDA}}}list", f"{{{CAMUNDA}}}map"}
_MAX_STRUCTURE_DEPTH = 8


def _plain_value(el: etree._Element, report: Reporter) -> str | None:
    text = (el.text or "").strip()
    if is_foreign(text):
        return translate(text, el, "parameter", report)
    return repr(text)


def _structure(el: etree._Element, report: Reporter, depth: int = 0) -> str:
    """Python for a camunda:list / camunda:map of values, expressions, lists and maps."""
    if depth > _MAX_STRUCTURE_DEPTH:
        raise _NotPlainError("nested too deeply")
    items = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{CAMUNDA}}}entry" and el.tag == f"{{{CAMUNDA}}}map":
            key = repr(child.get("key", ""))
            items.append(f"{key}: {_element_value(child, report, depth)}")
        elif child.tag == f"{{{CAMUNDA}}}value" and el.tag == f"{{{CAMUNDA}}}list":
            items.append(_element_value(child, report, depth))
        elif child.tag in _STRUCTURES and el.tag == f"{{{CAMUNDA}}}list":
            items.append(_structure(child, report, depth + 1))
        else:
            raise _NotPlainError(f"'{local(child)}' inside '{local(el)}'")
    if el.tag == f"{{{CAMUNDA}}}map":
        return "{" + ", ".join(items) + "}"
    return "[" + ", ".join(items) + "]"


def _element_value(el: etree._Element, report: Reporter, depth: int) -> str:
    children = [c for c in el if isinstance(c.tag, str)]
    if not children:
        value = _plain_value(el, report)
        if value is None:
            raise _NotPlainError("an expression that cannot be translated")
        return value
    if len(children) == 1 and children[0].tag in _STRUCTURES:
        return _structure(children[0], report, depth + 1)
    raise _NotPlainError(f"'{local(children[0])}' inside '{local(el)}'")


def io_mappings(root: etree._Element, report: Reporter) -> None:
    """Camunda input/output parameters as the task's pre- and post-scripts.

    As in Camunda, an input parameter is a local variable of the activity: the activity sees it,
    and when it ends the value it covered is back (or, covering none, it is gone), unless an
    output parameter of the same name maps it out.
    """
    for io in list(root.iter(f"{{{CAMUNDA}}}inputOutput")):
        inputs: list[tuple[str, str]] = []
        outputs: list[tuple[str, str]] = []
        for param in io:
            if not isinstance(param.tag, str) or not param.get("name"):
                continue
            value = _mapping_value(param, report)
            if value is not None:
                side = inputs if local(param) == "inputParameter" else outputs
                side.append((str(param.get("name")), value))
        written = {name for name, _ in outputs}
        add_mappings(
            io.getparent().getparent(),
            [f"{name} = {value}" for name, value in inputs],
            [f"{name} = {value}" for name, value in outputs],
            [name for name, _ in inputs if name not in written],
            "camunda_outer_",
        )
