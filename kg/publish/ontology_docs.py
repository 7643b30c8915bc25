"""Documentation of the ontology (classes, properties), the SKOS vocabularies and the SHACL shapes.

The ontology and vocabularies are read from the store (they are graphs of the build); the shapes are not part
of the data, so they are read from their files and described from their own triples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import DCTERMS, OWL, RDF_TYPE, RDFS, SH, SKOS, compact, sparql_prefixes
from . import locations
from .graphview import INFERRED, GraphView
from .pages import Link, PageBuilder


@dataclass
class TermDoc:
    anchor: str
    iri: str
    label: str
    label_en: str
    definition: str
    definition_en: str
    kinds: list[str]                                   # owl:ObjectProperty, FunctionalProperty …
    relations: list[tuple[str, list[Link]]]            # (上位クラス, [links]) …


@dataclass
class SchemeDoc:
    link: Link
    label_en: str
    definition: str
    concepts: int


@dataclass
class OntologyDoc:
    title: str
    title_en: str
    description: str
    description_en: str
    version: str
    license: Link | None
    classes: list[TermDoc]
    properties: list[TermDoc]
    individuals: list[TermDoc]
    schemes: list[SchemeDoc]


def _texts(view: GraphView, iri: str, predicate: str) -> dict[str, str]:
    return {o.language or "": o.value for o in view.objects(iri, predicate) if isinstance(o, ox.Literal)}


def ontology_doc(view: GraphView, builder: PageBuilder, *, page: str = "ontology.html") -> OntologyDoc:
    onto = locations.ONTOLOGY_IRI
    terms = sorted(_ontology_terms(view), key=str.lower)
    classes, properties, individuals = [], [], []
    for iri in terms:
        types = view.iris(iri, RDF_TYPE)
        doc = _term_doc(view, builder, iri, page)
        if OWL + "Class" in types or RDFS + "Class" in types:
            classes.append(doc)
        elif any(t in types for t in (OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty")):
            properties.append(doc)
        else:
            individuals.append(doc)
    titles = _texts(view, onto, DCTERMS + "title")
    descriptions = _texts(view, onto, DCTERMS + "description")
    licenses = view.iris(onto, DCTERMS + "license")
    return OntologyDoc(
        title=titles.get("ja", "オントロジー"), title_en=titles.get("en", ""),
        description=descriptions.get("ja", ""), description_en=descriptions.get("en", ""),
        version=view.first_literal(onto, OWL + "versionInfo") or "",
        license=builder.link(licenses[0], page) if licenses else None,
        classes=classes, properties=properties, individuals=individuals, schemes=scheme_docs(view, builder, page))


def _ontology_terms(view: GraphView) -> set[str]:
    """Every term of our namespace that the store describes (each gets an anchor on the ontology page)."""
    # From the subjects the site reads once anyway (a query of its own here scanned every statement: 12 s nationally).
    prefix = locations.ONTOLOGY_IRI + "#"
    return {iri for iri in view.subject_iris() if iri.startswith(prefix)}


def _term_doc(view: GraphView, builder: PageBuilder, iri: str, page: str) -> TermDoc:
    labels, definitions = view.labels(iri), _texts(view, iri, SKOS + "definition") or _texts(view, iri, RDFS + "comment")
    relations = []
    stated = [s for s in view.about(iri) if s.kind != INFERRED]   # what the ontology says, not its closure
    for predicate in (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range", OWL + "inverseOf"):
        targets = [s.object.value for s in stated if s.predicate.value == predicate
                   and isinstance(s.object, ox.NamedNode) and s.object.value != iri]
        if targets:
            relations.append((builder.property_names(predicate)[0], [builder.link(t, page) for t in sorted(targets)]))
    kinds = sorted(compact(t) for t in view.iris(iri, RDF_TYPE))
    anchor = iri.rsplit("#", 1)[-1]
    return TermDoc(anchor=anchor, iri=iri, label=(labels.get("ja") or [""])[0], label_en=(labels.get("en") or [""])[0],
                   definition=definitions.get("ja", ""), definition_en=definitions.get("en", ""), kinds=kinds,
                   relations=relations)


def scheme_docs(view: GraphView, builder: PageBuilder, page: str) -> list[SchemeDoc]:
    found = view.query(sparql_prefixes("skos") + "SELECT ?scheme (COUNT(DISTINCT ?c) AS ?n) WHERE { ?scheme a skos:ConceptScheme "
                       "OPTIONAL { ?c skos:inScheme ?scheme } } GROUP BY ?scheme")
    out = []
    for row in found:
        iri = row["scheme"].value
        definitions = _texts(view, iri, SKOS + "definition")
        out.append(SchemeDoc(builder.link(iri, page), view.label_en(iri) or "", definitions.get("ja", ""), int(row["n"].value)))
    return sorted(out, key=lambda s: s.link.iri)


# -- shapes ---------------------------------------------------------------------------------------------------

@dataclass
class ConstraintDoc:
    anchor: str
    path: str
    path_link: Link | None
    rules: list[str]
    message: str
    message_en: str


@dataclass
class ShapeDoc:
    anchor: str
    iri: str
    targets: list[Link]
    comment: str
    message: str
    message_en: str
    constraints: list[ConstraintDoc] = field(default_factory=list)


_RULES = (("minCount", "最小 {}件"), ("maxCount", "最大 {}件"), ("datatype", "データ型 {}"), ("class", "クラス {}"),
          ("nodeKind", "種別 {}"), ("pattern", "パターン {}"), ("minInclusive", "≥ {}"), ("maxInclusive", "≤ {}"),
          ("minExclusive", "> {}"), ("maxExclusive", "< {}"), ("minLength", "長さ ≥ {}"), ("maxLength", "長さ ≤ {}"),
          ("hasValue", "値 {}"), ("languageIn", "言語 {}"), ("uniqueLang", "言語ごとに1つ: {}"), ("node", "シェイプ {}"))


def shape_docs(triples: list[ox.Triple], view: GraphView, builder: PageBuilder, *, page: str = "shapes.html") -> list[ShapeDoc]:
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)

    def objects(node, predicate):
        return [q.object for q in graph.quads_for_pattern(node, ox.NamedNode(predicate), None, None)]

    def texts(node, predicate):
        return {o.language or "": o.value for o in objects(node, predicate) if isinstance(o, ox.Literal)}

    def term_text(term) -> str:
        if isinstance(term, ox.NamedNode):
            return view.label(term.value) or compact(term.value)
        if isinstance(term, ox.Literal):
            return term.value
        return _list_text(graph, term)

    def anchor_of(node) -> str:
        if isinstance(node, ox.NamedNode):
            found = locations.document_anchor(node.value)
            if found and found[0] == "shapes" and found[1]:
                return found[1]
        return ""

    shapes = []
    node_shapes = {q.subject for q in graph.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "NodeShape"), None)}
    for shape in sorted(node_shapes, key=str):
        targets = [builder.link(o.value, page) for p in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
                   for o in objects(shape, SH + p) if isinstance(o, ox.NamedNode)]
        messages = texts(shape, SH + "message")
        comment = texts(shape, RDFS + "comment")
        doc = ShapeDoc(anchor=anchor_of(shape), iri=shape.value if isinstance(shape, ox.NamedNode) else "",
                       targets=targets, comment=comment.get("ja") or comment.get("en") or comment.get("", ""),
                       message=messages.get("ja", ""), message_en=messages.get("en", ""))
        for prop in sorted(objects(shape, SH + "property"), key=str):
            paths = objects(prop, SH + "path")
            path = paths[0] if paths else None
            rules = []
            for name, template in _RULES:
                for value in objects(prop, SH + name):
                    rules.append(template.format(term_text(value)))
            for value in objects(prop, SH + "in"):
                rules.append("値の候補 " + _list_text(graph, value))
            if objects(prop, SH + "sparql"):
                rules.append("SPARQL制約")
            prop_messages = texts(prop, SH + "message")
            doc.constraints.append(ConstraintDoc(
                anchor=anchor_of(prop),
                path=term_text(path) if path is not None else "",
                path_link=builder.link(path.value, page, text=compact(path.value)) if isinstance(path, ox.NamedNode) else None,
                rules=rules, message=prop_messages.get("ja", ""), message_en=prop_messages.get("en", "")))
        shapes.append(doc)
    return shapes


def _list_text(graph: ox.Store, node) -> str:
    """An RDF list (or a blank-node path) as text: "a, b, c"."""
    items, seen = [], set()
    first, rest = ox.NamedNode(RDF_TYPE.replace("type", "first")), ox.NamedNode(RDF_TYPE.replace("type", "rest"))
    while node is not None and not (isinstance(node, ox.NamedNode) and node.value.endswith("#nil")) and node not in seen:
        seen.add(node)
        values = [q.object for q in graph.quads_for_pattern(node, first, None, None)]
        if not values:
            # A path expression such as [ sh:inversePath p ]: name its operator and operand.
            parts = [f"{compact(q.predicate.value)} {compact(q.object.value) if isinstance(q.object, ox.NamedNode) else '…'}"
                     for q in graph.quads_for_pattern(node, None, None, None)]
            return "; ".join(parts) or "…"
        v = values[0]
        items.append(compact(v.value) if isinstance(v, ox.NamedNode) else v.value)
        nxt = [q.object for q in graph.quads_for_pattern(node, rest, None, None)]
        node = nxt[0] if nxt else None
    return ", ".join(items)


def shape_anchors(docs: list[ShapeDoc]) -> set[str]:
    """The anchors of the shapes page: its node shapes and their named property shapes."""
    return {d.anchor for d in docs if d.anchor} | {c.anchor for d in docs for c in d.constraints if c.anchor}
