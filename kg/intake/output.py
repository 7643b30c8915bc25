"""Writing ingested graphs as Turtle the way the project keeps its data: facts in data/ttl/<name>.ttl, the
editorial classification in data/ttl/classification/<name>.ttl; each file replaced in one rename."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from .ids import ID_BASE, PREFIXES
from .ingest import IngestResult

TURTLE_PREFIXES = ("jpp", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "schema", "u", "q", "bd", "vp", "pd", "nd",
                   "ps", "cm", "rc", "sdg")


def turtle(graph: Graph, *, header: str) -> str:
    """Turtle as the project writes it by hand: @base id/, the usual prefixes, one block per resource in tree order."""
    import pyoxigraph as ox

    from ..terms import to_oxigraph

    first = {str(RDF.type): 0, PREFIXES["rdfs"] + "label": 1}

    def key(triple):
        s, p, o = triple
        subject = [int(x) if i % 2 else x for i, x in enumerate(re.split(r"(\d+)", str(s)))]
        return (subject, first.get(str(p), 2), str(p), str(o))

    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in sorted(graph, key=key)]
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, base_iri=ID_BASE,
                        prefixes={p: PREFIXES[p] for p in TURTLE_PREFIXES}).decode("utf-8")
    # Oxigraph writes the prefixes relative to the base (</jp-plan-kg/ontology#>): declare them in full instead, and
    # leave a blank line after each resource. Its literals escape line breaks, so every line is a line of syntax.
    body = []
    for line in text.splitlines():
        if line.startswith(("@prefix", "@base")):
            continue
        body.append(line)
        if line.endswith(" ."):
            body.append("")
    declarations = [f"@base <{ID_BASE}> ."] + [f"@prefix {p}: <{PREFIXES[p]}> ." for p in TURTLE_PREFIXES]
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + "\n" + "\n".join(declarations) + "\n\n" + "\n".join(body).rstrip() + "\n"


def classification_path_for(out: Path) -> Path:
    """data/ttl/<name>.ttl → data/ttl/classification/<name>.ttl, as the project keeps them."""
    return out.parent / "classification" / out.name


def write_outputs(result: IngestResult, *, out: Path, classification_out: Path | None, source: str) -> list[tuple[Path, int]]:
    written = []
    header = f"Written by `kg ingest` from {Path(source).name}. Source facts only; edit the workbook, not this file."
    _write_atomically(out, turtle(result.facts, header=header))
    written.append((out, len(result.facts)))
    if len(result.classification):
        target = classification_out or classification_path_for(out)
        header = f"Written by `kg ingest` from {Path(source).name}: this project's editorial classification."
        _write_atomically(target, turtle(result.classification, header=header))
        written.append((target, len(result.classification)))
    return written


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_atomically(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".kg-", suffix=".ttl", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
