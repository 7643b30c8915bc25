"""What the ontology and the SKOS vocabularies define (classes, properties, concepts and their schemes), and which
properties the shapes already check against a scheme: read once per change of those files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import JPP, OWL, PREFIXES, RDF, RDF_TYPE, RDFS, SH, SKOS, VOCAB
from ..project import Project
from ..rdf.files import parse_rdf_file

# Our namespaces for terms: the ontology's and one per SKOS scheme (vocab/<name>/). Instances (id:) are data.
TERM_NAMESPACES: tuple[str, ...] = (JPP, *sorted(ns for ns in PREFIXES.values() if ns.startswith(VOCAB)))
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + n for n in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty", "FunctionalProperty",
                                    "TransitiveProperty", "SymmetricProperty", "InverseFunctionalProperty")} | {
    RDF + "Property"}
CONCEPT = SKOS + "Concept"
IN_SCHEME = SKOS + "inScheme"


@dataclass(frozen=True)
class Vocabulary:
    defined: frozenset[str]            # every IRI the ontology and vocabularies describe
    classes: frozenset[str]
    properties: frozenset[str]
    schemes_of: dict[str, frozenset[str]]   # concept -> the schemes it is in
    concept_properties: frozenset[str]  # properties whose values are concepts (rdfs:range skos:Concept or a subclass)


def term_namespace(iri: str) -> str | None:
    if not iri.startswith(TERM_NAMESPACES):  # one C-level test first: most IRIs in data are instances (id:)
        return None
    for namespace in TERM_NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return namespace
    return None


def vocabulary(project: Project) -> Vocabulary:
    return _vocabulary(_key(project.ontology_files()))


@lru_cache(maxsize=4)
def _vocabulary(key: tuple) -> Vocabulary:
    triples = [t for path, _mtime, _size in key for t in parse_rdf_file(Path(path)).triples]
    defined, classes, properties = set(), set(), set()
    schemes: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        subject, predicate, value = t.subject.value, t.predicate.value, t.object.value
        defined.add(subject)
        if predicate == RDF_TYPE:
            if value in CLASS_TYPES:
                classes.add(subject)
            elif value in PROPERTY_TYPES:
                properties.add(subject)
        elif predicate == IN_SCHEME:
            schemes.setdefault(subject, set()).add(value)
        elif predicate == SKOS + "member":  # a collection of another's concepts (the UN's SDGs) counts as their scheme
            schemes.setdefault(value, set()).add(subject)
        elif predicate == RDFS + "subClassOf":
            parents.setdefault(subject, set()).add(value)
        elif predicate == RDFS + "range":
            ranges.setdefault(subject, set()).add(value)
    concept_classes = {CONCEPT} | {c for c in parents if _reaches(c, CONCEPT, parents)}
    return Vocabulary(
        defined=frozenset(defined), classes=frozenset(classes), properties=frozenset(properties),
        schemes_of={c: frozenset(s) for c, s in schemes.items()},
        concept_properties=frozenset(p for p, r in ranges.items() if r & concept_classes))


def _reaches(node: str, goal: str, parents: dict[str, set[str]]) -> bool:
    seen, todo = set(), [node]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            todo += parents.get(current, ())
    return False


def scheme_checked_properties(project: Project) -> frozenset[str]:
    """The properties whose values some shape already constrains to concepts or a list (sh:path P with sh:class,
    sh:node or sh:in): the shapes say which scheme, so kg's own check leaves them to the shapes."""
    return _shape_facts(_key(project.shape_files()))[0]


def shape_count(project: Project) -> int:
    """How many shapes have targets: with none, the shapes would check nothing and everything would pass."""
    return _shape_facts(_key(project.shape_files()))[1]


def _key(files: list[Path]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


TARGETS = {SH + n for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}


@lru_cache(maxsize=4)
def _shape_facts(key: tuple) -> tuple[frozenset[str], int]:
    paths: dict = {}
    constrained, targeted = set(), set()
    for path, _mtime, _size in key:
        for t in parse_rdf_file(Path(path)).triples:
            predicate = t.predicate.value
            if predicate == SH + "path" and isinstance(t.object, ox.NamedNode):
                paths[t.subject] = t.object.value
            elif predicate in {SH + "class", SH + "node", SH + "in"}:
                constrained.add(t.subject)
            elif predicate in TARGETS:
                targeted.add(t.subject)
    return frozenset(p for shape, p in paths.items() if shape in constrained), len(targeted)
