"""What the dialect rewrites share: the problem reporter and small lxml helpers."""

from __future__ import annotations

import textwrap

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime.idioms import local, q
from engine.runtime.juel import UntranslatableError, to_python
from engine.runtime.properties import SPIFF, VENDORS
from engine.runtime.zeebe_io_code import keep_outer, restore_outer, stash_name


class Reporter:
    """Collects what normalizing one document changed or refused, each naming its element;
    an error in a process that never runs (not executable, called by nothing) is a warning."""

    def __init__(self, file: str, root: etree._Element | None = None) -> None:
        self.file = file
        self.problems: list[ModelProblem] = []
        called = (
            {c.get("calledElement") for c in root.iter(q("callActivity"))}
            if root is not None
            else set()
        )
        # Processes that never run: not executable (Camunda ignores them) and called by nothing.
        self.idle = {
            p
            for p in (root.iter(q("process")) if root is not None else [])
            if p.get("isExecutable", "true").strip().lower() == "false"
            and p.get("id") not in called
        }

    def __call__(self, el: etree._Element, message: str, fix: str, severity: str = "error") -> None:
        owner = el
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        process = next((a for a in el.iterancestors(q("process"))), None)
        if severity == "error" and process is not None and process in self.idle:
            severity = "warning"
            message = f"{message} (ignored: process '{process.get('id')}' is not executable)"
        self.problems.append(
            ModelProblem(
                message,
                file=self.file,
                line=el.sourceline,
                element_id=(owner.get("id", "") if owner is not None else ""),
                fix=fix,
                severity=severity,
            )
        )


def vendor(el: etree._Element, name: str) -> str:
    """The value of a vendor attribute (camunda:, flowable:, zeebe:, ...), stripped; "" if none."""
    for ns in VENDORS:
        value = el.get(f"{{{ns}}}{name}")
        if value is not None:
            return value.strip()
    return ""


def extensions(el: etree._Element) -> etree._Element:
    """The element's extensionElements, created (after its documentation) when missing."""
    ext = el.find(q("extensionElements"))
    if ext is None:
        ext = etree.Element(q("extensionElements"))
        el.insert(len([c for c in el if local(c) == "documentation"]), ext)
    return ext


def spiff_child(el: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """A new spiffworkflow: extension element of `el`, with text when given."""
    child = etree.SubElement(extensions(el), f"{{{SPIFF}}}{name}")
    if text is not None:
        child.text = text
    return child


def add_script(el: etree._Element, name: str, lines: list[str], first: bool) -> None:
    """Add code to the element's `spiffworkflow:preScript` or `postScript`, keeping what it holds:
    the code runs before the script already there when `first`, else after it."""
    if not lines:
        return
    code = "\n".join(lines)
    existing = el.find(f"{q('extensionElements')}/{{{SPIFF}}}{name}")
    if existing is None:
        spiff_child(el, name, code)
        return
    own = textwrap.dedent(existing.text or "").strip()  # XML text is indented with the element
    existing.text = "\n".join(part for part in ((code, own) if first else (own, code)) if part)


def add_mappings(
    el: etree._Element,
    inputs: list[str],
    outputs: list[str],
    local_names: list[str],
    stash_prefix: str,
) -> None:
    """Run input mapping code before the element's own pre-script and output code after its
    post-script; the variables in local_names are local to the element (Camunda and Zeebe
    inputs): what they covered is back when it ends, unless an output wrote them."""
    covered = list(dict.fromkeys(local_names))
    stash = stash_name(el.get("id", ""), stash_prefix)
    keep = keep_outer(stash, covered) if covered else []
    back = restore_outer(stash, covered) if covered else []
    add_script(el, "preScript", keep + inputs, first=True)
    add_script(el, "postScript", outputs + back, first=False)


def translate(text: str, el: etree._Element, what: str, report: Reporter) -> str | None:
    """A JUEL/FEEL expression as Python for the sandbox; None (reported) when it cannot be."""
    try:
        return to_python(text)
    except UntranslatableError as exc:
        report(
            el,
            f"{what} '{text.strip()}' cannot be evaluated: {exc}",
            "Write a simple comparison over case data, e.g. ${amount > 1000}.",
        )
        return None
