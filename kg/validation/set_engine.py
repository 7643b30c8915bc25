"""Validation by kg's own set-based SHACL engine on Oxigraph (kg.validation.shacl): each constraint evaluated once
for all focus nodes. Its results are turned into kg's issues here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS

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
    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in data])
    results = validate_store(store, model)
    conforms = not any(r.severity == "Violation" for r in results)
    issues = [ValidationIssue(
        focus_node=r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus),
        focus_label=_store_label(store, r.focus, lang),
        result_path=r.path.text() if r.path is not None else None,
        result_path_label=_store_label(store, r.path.term, lang) if r.path is not None and r.path.term else None,
        value=None if r.value is None else (str(r.value) if isinstance(r.value, ox.Literal) else r.value.value),
        source_shape=r.shape.node.value,
        constraint=r.component,
        severity=r.severity,
        message=pick_language([rdflib.Literal(m.value, lang=m.language or None) for m in r.messages], lang),
        files=origin.get(r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus), ()),
    ) for r in results]
    return conforms, issues, report_graph(results, model, conforms=conforms)


def _store_label(store: ox.Store, node, lang: str) -> str | None:
    if isinstance(node, ox.Literal):
        return None
    labels = [rdflib.Literal(q.object.value, lang=q.object.language or None)
              for q in store.quads_for_pattern(node, ox.NamedNode(str(RDFS.label)), None, ox.DefaultGraph())
              if isinstance(q.object, ox.Literal)]
    return pick_language(labels, lang) if labels else None
