"""The Python that Zeebe input/output mappings run as: targets, dotted paths, locals, job results.

Zeebe (docs.camunda.io, "Variables": input/output variable mappings) evaluates the mappings in
their order, so a source sees the targets of the mappings before it. An input creates a local
variable of the element: the element sees it, and when the element is left the variable it
covered is visible again (or, when it covered none, it is gone). An input's dotted target
`a.b` writes a new `a` holding `b` (further inputs into `a` add to it); an output's `a.b`
merges `b` into the `a` the element sees and creates what is missing. The generated code runs
in the sandbox like any model script, so it only uses what model code may use.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

VALUE = "zeebe_value"
"""Holds a source's value while a dotted target is built (the source may read the target)."""
RESULT = "zeebe_result"
"""Holds a service task's connector result while its output mappings read from it."""


@dataclass(frozen=True)
class Mapping:
    """One `zeebe:input` or `zeebe:output`: the target path and the source as Python."""

    target: tuple[str, ...]
    python: str


def stash_name(element_id: str, prefix: str) -> str:
    """The variable keeping, while the element runs, the values its inputs cover."""
    return prefix + re.sub(r"\W", "_", element_id)


def _assign(path: tuple[str, ...], python: str, fresh: bool) -> list[str]:
    """Set the target to the source's value; a dotted target is built as a path of dicts."""
    head, *keys = path
    if not keys:
        return [f"{head} = {python}"]
    merged = f"dict({head}) if is_defined({head!r}) and isinstance({head}, dict) else {{}}"
    lines = [f"{VALUE} = {python}", f"{head} = {{}}" if fresh else f"{head} = {merged}"]
    ref = head
    for key in keys[:-1]:
        lines.append(
            f"{ref}[{key!r}] = dict({ref}[{key!r}]) if isinstance({ref}.get({key!r}), dict) else {{}}"
        )
        ref = f"{ref}[{key!r}]"
    return [*lines, f"{ref}[{keys[-1]!r}] = {VALUE}", f"del {VALUE}"]


def input_code(inputs: list[Mapping]) -> list[str]:
    """The inputs in order: each variable a new value (a path's first input starts a new dict)."""
    lines: list[str] = []
    written: set[str] = set()
    for mapping in inputs:
        lines += _assign(mapping.target, mapping.python, fresh=mapping.target[0] not in written)
        written.add(mapping.target[0])
    return lines


def output_code(outputs: list[Mapping]) -> list[str]:
    """The outputs in order, each merged into what the element sees."""
    return [line for m in outputs for line in _assign(m.target, m.python, fresh=False)]


def keep_outer(stash: str, names: list[str]) -> list[str]:
    """Before the inputs: remember the values of the variables they are about to cover."""
    lines = [f"{stash} = {{}}"]
    for name in names:
        lines += [f"if is_defined({name!r}):", f"    {stash}[{name!r}] = {name}"]
    return lines


def restore_outer(stash: str, names: list[str]) -> list[str]:
    """When the element is left: its local variables go, the values they covered come back."""
    lines: list[str] = []
    for name in names:
        lines += [
            f"if {name!r} in {stash}:",
            f"    {name} = {stash}[{name!r}]",
            f"elif is_defined({name!r}):",
            f"    del {name}",
        ]
    return [*lines, f"del {stash}"]


def with_result(result_variable: str, lines: list[str]) -> list[str]:
    """Output code that reads a service task's connector result (its job variables) first."""
    bind = (
        f"{RESULT} = {result_variable} if is_defined({result_variable!r}) "
        f"and isinstance({result_variable}, dict) else {{}}"
    )
    # The engine's own holder of the answer is local to the task too (a named one is the model's).
    drop = [f"del {result_variable}"] if result_variable.startswith("spiff__") else []
    return [bind, *lines, f"del {RESULT}", *drop]


def reading_result(python: str) -> str:
    """The source with each variable taken from the connector result when the result has it."""
    return ast.unparse(_ResultFirst().visit(ast.parse(python, mode="eval")))


class _ResultFirst(ast.NodeTransformer):
    """`x` -> `(zeebe_result['x'] if 'x' in zeebe_result else x)`; `is_defined` likewise."""

    def __init__(self) -> None:
        self.bound: set[str] = set()  # the variables of an enclosing some/every (generator)

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> ast.AST:
        names = {
            n.id for c in node.generators for n in ast.walk(c.target) if isinstance(n, ast.Name)
        }
        outer, self.bound = self.bound, self.bound | names
        try:
            return self.generic_visit(node)
        finally:
            self.bound = outer

    def visit_Call(self, node: ast.Call) -> ast.AST:
        path = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        if isinstance(node.func, ast.Name) and node.func.id == "is_defined" and path:
            return _expression(_defined_first(str(path)))
        node.args = [self.visit(arg) for arg in node.args]  # the function's own name stays
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if not isinstance(node.ctx, ast.Load) or node.id in self.bound:
            return node
        name = node.id
        return _expression(f"({RESULT}[{name!r}] if {name!r} in {RESULT} else {name})")


def _defined_first(path: str) -> str:
    """`is defined(a.b)` over the connector result when it has `a`, else over the case data."""
    head, *keys = path.split(".")
    ref, checks = f"{RESULT}[{head!r}]", []
    for key in keys:
        checks += [f"isinstance({ref}, dict)", f"{key!r} in {ref}"]
        ref = f"{ref}[{key!r}]"
    found = " and ".join(checks) or "True"
    return f"(({found}) if {head!r} in {RESULT} else is_defined({path!r}))"


def _expression(python: str) -> ast.expr:
    return ast.parse(python, mode="eval").body
