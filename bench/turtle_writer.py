"""Writing Turtle by hand, laid out like the files in data/ttl: one block per resource, relative IRIs under @base.

Only this project's own strings and numbers go through here; literals are still escaped, so a quote in a label
cannot break a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PREFIXES = """\
@prefix jpp:     <https://w3id.org/jp-plan-kg/ontology#> .
@base <https://w3id.org/jp-plan-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix ps:      <https://w3id.org/jp-plan-kg/vocab/plan-status/> .
@prefix cm:      <https://w3id.org/jp-plan-kg/vocab/completeness/> .
@prefix u:       <https://w3id.org/jp-plan-kg/vocab/unit/> .
@prefix q:       <https://w3id.org/jp-plan-kg/vocab/qualifier/> .
@prefix bd:      <https://w3id.org/jp-plan-kg/vocab/breakdown/> .
@prefix rc:      <https://w3id.org/jp-plan-kg/vocab/revision-change/> .
@prefix vp:      <https://w3id.org/jp-plan-kg/vocab/viewpoint/> .
@prefix pd:      <https://w3id.org/jp-plan-kg/vocab/policy-domain/> .
@prefix nd:      <https://w3id.org/jp-plan-kg/vocab/national-direction/> .
"""

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def text(value: str, lang: str | None = "ja") -> str:
    escaped = "".join(_ESCAPES.get(c, c) for c in value)
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def ref(relative: str) -> str:
    """An IRI relative to the id base, e.g. ref("municipality/132055")."""
    if any(c in relative for c in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI path: {relative!r}")
    return f"<{relative}>"


def decimal(value: float, decimals: int) -> str:
    # A Turtle decimal needs a dot: 615.0, not 615 (an integer) or 6.15E2 (a double).
    return f"{value:.{max(decimals, 1)}f}"


class Resource:
    """One subject with its predicates in the order they were added."""

    def __init__(self, subject: str, *types: str, comment: str | None = None):
        self.subject = subject
        self.comment = comment
        self.pairs: list[tuple[str, list[str]]] = []
        if types:
            self.add("a", *types)

    def add(self, predicate: str, *objects: str) -> Resource:
        if objects:
            self.pairs.append((predicate, list(objects)))
        return self

    def render(self) -> str:
        lines = [f"# {self.comment}"] if self.comment else []
        lines.append(self.subject)
        for index, (predicate, objects) in enumerate(self.pairs):
            end = " ." if index == len(self.pairs) - 1 else " ;"
            joined = " ,\n        ".join(objects)
            lines.append(f"    {predicate} {joined}{end}")
        return "\n".join(lines)


def document(header: Sequence[str], resources: Iterable[Resource]) -> str:
    head = "".join(f"# {line}\n" for line in header)
    return head + "\n" + PREFIXES + "\n" + "\n\n".join(r.render() for r in resources) + "\n"
