"""Hardened XML loading: no external entities, no network, no DTDs (where entity bombs live)."""

from __future__ import annotations

from lxml import etree

MAX_XML_BYTES = 5 * 1024 * 1024


class XmlRejectedError(ValueError):
    """The bytes are not a well-formed, safe XML document."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(content: bytes) -> etree._Element:
    """Parse bytes into a root element or raise XmlRejectedError naming the line."""
    if len(content) > MAX_XML_BYTES:
        raise XmlRejectedError(f"document is larger than {MAX_XML_BYTES // (1024 * 1024)} MB")
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise XmlRejectedError("DOCTYPE and ENTITY declarations are not allowed in models")
    try:
        return etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise XmlRejectedError(f"not well-formed XML: {exc.msg}", line, column) from None
