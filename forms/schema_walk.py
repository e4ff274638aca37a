"""Walk a form's JSON Schema: local $refs, declared properties, the subschema at a data path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

Schema = Mapping[str, Any]

# Bounds every walk over the schema, so that a schema referring to itself (a tree) ends.
MAX_SCHEMA_DEPTH = 32
_MAX_REF_HOPS = 16
# Keywords whose subschemas declare properties of the same object (not `if`: it only tests).
_BRANCHES = ("allOf", "anyOf", "oneOf")
_CONDITIONALS = ("then", "else")
_SUBSCHEMA = (
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "object": (Mapping,),
    "array": (list, tuple),
    "number": (int, float),
    "integer": (int, float),
}


def escape_token(token: str | int) -> str:
    """One RFC 6901 reference token: '~' becomes '~0' and '/' becomes '~1'."""
    return str(token).replace("~", "~0").replace("/", "~1")


def to_pointer(path: Iterable[str | int]) -> str:
    """The RFC 6901 JSON pointer of a data path ('' is the whole document)."""
    return "".join("/" + escape_token(token) for token in path)


def _index(token: str) -> bool:
    """An array index token: ASCII digits only."""
    return token.isascii() and token.isdigit()


def pointer_sort_key(pointer: str) -> tuple[tuple[int, int, str], ...]:
    """Order pointers token by token, array indices numerically (/a/2 before /a/10)."""
    tokens = pointer.split("/")[1:] if pointer else []
    # isdecimal() alone takes "³" or "٣", which int() refuses or reads as another number.
    return tuple((0, int(t), "") if _index(t) else (1, 0, t) for t in tokens)


def resolve_ref(root: Schema, ref: str) -> Schema | None:
    """The schema a local reference ('#', '#/$defs/x' or '#anchor') names, else None."""
    if not ref.startswith("#"):
        return None
    fragment = unquote(ref[1:])
    if not fragment.startswith("/") and fragment:
        return next((s for _, s in iter_subschemas(root) if s.get("$anchor") == fragment), None)
    node: Any = root
    for raw in fragment.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and _index(token) and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node if isinstance(node, Mapping) else None


def expand(schema: Schema, root: Schema) -> list[Schema]:
    """The schema followed by the chain of schemas its $ref leads to."""
    chain = [schema]
    while len(chain) <= _MAX_REF_HOPS and isinstance(chain[-1].get("$ref"), str):
        target = resolve_ref(root, chain[-1]["$ref"])
        if target is None or any(target is seen for seen in chain):
            break
        chain.append(target)
    return chain


def keyword(schema: Schema, root: Schema, name: str, default: Any = None) -> Any:
    """A keyword's value on the schema or, failing that, on what its $ref leads to."""
    for part in expand(schema, root):
        if name in part:
            return part[name]
    return default


def declared_properties(schema: Schema, root: Schema, depth: int = 0) -> dict[str, Schema]:
    """Properties the object schema declares, also in allOf/anyOf/oneOf/then/else branches."""
    found: dict[str, Schema] = {}
    if depth > MAX_SCHEMA_DEPTH:
        return found
    for part in expand(schema, root):
        properties = part.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                if isinstance(sub, Mapping):
                    found.setdefault(name, sub)
        branches = [b for k in _BRANCHES if isinstance(part.get(k), list) for b in part[k]]
        branches += [part[k] for k in _CONDITIONALS if k in part]
        for branch in branches:
            if isinstance(branch, Mapping):
                for name, sub in declared_properties(branch, root, depth + 1).items():
                    found.setdefault(name, sub)
    return found


def types_of(schema: Schema, root: Schema) -> set[str] | None:
    """The JSON types the schema allows, or None when it does not say."""
    declared = keyword(schema, root, "type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return None


def is_object_schema(schema: Schema, root: Schema) -> bool:
    """True when the schema describes an object with declared properties."""
    types = types_of(schema, root)
    return (types is None or "object" in types) and bool(declared_properties(schema, root))


def item_schema(schema: Schema, root: Schema) -> Schema | None:
    """The schema every array item follows (`items`), if it is a schema object."""
    items = keyword(schema, root, "items")
    return items if isinstance(items, Mapping) else None


def is_read_only(schema: Schema, root: Schema) -> bool:
    """True when the property is `readOnly: true` (on it or on what its $ref names)."""
    return keyword(schema, root, "readOnly") is True


def title_of(schema: Schema | None, root: Schema) -> str | None:
    """The schema's human title, if it has one."""
    title = keyword(schema, root, "title") if schema is not None else None
    return title if isinstance(title, str) and title.strip() else None


def matches_type(value: Any, types: set[str] | None) -> bool:
    """True when the value is JSON of one of the types (any JSON value when types is None)."""
    allowed = types if types is not None else set(_JSON_TYPES)
    for name in allowed:
        if isinstance(value, bool) and name != "boolean":
            continue
        if isinstance(value, _JSON_TYPES.get(name, ())):
            if name == "integer" and isinstance(value, float) and not value.is_integer():
                continue
            return True
    return False


def child_schema(schema: Schema, root: Schema, token: str | int) -> Schema | None:
    """The subschema that governs one key or index below data the schema describes."""
    if isinstance(token, int):
        prefix = keyword(schema, root, "prefixItems")
        fixed = prefix[token] if isinstance(prefix, list) and token < len(prefix) else None
        return fixed if isinstance(fixed, Mapping) else item_schema(schema, root)
    declared = declared_properties(schema, root).get(token)
    if declared is not None:
        return declared
    extra = keyword(schema, root, "additionalProperties")
    return extra if isinstance(extra, Mapping) else None


def schema_at(root: Schema, path: Sequence[str | int]) -> Schema | None:
    """The subschema describing the data at a path, or None when the schema does not say."""
    node: Schema | None = root
    for token in path:
        if node is None:
            return None
        node = child_schema(node, root, token)
    return node


def iter_subschemas(root: Schema) -> Iterator[tuple[str, Schema]]:
    """Every schema object in the document with its JSON pointer (iterative: no recursion)."""
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        where, node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        yield where, node
        children: list[tuple[str, Any]] = []
        for key in _SUBSCHEMA:
            if key in node:
                children.append((f"{where}/{key}", node[key]))
        for key in _SUBSCHEMA_LISTS:
            if isinstance(node.get(key), list):
                children += [(f"{where}/{key}/{i}", sub) for i, sub in enumerate(node[key])]
        for key in _SUBSCHEMA_MAPS:
            if isinstance(node.get(key), Mapping):
                children += [(f"{where}/{key}/{escape_token(k)}", s) for k, s in node[key].items()]
        stack.extend(reversed(children))
