"""FEEL built-in functions Camunda 8 models call most, and FEEL contexts, as Python.

`string join(risks, ", ")` becomes `", ".join(risks)`, `count(xs)` becomes `len(xs)`, and so on
(the table below). Each argument is translated as a FEEL expression of its own. A function
outside the table, or called with another number of arguments, stays a call, which the
translation then refuses naming it. A context `{q: city, "page size": 10}` becomes the dict
`{'q': city, 'page size': 10}`, its values translated likewise.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

Token = tuple[str, str]
Translate = Callable[[list[Token]], str]

# (name words, argument count) -> Python, with {0}, {1} the translated arguments.
FUNCTIONS: dict[tuple[tuple[str, ...], int], str] = {
    (("string", "join"), 1): "''.join({0})",
    (("string", "join"), 2): "({1}).join({0})",
    (("count",), 1): "len({0})",
    (("string", "length"), 1): "len({0})",
    (("sum",), 1): "sum({0})",
    (("min",), 1): "min({0})",
    (("max",), 1): "max({0})",
    (("abs",), 1): "abs({0})",
    (("upper", "case"), 1): "({0}).upper()",
    (("lower", "case"), 1): "({0}).lower()",
    (("contains",), 2): "(({1}) in ({0}))",
    (("starts", "with"), 2): "({0}).startswith({1})",
    (("ends", "with"), 2): "({0}).endswith({1})",
}
# Longest names first, so `string join` is not read as a call of `string`.
_NAMES = sorted({words for words, _ in FUNCTIONS}, key=len, reverse=True)
_OPEN = {("op", "("), ("op", "[")}
_CLOSE = {("op", ")"), ("op", "]")}


def _arguments(tokens: list[Token], start: int) -> tuple[list[list[Token]], int] | None:
    """The arguments of the call whose '(' is at start, and the index of its ')'; None when the
    parentheses do not close."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i] in _OPEN
        depth -= tokens[i] in _CLOSE
        if depth == 0:
            return split_items(tokens[start + 1 : i]), i
    return None


def feel_calls(tokens: list[Token], translate: Translate) -> list[Token]:
    """tokens with each call of a FEEL function of the table as one Python token."""
    out = list(tokens)
    i = len(out) - 1
    while i >= 0:  # from the right, so an argument's own calls are rewritten first
        for words in _NAMES:
            end = i + len(words)
            if tuple(t[1] for t in out[i:end]) != words or out[end : end + 1] != [("op", "(")]:
                continue
            if any(t[0] != "name" for t in out[i:end]) or (i and out[i - 1] == ("op", ".")):
                continue
            found = _arguments(out, end)
            if found is None:
                break
            args, close = found
            template = FUNCTIONS.get((words, len(args)))
            if template is None or not all(args):
                break
            python = template.format(*(translate(arg) for arg in args))
            out[i : close + 1] = [("py", python)]
            break
        i -= 1
    return out


class ContextError(ValueError):
    """A `{...}` that is not a FEEL context of `key: value` entries."""


def feel_contexts(tokens: list[Token], translate: Translate) -> list[Token]:
    """tokens with each FEEL context `{key: value, ...}` as one Python token (a dict)."""
    out = list(tokens)
    starts = [i for i, token in enumerate(out) if token == ("op", "{")]
    for i in reversed(starts):  # innermost first: an inner context is one token by then
        close = next((j for j in range(i + 1, len(out)) if out[j] == ("op", "}")), None)
        if close is None:
            raise ContextError("an unclosed '{'")
        entries = split_items(out[i + 1 : close])
        out[i : close + 1] = [("py", "{" + ", ".join(_entry(e, translate) for e in entries) + "}")]
    if any(token in {("op", "}"), ("op", ":")} for token in out):
        raise ContextError("a '}' or ':' outside a context")
    return out


def split_items(inner: list[Token]) -> list[list[Token]]:
    """The comma-separated items of a list, a call or a context (commas inside brackets kept)."""
    items: list[list[Token]] = [[]]
    depth = 0
    for token in inner:
        depth += token in _OPEN
        depth -= token in _CLOSE
        if token == ("op", ",") and depth == 0:
            items.append([])
        else:
            items[-1].append(token)
    return [] if items == [[]] else items


def _entry(entry: list[Token], translate: Translate) -> str:
    if len(entry) < 3 or entry[1] != ("op", ":") or entry[0][0] not in {"name", "str"}:
        raise ContextError("a context entry that is not 'key: value'")
    kind, key = entry[0]
    name = key if kind == "name" else ast.literal_eval(key)
    return f"{name!r}: {translate(entry[2:])}"
