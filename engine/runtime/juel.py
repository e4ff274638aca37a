"""Translate the simple JUEL (`${...}`) and FEEL (`=...`) expressions modellers write into Python.

Camunda 7 and Flowable write conditions in JUEL, Camunda 8 (Zeebe) in FEEL; the engine evaluates
Python in its sandbox. Only a small, safe subset is translated: names and dotted paths, literals,
comparisons, boolean and arithmetic operators, `empty`, parentheses. Anything else (method calls,
beans, `execution`, FEEL functions) raises UntranslatableError, which the compiler turns into a
deploy-time problem naming the expression.
"""

from __future__ import annotations

import re

__all__ = ["UntranslatableError", "is_foreign", "to_python"]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%().,\[\]=])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

_WORD_OPS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "and": "and",
    "or": "or",
    "not": "not",
    "div": "/",
    "mod": "%",
}
_SYMBOL_OPS = {"&&": "and", "||": "or", "!": "not"}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_FORBIDDEN_NAMES = {"execution", "task", "this", "class", "import", "lambda", "exec", "eval"}
_MAX_LENGTH = 500


class UntranslatableError(ValueError):
    """The expression is JUEL/FEEL that the engine cannot evaluate safely."""


def is_foreign(text: str) -> bool:
    """True when the text is JUEL (`${..}`, `#{..}`) or FEEL (`=..`) rather than Python."""
    stripped = text.strip()
    return (stripped.startswith(("${", "#{")) and stripped.endswith("}")) or (
        stripped.startswith("=") and not stripped.startswith("==")
    )


def _body(text: str) -> tuple[str, bool]:
    stripped = text.strip()
    if stripped.startswith(("${", "#{")) and stripped.endswith("}"):
        return stripped[2:-1], False
    if stripped.startswith("="):
        return stripped[1:], True
    return stripped, False


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(body):
        if body[pos:].strip() == "":
            break
        match = _TOKEN.match(body, pos)
        if match is None or match.end() == pos:
            raise UntranslatableError(f"unexpected character {body[pos:].strip()[:1]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _translate_tokens(tokens: list[tuple[str, str]], feel: bool) -> str:
    out: list[str] = []
    for i, (kind, value) in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        prev = tokens[i - 1] if i > 0 else ("", "")
        if kind == "name":
            lowered = value.lower() if value.lower() in _LITERALS else value
            if prev == ("op", "."):
                if nxt == ("op", "("):
                    raise UntranslatableError(f"method call '.{value}(...)'")
                out.append(f"[{value!r}]")
                continue
            if value in _FORBIDDEN_NAMES or value.startswith("_"):
                raise UntranslatableError(f"'{value}' is not case data")
            if nxt == ("op", "(") and value != "not":
                raise UntranslatableError(f"function or method call '{value}(...)'")
            if lowered in _LITERALS:
                out.append(_LITERALS[lowered])
            elif value == "empty":
                out.append("not")
            elif value in _WORD_OPS:
                out.append(_WORD_OPS[value])
            else:
                out.append(value)
        elif kind == "op":
            if value == ".":
                if prev[0] != "name" and prev != ("op", ")") and prev != ("op", "]"):
                    raise UntranslatableError("a '.' that is not a property path")
                continue
            if value == "=":
                if not feel:
                    raise UntranslatableError("assignment is not allowed in a condition")
                out.append("==")
            elif value in _SYMBOL_OPS:
                out.append(_SYMBOL_OPS[value])
            elif value == ",":
                raise UntranslatableError("lists and arguments are not supported")
            else:
                out.append(value)
        elif kind == "str":
            out.append(value)
        else:
            out.append(value)
    return " ".join(out).replace(" [", "[").replace("( ", "(").replace(" )", ")")


def to_python(text: str) -> str:
    """Python for a JUEL or FEEL expression; plain Python is returned unchanged.

    Raises UntranslatableError naming why when the expression is outside the supported subset.
    """
    if not is_foreign(text):
        return text
    if len(text) > _MAX_LENGTH:
        raise UntranslatableError(f"the expression is longer than {_MAX_LENGTH} characters")
    body, feel = _body(text)
    if "${" in body or "#{" in body:
        raise UntranslatableError("a composite expression (text mixed with ${...})")
    tokens = _tokens(body)
    if not tokens:
        raise UntranslatableError("the expression is empty")
    python = _translate_tokens(tokens, feel)
    try:
        compile(python, "<condition>", "eval")
    except SyntaxError as exc:
        raise UntranslatableError(f"not a simple expression ({exc.msg})") from None
    return python
