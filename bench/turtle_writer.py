"""Writing Turtle by hand, laid out like the files in data/ttl: one block per resource, relative IRIs under @base.

Only this project's own strings and numbers go through here; literals are still escaped, so a quote in a label
cannot break a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.namespaces import ID
from kg.namespaces import PREFIXES as NAMESPACES

# Declared in this order, aligned as the hand-written files are; the namespaces come from kg's one table.
_DECLARED = ("jpp", "@base", "rdfs", "skos", "dcterms", "prov", "xsd", "ps", "cm", "u", "q", "bd", "rc", "vp", "pd", "nd")
PREFIXES = "".join(f"@base <{ID}> .\n" if name == "@base" else f"@prefix {name + ':':<8} <{NAMESPACES[name]}> .\n"
                   for name in _DECLARED)

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
