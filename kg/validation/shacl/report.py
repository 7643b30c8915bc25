"""The engine's results as a SHACL validation report graph (for `kg validate --format turtle`)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ...rdf.terms import to_rdflib
from .engine import Result, conforms
from .shapes import Path, ShapesModel, index_triples


def report_graph(results: list[Result], model: ShapesModel, *, data: Iterable[ox.Triple] = ()) -> rdflib.Graph:
    """The SHACL validation report: sh:conforms as SHACL defines it (no result of any severity), and each
    result with the description of every blank node it names, from the shapes (paths, shapes) and from the data
    (focus nodes, values), as pySHACL writes them: a blank node means nothing without its triples."""
    graph = rdflib.Graph()
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(conforms(results))))
    described = None
    for r in results:
        node = rdflib.BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(r.focus)))
        graph.add((node, SH.sourceShape, to_rdflib(r.shape.node)))
        graph.add((node, SH.sourceConstraintComponent, SH[r.component]))
        graph.add((node, SH.resultSeverity, rdflib.URIRef(r.severity if ":" in r.severity else SH + r.severity)))
        for message in r.messages:
            graph.add((node, SH.resultMessage, to_rdflib(message)))
        if r.value is not None:
            graph.add((node, SH.value, to_rdflib(r.value)))
        if r.path is not None:
            graph.add((node, SH.resultPath, _write_path(graph, r.path)))
        _copy_blank_nodes(graph, model.triples, r.shape.node)
        if any(isinstance(t, ox.BlankNode) for t in (r.focus, r.value)):
            described = described if described is not None else index_triples(data)
            for term in (r.focus, r.value):
                _copy_blank_nodes(graph, described, term)
    return graph


_PATH_PREDICATES = {"inverse": SH.inversePath, "zeroOrMore": SH.zeroOrMorePath, "oneOrMore": SH.oneOrMorePath,
                    "zeroOrOne": SH.zeroOrOnePath}


def _write_path(graph: rdflib.Graph, path: Path):
    """The path as the engine read and evaluated it, in SHACL's syntax: a node of the shapes graph may say more
    (a list that also has an sh:inversePath), and the report states the path that was followed."""
    if path.kind == "predicate":
        return to_rdflib(path.term)
    if path.kind in ("sequence", "alternative"):
        head = rdflib.BNode()
        Collection(graph, head, [_write_path(graph, p) for p in path.parts])
        if path.kind == "sequence":
            return head
        node = rdflib.BNode()
        graph.add((node, SH.alternativePath, head))
        return node
    node = rdflib.BNode()
    graph.add((node, _PATH_PREDICATES[path.kind], _write_path(graph, path.parts[0])))
    return node


def _copy_blank_nodes(graph: rdflib.Graph, triples: dict, node, seen=None) -> None:
    """Copy a blank node's triples (subject -> predicate -> objects), and those of the blank nodes they name."""
    seen = seen if seen is not None else set()
    if not isinstance(node, ox.BlankNode) or node in seen:
        return
    seen.add(node)
    for predicate, objects in triples.get(node, {}).items():
        for o in objects:
            graph.add((to_rdflib(node), rdflib.URIRef(predicate), to_rdflib(o)))
            _copy_blank_nodes(graph, triples, o, seen)
