"""Procedure bundles: read a folder or an upload, check everything, and name every problem."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.domain.errors import InvalidInputError, ModelProblem
from engine.domain.procedure import ProcedureMeta
from engine.runtime.compiler import CompiledProcess, compile_process
from engine.runtime.connectors import ConnectorRegistry
from forms import Form, InvalidFormSchemaError, load_form

BUNDLE_SUFFIXES = (".bpmn", ".dmn", ".json")
MAX_BUNDLE_FILES = 200
MAX_BUNDLE_BYTES = 20 * 1024 * 1024


@dataclass
class CheckedBundle:
    """A bundle after every check: usable when `problems` holds no error."""

    files: dict[str, bytes]
    meta: ProcedureMeta | None = None
    compiled: CompiledProcess | None = None
    forms: dict[str, Form] = field(default_factory=dict)
    problems: list[ModelProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing stops deployment."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def content_hash(self) -> str:
        """SHA-256 over file names and contents: the version's identity."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


def read_bundle(path: str | Path) -> dict[str, bytes]:
    """Files of a procedure folder (or one .bpmn file) keyed by relative path."""
    root = Path(path)
    if not root.exists():
        raise InvalidInputError(f"{path}: no such file or folder")
    if root.is_file():
        return {root.name: root.read_bytes()}
    files = {}
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root).as_posix()
        if (
            file.is_file()
            and file.name.endswith(BUNDLE_SUFFIXES)
            and not rel.startswith("examples/")
        ):
            files[rel] = file.read_bytes()
    return files


def _json(files: Mapping[str, bytes], name: str, problems: list[ModelProblem]) -> Any:
    try:
        return json.loads(files[name])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        problems.append(
            ModelProblem(f"not valid JSON: {exc}", file=name, line=line, fix="Fix the JSON syntax.")
        )
        return None


def _form_refs(
    meta: ProcedureMeta | None, compiled: CompiledProcess | None
) -> dict[str, str | None]:
    refs: dict[str, str | None] = {}
    if meta and meta.start_form.get("schema"):
        refs[meta.start_form["schema"]] = meta.start_form.get("ui")
    for element in (compiled.elements if compiled else {}).values():
        props = element.get("properties") or {}
        if isinstance(props, dict) and props.get("formJsonSchemaFilename"):
            refs[props["formJsonSchemaFilename"]] = props.get("formUiSchemaFilename")
    return refs


def check_bundle(
    files: Mapping[str, bytes], connectors: ConnectorRegistry | None = None
) -> CheckedBundle:
    """Run every check on a bundle: metadata, BPMN (XSD and semantics), forms.

    A service task must be bound to one of `connectors` (none given: no service task passes).
    """
    if len(files) > MAX_BUNDLE_FILES or sum(len(v) for v in files.values()) > MAX_BUNDLE_BYTES:
        raise InvalidInputError(
            f"bundle too large: at most {MAX_BUNDLE_FILES} files and {MAX_BUNDLE_BYTES // 2**20} MB"
        )
    bundle = CheckedBundle(files=dict(files))
    problems = bundle.problems
    meta: ProcedureMeta | None = None
    if "procedure.json" in files:
        raw = _json(files, "procedure.json", problems)
        if raw is not None:
            meta, meta_problems = ProcedureMeta.parse(raw)
            problems.extend(meta_problems)
    compiled, model_problems = compile_process(
        files, meta.process_id if meta else None, meta.lanes if meta else None, connectors
    )
    problems.extend(model_problems)
    if meta is None and compiled is not None and "procedure.json" not in files:
        meta = ProcedureMeta(
            id=compiled.process_id.lower(),
            process_id=compiled.process_id,
            name=compiled.process_name,
        )
    bundle.meta, bundle.compiled = meta, compiled
    for schema_name, ui_name in _form_refs(meta, compiled).items():
        if schema_name not in files:
            problems.append(
                ModelProblem(
                    f"form '{schema_name}' is referenced but missing",
                    file="procedure.json" if meta else "",
                    fix="Add the form file to the bundle.",
                )
            )
            continue
        if ui_name and ui_name not in files:
            problems.append(
                ModelProblem(
                    f"ui schema '{ui_name}' is referenced but missing",
                    file=schema_name,
                    fix="Add the ui schema or drop the reference.",
                )
            )
            ui_name = None
        try:
            bundle.forms[schema_name] = load_form(
                files[schema_name], files[ui_name] if ui_name else None, name=schema_name
            )
        except InvalidFormSchemaError as exc:
            for issue in exc.problems:
                problems.append(
                    ModelProblem(
                        f"invalid form schema: {issue}",
                        file=schema_name,
                        fix="Correct the JSON Schema (draft 2020-12).",
                    )
                )
    return bundle


def bundle_text(files: Mapping[str, bytes]) -> dict[str, str]:
    """Bundle files as text for storage (models and forms are UTF-8 text)."""
    try:
        return {name: content.decode("utf-8") for name, content in files.items()}
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"bundle files must be UTF-8 text: {exc}") from None
