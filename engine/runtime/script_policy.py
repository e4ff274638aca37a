"""Compile-time policy for model code: RestrictedPython's rules, stricter, with injected guards.

What the policy adds to RestrictedPython's transformer:
* no name or attribute starting with "_", nor frame/code/format attributes (FORBIDDEN_ATTRS);
* no call of an unsafe builtin by name (FORBIDDEN_CALLS; they are also refusers at run time);
* no imports, classes, decorators, generators (yield) or with statements; print only in scripts
  (RestrictedPython's collector, script_scope.py: the output goes to the log);
* size-checked `+ * ** << %` and f-string fields (guards in script_guard);
* `_tick_()` at every loop turn, comprehension step, function and lambda call, and
  `_catch_()` at the top of every except/finally block (script_budget).
"""

from __future__ import annotations

import ast
from typing import Any, cast

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

FILENAME = "<motcua-script>"

# Attribute names that lead to frames, code, classes, str.format's field lookups or big bytes.
FORBIDDEN_ATTRS = INSPECT_ATTRIBUTES | {
    "format",
    "format_map",
    "mro",
    "translate",
    "maketrans",
    "encode",
    "to_bytes",
    "gi_yieldfrom",
    "gi_running",
    "gi_suspended",
    "cr_await",
    "ag_await",
    "f_trace_lines",
    "f_lasti",
    "tb_lasti",
    "with_traceback",
}
FORBIDDEN_CALLS = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "type",
        "dir",
        "breakpoint",
        "input",
        "help",
        "memoryview",
        "object",
        "super",
        "id",
        "iter",
        "classmethod",
        "staticmethod",
        "property",
        "exit",
        "quit",
        "format",
        "bytes",
        "bytearray",
    }
)
_HINTS = {"format": " (use an f-string)", "format_map": " (use an f-string)"}

_BINOP_GUARDS = {
    ast.Add: "_add_",
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
}


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


def _statement(name: str, like: ast.AST) -> ast.Expr:
    # compile() needs a location on the statement as well as on the call inside it.
    node = ast.Expr(ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=[]))
    return ast.fix_missing_locations(ast.copy_location(node, like))


class Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, stricter, with size guards and an unescapable CPU budget."""

    def error(self, node: ast.AST, info: str) -> None:
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        if isinstance(node, ast.Attribute) and node.end_col_offset is not None:
            # Point at the attribute name, not at the start of the expression it hangs off.
            line, col = node.end_lineno, node.end_col_offset - len(node.attr)
        where = f"line {line}" + (f", column {col + 1}" if col is not None else "")
        self.errors.append(f"{where}: {info}")

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        if name and name.startswith("_") and name != "_":
            self.error(node, f'use of "{name}" is not allowed')
            return
        super().check_name(node, name, allow_magic_methods)

    def visit_Expression(self, node: ast.Expression) -> Any:
        self.in_expression = True
        return self.node_contents_visit(node)

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("print", "printed") and getattr(self, "in_expression", False):
            self.error(node, f'"{node.id}" is not available in an expression: it has no output')
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRS:
            hint = _HINTS.get(node.attr, "")
            self.error(node, f'access to "{node.attr}" is not allowed{hint}')
            return self.node_contents_visit(node)
        return super().visit_Attribute(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            hint = _HINTS.get(node.func.id, "")
            self.error(node, f'calling "{node.func.id}" is not allowed{hint}')
            return self.node_contents_visit(node)
        return super().visit_Call(node)

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, f'import of "{", ".join(a.name for a in node.names)}" is not allowed')
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, f'import from "{node.module}" is not allowed')
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "class definitions are not allowed")
        return node

    def visit_Yield(self, node: ast.Yield) -> Any:
        # A generator's finally block could run later, outside any CPU budget.
        self.error(node, "generator functions (yield) are not allowed")
        return node

    visit_YieldFrom = visit_Yield  # type: ignore[assignment]

    def visit_With(self, node: ast.With) -> Any:
        self.error(node, "with statements are not allowed")
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        if node.decorator_list:
            self.error(node, "decorators are not allowed")
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body.insert(0, _statement("_tick_", node.body[0]))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        tick = _call("_tick_", [], node.body)
        node.body = ast.copy_location(ast.BoolOp(op=ast.And(), values=[tick, node.body]), tick)
        return node

    def visit_While(self, node: ast.While) -> Any:
        node = cast(ast.While, super().visit_While(node))
        node.body.insert(0, _statement("_tick_", node.body[0]))
        return node

    def visit_For(self, node: ast.For) -> Any:
        node = cast(ast.For, super().visit_For(node))
        node.body.insert(0, _statement("_tick_", node.body[0]))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        node = cast(ast.comprehension, super().visit_comprehension(node))
        node.ifs.append(_call("_tick_", [], node.iter))
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        # A handler or finally block must not swallow a sandbox error (a timeout above all).
        node = self.node_contents_visit(node)
        for handler in node.handlers:
            handler.body.insert(0, _statement("_catch_", handler.body[0]))
        if node.finalbody:
            node.finalbody.insert(0, _statement("_catch_", node.finalbody[0]))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        return node if guard is None else _call(guard, [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec or ast.Constant("")
        node.value = _call("_format_", [node.value, ast.Constant(node.conversion), spec], node)
        node.conversion, node.format_spec = -1, None
        return node
