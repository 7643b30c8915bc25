"""Reading RDF files strictly and safely.

Every file goes through Oxigraph's parsers: they are strict (bad IRIs, language tags and literals are
errors, not warnings), report line and column, and never fetch anything (no remote JSON-LD contexts,
no external XML entities), unlike rdflib's defaults.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError, RdfSyntaxError

FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

MAX_FILE_BYTES = 64 * 1024 * 1024  # a plan file is kilobytes; anything this large is a mistake or an attack
MAX_ENTITY_EXPANSION = 16 * 1024 * 1024  # bytes that XML entity references may add to an RDF/XML file
# Objects and arrays (JSON-LD) or elements (RDF/XML) inside each other. Real files stay below 20. Oxigraph's JSON-LD
# parser recurses on nesting and crashes the process (segmentation fault) at a few thousand levels; its RDF/XML
# parser takes time quadratic in the depth (100,000 levels: minutes). Turtle's parser keeps its own stack and
# stays linear, so Turtle needs no such limit.
MAX_NESTING = 256

# Case-insensitive: Oxigraph's XML reader also accepts <!doctype …>, and a check that looked only for <!DOCTYPE
# let nested entities ("billion laughs") through.
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s\"']+)\s+(SYSTEM|PUBLIC)?\s*([\"'])(.*?)\4", re.DOTALL | re.IGNORECASE)
# Tokens that change the nesting depth, with strings (JSON) or comments, CDATA, processing instructions and
# declarations (XML) matched whole so that brackets inside them do not count.
_JSON_NESTING = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', re.DOTALL)
_XML_NESTING = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>|</|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*?/>|<",
                          re.DOTALL)


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    triples: list[ox.Triple]


def rdf_format_for(path: Path) -> ox.RdfFormat:
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise KgError(f"{path}: unknown RDF file type {path.suffix!r}", hint=f"use one of {known}")
    return fmt


def parse_rdf_file(path: Path, *, base_iri: str | None = None) -> ParsedFile:
    """Parse one file into triples; a syntax error names the file, line and column."""
    path = Path(path)
    fmt = rdf_format_for(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KgError(f"{path}: cannot read: {exc.strerror}", hint="check the file name") from None
    if size > MAX_FILE_BYTES:
        raise KgError(f"{path}: file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                      hint="split the file or check that it is the right one")
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml_entities(path)
        _check_nesting(path, _XML_NESTING, opening=(b"<",), closing=(b"</",), what="XML elements")
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_nesting(path, _JSON_NESTING, opening=(b"{", b"["), closing=(b"}", b"]"), what="JSON objects and arrays")
    try:
        with path.open("rb") as handle:
            quads = list(ox.parse(handle, format=fmt, base_iri=base_iri, without_named_graphs=False))
    except SyntaxError as exc:
        line, column = _position(exc)
        message = printable(_strip_position(str(exc.msg if hasattr(exc, "msg") else exc)))
        if "LoadDocumentCallback" in message:
            raise KgError(f"{path}: the JSON-LD @context is a remote document, which kg never fetches",
                          hint="put the context inline in the file (\"@context\": {…})") from None
        raise RdfSyntaxError(str(path), message, line=line, column=column) from None
    except (OSError, ValueError) as exc:
        raise KgError(f"{path}: cannot parse: {printable(str(exc))}",
                      hint="check that the file is RDF in the format its name says") from None
    return ParsedFile(path=path, triples=_stable_blank_nodes(path, [ox.Triple(q.subject, q.predicate, q.object)
                                                                    for q in quads]))


def _stable_blank_nodes(path: Path, triples: list[ox.Triple]) -> list[ox.Triple]:
    """Blank nodes named from the file's name and content and their order in it: the parser names them at random,
    and a build must write the same dump for the same files (an incremental rebuild byte for byte as a full one).
    The lists of the ontology's property chains are the blank nodes in practice; data files have none."""
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return triples
    digest = hashlib.sha256(path.name.encode() + b"\0" + path.read_bytes()).hexdigest()[:16]
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if not isinstance(term, ox.BlankNode):
            return term
        if term not in names:
            names[term] = ox.BlankNode(f"b{digest}n{len(names)}")
        return names[term]

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


def _check_xml_entities(path: Path) -> None:
    """Refuse what XML entities can do to a parser: fetch (external entities) and explode ("billion laughs").

    Plain entities that abbreviate namespaces (&rdf;) are common in RDF/XML and stay allowed: one level deep,
    and adding at most MAX_ENTITY_EXPANSION bytes in all.
    """
    data = path.read_bytes()
    subset = _DOCTYPE_SUBSET.search(data)
    if subset is None:
        return
    expansion = 0
    for parameter, name, external, _quote, value in _ENTITY.findall(subset.group(1)):
        if external or parameter:
            raise KgError(f"{path}: the XML declares an external or parameter entity ({name.decode(errors='replace')}), "
                          "which kg never loads", hint="remove the entity declaration from the DOCTYPE")
        if b"&" in value or b"%" in value:
            raise KgError(f"{path}: the XML entity {name.decode(errors='replace')} refers to other entities "
                          "(nested entities can expand without bound)", hint="write the values out in full")
        expansion += data.count(b"&" + name + b";") * len(value)
    if expansion > MAX_ENTITY_EXPANSION:
        raise KgError(f"{path}: XML entities would expand the file by {expansion:,} bytes, over the "
                      f"{MAX_ENTITY_EXPANSION:,}-byte limit", hint="write the values out in full")


def _check_nesting(path: Path, tokens: re.Pattern, *, opening: tuple[bytes, ...], closing: tuple[bytes, ...],
                   what: str) -> None:
    """Refuse a file whose brackets or elements nest deeper than MAX_NESTING, before the parser sees it."""
    depth = 0
    for match in tokens.finditer(path.read_bytes()):
        token = match.group()
        if token in closing:
            depth -= 1
        elif token in opening:
            depth += 1
            if depth > MAX_NESTING:
                raise KgError(f"{path}: {what} nest more than {MAX_NESTING} deep", hint="flatten the structure")


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(message: str) -> str:
    """A parser's message with control characters written as escapes: it quotes the offending text, and an
    escape sequence from a hostile file must not reach the terminal."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", message)


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    # Oxigraph puts (file, line, column, …) into SyntaxError.args[1], like Python's own SyntaxError.
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    return (line if isinstance(line, int) else None, column if isinstance(column, int) else None)


def _strip_position(message: str) -> str:
    prefix = "Parser error at line "
    if message.startswith(prefix) and ": " in message:
        return message.split(": ", 1)[1]
    return message
