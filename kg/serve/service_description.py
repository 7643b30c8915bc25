"""The SPARQL service description (sd: vocabulary) that GET /sparql without a query answers with."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import DCTERMS, FORMATS, SD, VOID, XSD
from ..namespaces import RDF_TYPE as RDF_TYPE_IRI
from ..project import INFERRED_GRAPH
from .result_formats import GRAPH_FORMATS, SOLUTION_FORMATS

# The prefixes the Turtle form uses: only the vocabularies the description is written in. Graph names and the
# endpoint are written in full: Oxigraph's writer escapes a "/" in a local name ("graph:ontology\/vocab"), valid
# Turtle that reads badly and that some readers mishandle (kg.namespaces.PATH_PREFIXES).
_VOCABULARIES = {"sd": SD, "void": VOID, "dcterms": DCTERMS, "formats": FORMATS, "xsd": XSD}

RDF_TYPE = ox.NamedNode(RDF_TYPE_IRI)
VOID_TRIPLES = ox.NamedNode(VOID + "triples")
XSD_INTEGER = ox.NamedNode(XSD + "integer")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, manifest: BuildManifest, *, timeout: float, max_rows: int) -> list[ox.Triple]:
    """Triples describing the endpoint at `endpoint` and the dataset it serves (from the build's manifest)."""
    service, dataset, default_graph = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        # The default graph is the union of all named graphs; there is no entailment at query time (the
        # OWL 2 RL closure was computed at build time into its own graph).
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal("JP Plan KG — read-only SPARQL endpoint", language="en")),
        ox.Triple(service, ox.NamedNode(DCTERMS + "description"), ox.Literal(
            f"Read-only: SPARQL Update, SERVICE and LOAD are refused. A query may run {timeout:g} s and return "
            f"{max_rows:,} rows. The OWL 2 RL closure is computed at build time: what one file's graph entails is in "
            f"<{INFERRED_GRAPH}/> followed by that graph's name, the rest in <{INFERRED_GRAPH}>.",
            language="en")),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.format_iri)) for f in SOLUTION_FORMATS + GRAPH_FORMATS]
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    for graph in manifest.graphs:
        named, description = ox.BlankNode(), ox.BlankNode()
        count = graph.triples
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(graph.iri)),
            ox.Triple(named, _sd("graph"), description),
            ox.Triple(description, RDF_TYPE, _sd("Graph")),
            ox.Triple(description, VOID_TRIPLES, ox.Literal(str(count), datatype=XSD_INTEGER)),
        ]
    return triples


_PLAIN_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def description_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes for the Turtle form of `triples`: those of the description's vocabularies under which every
    IRI of the triples has a plain local name (no "/", ".", "#"… that the writer would escape with a backslash).
    A graph named under one of them (a project may name graphs anything) is then written in full."""
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)}
    return {prefix: namespace for prefix, namespace in _VOCABULARIES.items()
            if all(_PLAIN_LOCAL_NAME.fullmatch(iri[len(namespace):]) for iri in iris if iri.startswith(namespace))}
