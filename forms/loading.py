"""Load a form from bundle files (bytes), text or parsed JSON, refusing unusable schemas."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from forms.checks import schema_problems
from forms.errors import InvalidFormSchemaError
from forms.form import Form
from forms.ui import generate_ui_schema, ui_problems

Source = str | bytes | Mapping[str, Any]


def load_form(schema_text: Source, ui_text: Source | None = None, *, name: str = "") -> Form:
    """A Form from its JSON Schema and optional ui schema; raises InvalidFormSchemaError."""
    problems: list[str] = []
    schema = _parse(schema_text, "schema", problems)
    ui = _parse(ui_text, "ui schema", problems) if ui_text is not None else None
    if schema is not None:
        problems += schema_problems(schema)
    if schema is not None and ui is not None and not problems:
        problems += ui_problems(schema, ui)
    if problems or not isinstance(schema, dict):
        raise InvalidFormSchemaError(name, problems)
    # Without a ui schema the generated one is stored, so that every form renders the same way.
    return Form(schema, ui if isinstance(ui, dict) else generate_ui_schema(schema))


def _parse(source: Source, what: str, problems: list[str]) -> Any:
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source))
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        problems.append(f"{what}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    except json.JSONDecodeError as exc:
        problems.append(
            f"{what}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        )
    except ValueError as exc:
        problems.append(f"{what}: {exc}")
    except RecursionError:
        problems.append(f"{what}: nested too deeply to read")
    return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last of two equal keys; in a hand-edited schema that hides
    # a mistake (two "required" lists, one of them ignored), so it is refused instead.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not valid JSON")
