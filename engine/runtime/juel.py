"""Translate the simple JUEL (`${...}`) and FEEL (`=...`) expressions modellers write into Python.

Camunda 7 and Flowable write conditions in JUEL, Camunda 8 (Zeebe) in FEEL; the engine evaluates
Python in its sandbox. Only a small, safe subset is translated: names and dotted paths, literals,
comparisons, boolean and arithmetic operators, `empty`, parentheses, the Java String methods
toLowerCase(), toUpperCase(), trim(), startsWith(s) and endsWith(s), and in FEEL `not(...)`,
`x between a and b`, ranges `x in [a..b]` (open ends `(`, `)`, `]a..b[`), lists of values
`x in ("a", "b")`, `some/every v in list satisfies ...`, `is defined(a.b)` (the sandbox's
`is_defined('a.b')`: the variable exists, its property too; null counts as defined), list
literals of values and variables `["a", b.c]`, and list items by a whole-number position
`xs[1]` (FEEL counts from 1, and -1 is the last item). Anything else (other method calls, beans,
`execution`, FEEL functions, contexts, filters `xs[item > 3]`) raises UntranslatableError, which
the compiler turns into a deploy-time problem naming the expression.
"""

from __future__ import annotations

import re

from engine.runtime.feel_functions import ContextError, feel_calls, feel_contexts, split_items

__all__ = ["UntranslatableError", "is_foreign", "to_python"]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%().,\[\]={}:])
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
# Java String methods modellers call in JUEL, and the Python str method doing the same.
_STRING_METHODS = {
    "toLowerCase": "lower",
    "toUpperCase": "upper",
    "trim": "strip",
    "startsWith": "startswith",
    "endsWith": "endswith",
}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_FORBIDDEN_NAMES = {"execution", "task", "this", "class", "import", "lambda", "exec", "eval"}
_MAX_LENGTH = 500


class UntranslatableError(ValueError):
    """The expression is JUEL/FEEL that the engine cannot evaluate safely."""


# BPMN's default expression language is XPath; modellers (Signavio, MIWG C.1.1) write
# `bpmn:getDataObject('approved') = 'yes'`, which reads the data object as a variable.
_GET_DATA_OBJECT = re.compile(r"\b[A-Za-z_][\w.-]*:getDataObject\(\s*'([A-Za-z_]\w*)'\s*\)")


def is_foreign(text: str) -> bool:
    """True when the text is JUEL (`${..}`, `#{..}`), FEEL (`=..`) or BPMN XPath rather than
    Python."""
    stripped = text.strip()
    return (
        (stripped.startswith(("${", "#{")) and stripped.endswith("}"))
        or (stripped.startswith("=") and not stripped.startswith("=="))
        or _GET_DATA_OBJECT.search(stripped) is not None
    )


def _body(text: str) -> tuple[str, bool]:
    """The expression inside its markers, and whether it is FEEL (or XPath, read alike)."""
    stripped = text.strip()
    if stripped.startswith(("${", "#{")) and stripped.endswith("}"):
        return stripped[2:-1], False
    if stripped.startswith("="):
        return stripped[1:], True
    if _GET_DATA_OBJECT.search(stripped):
        return _GET_DATA_OBJECT.sub(r"\1", stripped), True
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
                if nxt == ("op", "(") and value in _STRING_METHODS and not feel:
                    out[-1] += f".{_STRING_METHODS[value]}("  # the "(" token is then skipped
                    continue
                if nxt == ("op", "("):
                    raise UntranslatableError(f"method call '.{value}(...)'")
                out.append(f"[{value!r}]")
                continue
            if value == "secrets" and feel:
                raise UntranslatableError(
                    "Camunda connector secrets are not case data: motcua keeps no secret in a "
                    "case; a registered connector reads its own credentials"
                )
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
                if prev[0] not in {"name", "py"} and prev != ("op", ")") and prev != ("op", "]"):
                    raise UntranslatableError("a '.' that is not a property path")
                continue
            if value == "(" and prev[0] == "name" and prev[1] in _STRING_METHODS and not feel:
                if i > 1 and tokens[i - 2] == ("op", "."):
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
        else:  # numbers, strings and FEEL constructs already in Python ("py")
            out.append(value)
    return " ".join(out).replace(" [", "[").replace("( ", "(").replace(" )", ")")


