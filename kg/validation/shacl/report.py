"""The engine's results as a SHACL validation report graph (for `kg validate --format turtle`)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ...rdf.terms import to_rdflib
from .engine import Result
from .shapes import ShapesModel


def report_graph(results: list[Result], model: ShapesModel, *, conforms: bool) -> rdflib.Graph:
    graph = rdflib.Graph()
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(conforms)))
    for r in results:
        node = rdflib.BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(r.focus)))
        graph.add((node, SH.sourceShape, to_rdflib(r.shape.node)))
        graph.add((node, SH.sourceConstraintComponent, SH[r.component]))
        graph.add((node, SH.resultSeverity, SH[r.severity]))
        for message in r.messages:
            graph.add((node, SH.resultMessage, to_rdflib(message)))
        if r.value is not None:
            graph.add((node, SH.value, to_rdflib(r.value)))
        if r.path is not None:
            graph.add((node, SH.resultPath, to_rdflib(r.path.node or r.path.term)))
            _copy_blank_nodes(graph, model, r.path.node)
        _copy_blank_nodes(graph, model, r.shape.node)
    return graph


def _copy_blank_nodes(graph: rdflib.Graph, model: ShapesModel, node, seen=None) -> None:
    """A blank-node path or shape means nothing without its description: copy it from the shapes graph."""
    seen = seen if seen is not None else set()
    if not isinstance(node, ox.BlankNode) or node in seen:
        return
    seen.add(node)
    for predicate, objects in model.triples.get(node, {}).items():
        for o in objects:
            graph.add((to_rdflib(node), rdflib.URIRef(predicate), to_rdflib(o)))
            _copy_blank_nodes(graph, model, o, seen)
