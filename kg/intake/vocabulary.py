"""The words a workbook offers in its drop-down lists, read from the ontology and its SKOS schemes.

Nothing here is hard-coded: a concept added to ontology/vocab/*.ttl appears in the next template, and a class's
Japanese label in ontology/jp-plan.ttl is what the 種類 (kind) column shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from ..namespaces import JPP, OWL, RDF_TYPE, RDFS_LABEL, SKOS, VOCAB
from ..project import Project
from ..rdf.files import parse_rdf_file
from .messages import SCHEME_NAMES
from .values import CellProblem, ValueWords, nfkc

OWL_CLASS = OWL + "Class"


@dataclass(frozen=True)
class Term:
    iri: str
    label_ja: str
    label_en: str
    notation: str | None = None
    alt_labels: tuple[str, ...] = ()

    @property
    def local_name(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def names(self) -> list[str]:
        """Everything a clerk may type for this term, best first."""
        names = [self.label_ja, self.label_en, self.local_name, *self.alt_labels]
        if self.notation:
            names.append(self.notation)
        return [n for n in names if n]


@dataclass
class TermList:
    """A scheme's concepts (or a set of classes), in the order the vocabulary file gives them."""
    key: str
    terms: list[Term] = field(default_factory=list)

    def find(self, text: str) -> Term | None:
        wanted = _fold(text)
        for term in self.terms:
            if wanted == _fold(term.iri) or any(wanted == _fold(n) for n in term.names()):
                return term
        return None

    def by_iri(self, iri: str) -> Term | None:
        return next((t for t in self.terms if t.iri == iri), None)

    def labels(self) -> list[str]:
        return [t.label_ja for t in self.terms]


def _fold(text: str) -> str:
    return nfkc(text).strip().casefold()


@dataclass
class Vocabulary:
    schemes: dict[str, TermList]
    classes: TermList

    def scheme(self, key: str) -> TermList:
        return self.schemes[key]

    def concept_iri(self, scheme_key: str, text: str) -> URIRef:
        """The concept of a scheme that a cell names (by label, notation or IRI)."""
        scheme = self.scheme(scheme_key)
        term = scheme.find(text)
        if term is None:
            ja, en = SCHEME_NAMES.get(scheme_key, (scheme_key, scheme_key))
            raise CellProblem("concept.unknown", text=text, scheme=ja, scheme_en=en, known="、".join(scheme.labels()))
        return URIRef(term.iri)

    def class_label(self, local_name: str) -> str:
        """What the 種類 (kind) column shows for a class of the ontology: its Japanese label."""
        term = self.classes.by_iri(JPP + local_name)
        return term.label_ja if term and term.label_ja else local_name

    def value_words(self) -> ValueWords:
        units = {}
        for term in self.schemes["unit"].terms:
            for word in (term.notation, term.label_ja):
                if word and not word.startswith("（"):
                    units[nfkc(word)] = term.iri
        breakdowns = {t.label_ja: t.iri for t in self.schemes["breakdown"].terms}
        qualifiers = {}
        for term in self.schemes["qualifier"].terms:
            qualifiers[term.label_ja] = term.iri
            for alt in term.alt_labels:
                qualifiers[alt] = term.iri
        # Tables abbreviate 延べ as 延; the scheme's label is the long form.
        gross = self.schemes["qualifier"].find("延べ")
        if gross is not None:
            qualifiers.setdefault("延", gross.iri)
        # A target may be a direction without a number (増加, 減少, 現状維持, and their alt labels).
        directions = {word: term.iri for term in self.schemes["target-direction"].terms
                      for word in (term.label_ja, *term.alt_labels) if word} if "target-direction" in self.schemes else {}
        return ValueWords(units=units, breakdowns=breakdowns, qualifiers=qualifiers, directions=directions)


def load_vocabulary(project: Project) -> Vocabulary:
    triples: list[ox.Triple] = []
    for path in project.ontology_files():
        triples += parse_rdf_file(path).triples
    return vocabulary_from_triples(triples)


def vocabulary_from_triples(triples: list[ox.Triple]) -> Vocabulary:
    labels: dict[tuple[str, str], str] = {}
    alt: dict[str, list[str]] = {}
    alt_en: dict[str, str] = {}
    notation: dict[str, str] = {}
    in_scheme: dict[str, list[str]] = {}
    top_order: dict[str, int] = {}
    classes: list[str] = []
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p in (SKOS + "prefLabel", RDFS_LABEL) and isinstance(o, ox.Literal) and o.language in ("ja", "en"):
            labels.setdefault((s.value, o.language), o.value)
        elif p == SKOS + "altLabel" and isinstance(o, ox.Literal) and o.language == "ja":
            alt.setdefault(s.value, []).append(o.value)
        elif p == SKOS + "altLabel" and isinstance(o, ox.Literal) and o.language == "en":
            # The UN's SDGs carry the UN's English prefLabel; ours is an altLabel (ontology/vocab/sdgs.ttl).
            alt_en.setdefault(s.value, o.value)
        elif p == SKOS + "notation" and isinstance(o, ox.Literal):
            notation[s.value] = o.value
        elif p == SKOS + "inScheme" and isinstance(o, ox.NamedNode):
            in_scheme.setdefault(o.value, []).append(s.value)
        elif p == SKOS + "hasTopConcept" and isinstance(o, ox.NamedNode):
            top_order.setdefault(o.value, len(top_order))
        elif p == SKOS + "member" and isinstance(o, ox.NamedNode):  # a collection of concepts of another's scheme
            in_scheme.setdefault(s.value, []).append(o.value)
            top_order.setdefault(o.value, len(top_order))
        elif p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value == OWL_CLASS and s.value.startswith(JPP):
            classes.append(s.value)

    def term(iri: str) -> Term:
        return Term(iri=iri, label_ja=labels.get((iri, "ja"), ""), label_en=labels.get((iri, "en")) or alt_en.get(iri, ""),
                    notation=notation.get(iri), alt_labels=tuple(alt.get(iri, ())))

    schemes = {}
    for scheme_iri, members in in_scheme.items():
        if not scheme_iri.startswith(VOCAB):
            continue
        key = scheme_iri[len(VOCAB):]
        ordered = sorted(dict.fromkeys(members), key=lambda iri: (top_order.get(iri, 10**6), iri))
        schemes[key] = TermList(key=key, terms=[term(iri) for iri in ordered])
    return Vocabulary(schemes=schemes, classes=TermList(key="class", terms=[term(iri) for iri in dict.fromkeys(classes)]))