_OPERAND = {"name", "num", "str"}
_OPENERS = {"[": "<=", "(": "<", "]": "<"}
_CLOSERS = {"]": "<=", ")": "<", "[": "<"}


def _operand_start(tokens: list[tuple[str, str]], end: int) -> int:
    """Index where the path or literal ending just before `end` starts (a.b.c, x, 3, "s")."""
    start = end - 1
    if start < 0 or tokens[start][0] not in _OPERAND or tokens[start][1] in _WORD_OPS:
        raise UntranslatableError("a range or 'between' needs a value on its left")
    while start >= 2 and tokens[start - 1] == ("op", ".") and tokens[start - 2][0] == "name":
        start -= 2
    return start


def _literal(token: tuple[str, str]) -> str:
    kind, value = token
    if kind in {"num", "str"}:
        return value
    if kind == "name" and value.lower() in _LITERALS:
        return _LITERALS[value.lower()]
    if kind == "name" and value not in _WORD_OPS:
        return _translate_tokens([token], True)
    raise UntranslatableError(f"'{value}' cannot bound a range")


def _feel_tests(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Rewrite FEEL `x between a and b`, `x in [a..b]` and `x in (a, b)` into Python tokens."""
    out = list(tokens)
    i = 0
    while i < len(out):
        kind, value = out[i]
        if (
            (kind, value) == ("name", "between")
            and i + 3 < len(out)
            and out[i + 2]
            == (
                "name",
                "and",
            )
        ):
            start = _operand_start(out, i)
            subject = _translate_tokens(out[start:i], True)
            low, high = _literal(out[i + 1]), _literal(out[i + 3])
            out[start : i + 4] = [("py", f"({low} <= {subject} <= {high})")]
            i = start + 1
            continue
        if (kind, value) == ("name", "in") and i + 1 < len(out) and out[i + 1][1] in _OPENERS:
            close = next(
                (j for j in range(i + 2, len(out)) if out[j][1] in _CLOSERS and out[j][0] == "op"),
                None,
            )
            if close is None:
                raise UntranslatableError("an unclosed range or list")
            inner = out[i + 2 : close]
            start = _operand_start(out, i)
            subject = _translate_tokens(out[start:i], True)
            if len(inner) == 4 and inner[1] == inner[2] == ("op", "."):
                low, high = _literal(inner[0]), _literal(inner[3])
                left, right = _OPENERS[out[i + 1][1]], _CLOSERS[out[close][1]]
                python = f"({low} {left} {subject} {right} {high})"
            elif out[i + 1][1] in "([" and out[close][1] in ")]":
                items = inner[0::2]
                if any(t != ("op", ",") for t in inner[1::2]):
                    raise UntranslatableError("a list of anything but plain values")
                values = ", ".join(_literal(t) for t in items) + ("," if len(items) == 1 else "")
                python = f"({subject} in ({values}))"
            else:
                raise UntranslatableError("a range that is not 'a..b'")
            out[start : close + 1] = [("py", python)]
            i = start + 1
            continue
        i += 1
    return out


_NOT_OPERANDS = set(_WORD_OPS) | {"in", "some", "every", "satisfies", "if", "then", "else"}


def _ends_operand(token: tuple[str, str]) -> bool:
    """True when a `[` after this token reads an item of it (else the `[` starts a list)."""
    kind, value = token
    if kind == "name":
        return value not in _NOT_OPERANDS
    return kind in {"py", "str"} or token in {("op", "]"), ("op", ")")}


def _position(inner: list[tuple[str, str]]) -> str:
    """The Python index for FEEL's `[n]`: FEEL counts from 1, and from -1 backwards."""
    text = "".join(value for _, value in inner)
    if not text.removeprefix("-").isdigit():
        raise UntranslatableError("a filter or a computed position in '[...]'")
    if int(text) == 0:
        raise UntranslatableError("'[0]' is not a list position: FEEL counts from 1")
    return text if text.startswith("-") else str(int(text) - 1)


def _list_literal(inner: list[tuple[str, str]]) -> str:
    """Python for the items of a FEEL list `[a, "b", 3]`: values, variables and their paths."""
    items = split_items(inner)
    if not items:
        return "[]"
    if any(not item or any(t in {("op", "("), ("op", "[")} for t in item) for item in items):
        raise UntranslatableError("a list of anything but values and variables")
    return "[" + ", ".join(_translate_tokens(item, True) for item in items) + "]"


def _feel_brackets(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """FEEL `xs[1]` -> `xs[0]` and a list `["a", b]` -> Python, each as one Python token."""
    out = list(tokens)
    starts = [i for i, token in enumerate(out) if token == ("op", "[")]
    for i in reversed(starts):  # from the right, so the indexes on the left stay valid
        close = next((j for j in range(i + 1, len(out)) if out[j] == ("op", "]")), None)
        if close is None:
            raise UntranslatableError("an unclosed '['")
        inner = out[i + 1 : close]
        if i and _ends_operand(out[i - 1]):
            out[i : close + 1] = [("py", f"[{_position(inner)}]")]
        else:
            out[i : close + 1] = [("py", _list_literal(inner))]
    return out


def _feel_rewrites(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The FEEL constructs rewritten into Python tokens before the token-by-token translation."""
    return _feel_brackets(_feel_tests(tokens))


def _feel_defined(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """FEEL `is defined(a.b)` -> `is_defined('a.b')` (the sandbox's test for an existing path)."""
    out = list(tokens)
    i = 0
    while i + 3 < len(out):
        if out[i : i + 3] != [("name", "is"), ("name", "defined"), ("op", "(")]:
            i += 1
            continue
        close = next((j for j in range(i + 3, len(out)) if out[j] == ("op", ")")), None)
        inner = out[i + 3 : close] if close is not None else []
        path = [t[1] for t in inner[0::2]]
        if len(inner) == 1 and (inner[0][0] in {"num", "str"} or inner[0][1] in _LITERALS):
            python = "True"  # a literal, null included, is a defined value
        elif (
            inner
            and all(t[0] == "name" for t in inner[0::2])
            and all(t == ("op", ".") for t in inner[1::2])
            and len(inner) % 2 == 1
            and not any(n in _FORBIDDEN_NAMES or n.startswith("_") for n in path)
        ):
            python = f"is_defined({'.'.join(path)!r})"
        else:
            raise UntranslatableError("'is defined' of anything but a variable or its property")
        out[i : i + 4 + len(inner)] = [("py", python)]
        i += 1
    return out


def _feel_quantifier(tokens: list[tuple[str, str]]) -> str | None:
    """`some x in xs satisfies cond` -> `any((cond) for x in xs)`; `every` -> `all`."""
    if len(tokens) < 5 or tokens[0] not in {("name", "some"), ("name", "every")}:
        return None
    if tokens[1][0] != "name" or tokens[2] != ("name", "in"):
        return None
    k = next((j for j, t in enumerate(tokens) if t == ("name", "satisfies")), None)
    if k is None or k == 3 or k == len(tokens) - 1:
        raise UntranslatableError("a 'some'/'every' without 'satisfies'")
    variable = tokens[1][1]
    if variable in _FORBIDDEN_NAMES or variable.startswith("_"):
        raise UntranslatableError(f"'{variable}' is not case data")
    collection = _translate_tokens(_feel_rewrites(tokens[3:k]), True)
    condition = _translate_tokens(_feel_rewrites(tokens[k + 1 :]), True)
    word = "any" if tokens[0][1] == "some" else "all"
    return f"{word}(({condition}) for {variable} in {collection})"


def _feel_argument(tokens: list[tuple[str, str]]) -> str:
    return _translate_tokens(_feel_rewrites(tokens), True)


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
    if feel:
        tokens = feel_calls(_feel_defined(tokens), _feel_argument)
        try:
            tokens = feel_contexts(tokens, _feel_argument)
        except ContextError as exc:
            raise UntranslatableError(str(exc)) from None
    python = _feel_quantifier(tokens) if feel else None
    if python is None:
        python = _translate_tokens(_feel_rewrites(tokens) if feel else tokens, feel)
    try:
        compile(python, "<condition>", "eval")
    except SyntaxError as exc:
        raise UntranslatableError(f"not a simple expression ({exc.msg})") from None
    return python
