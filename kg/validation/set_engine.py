"""Validation by kg's own set-based SHACL engine on Oxigraph (kg.validation.shacl): each constraint evaluated once
for all focus nodes. Its results are turned into kg's issues here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..namespaces import RDFS_LABEL
from ..project import Project
from ..rdf.files import parse_rdf_file
from .report import ValidationIssue, pick_language
from .shacl import UnsupportedShapes, read_shapes, report_graph, validate_store


def shape_model(project: Project):
    """The shapes read for the set-based engine, or None when they use a feature it does not implement."""
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in project.shape_files())
    return _shape_model(key)


@lru_cache(maxsize=4)
def _shape_model(key):
    triples = [t for path, _mtime, _size in key for t in parse_rdf_file(Path(path)).triples]
    try:
        return read_shapes(triples)
    except UnsupportedShapes:
        return None


def validate_by_set_engine(data, model, *, lang, origin):
    results = validate_store(data, model)
    # kg's verdict: only violations block a submission (as kg.validation.per_file judges too); warnings and
    # infos are listed but pass. The report graph keeps SHACL's own sh:conforms (any result at all means it
    # does not conform), which is what a SHACL consumer of `--format turtle` reads.
    conforms = not any(r.severity == "Violation" for r in results)
    labels = _labels(data, {r.focus for r in results} | {r.path.term for r in results if r.path is not None and r.path.term})
    issues = [ValidationIssue(
        focus_node=r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus),
        focus_label=_pick(labels, r.focus, lang),
        result_path=r.path.text() if r.path is not None else None,
        result_path_label=_pick(labels, r.path.term, lang) if r.path is not None and r.path.term else None,
        value=None if r.value is None else (str(r.value) if isinstance(r.value, ox.Literal) else r.value.value),
        source_shape=r.shape.node.value,
        constraint=r.component,
        severity=r.severity,
        message=pick_language([rdflib.Literal(m.value, lang=m.language or None) for m in r.messages], lang),
        files=origin.get(r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus), ()),
    ) for r in results]
    return conforms, issues, report_graph(results, model, data=data)


def _labels(data, nodes: set) -> dict:
    """The rdfs:label literals of the nodes results name."""
    out: dict = {}
    for t in data:
        if t.predicate.value == RDFS_LABEL and t.subject in nodes and isinstance(t.object, ox.Literal):
            out.setdefault(t.subject, []).append(rdflib.Literal(t.object.value, lang=t.object.language or None))
    return out


def _pick(labels: dict, node, lang: str) -> str | None:
    found = labels.get(node)
    return pick_language(found, lang) if found else None
