"""Terms of ours that nothing defines, and concepts from no scheme.

A class or property misspelled in data (jpp:KPITypo) is targeted by no shape, so the shapes check nothing about it
and the data "conforms". Here every IRI in our term namespaces (the ontology's jpp:, and each SKOS scheme's: vp:,
pd:, u: …; see kg.validation.vocabulary) used as a predicate or a value must be defined by the ontology or a
vocabulary; otherwise it is a violation suggesting the closest defined name. And a value of a property whose range
is skos:Concept must be a concept of some scheme where no shape says which scheme (the shapes check the others).
One pass over the triples with set lookups.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import pyoxigraph as ox

from ..namespaces import RDF_TYPE, compact
from .labels import labels_of
from .report import ValidationIssue
from .vocabulary import Vocabulary, term_namespace

SOURCES = {"undefined": "kg:defined-term", "no-scheme": "kg:concept-in-scheme"}
CONSTRAINTS = {"undefined": "DefinedTerm", "no-scheme": "ConceptInScheme"}
MESSAGES = {
    "undefined": {"ja": "{term} は定義されていません。{suggest}", "en": "{term} is not defined. {suggest}"},
    "did-you-mean": {"ja": "{options} ですか？", "en": "Did you mean {options}?"},
    "or": {"ja": "、", "en": " or "},
    "no-suggestion": {"ja": "オントロジー（ontology/jp-plan.ttl）か語彙（ontology/vocab/）で定義された名前を使ってください。",
                      "en": "Use a name the ontology (ontology/jp-plan.ttl) or a vocabulary (ontology/vocab/) defines."},
    "no-scheme": {
        "ja": "{property} の値 {value} はどの語彙（skos:ConceptScheme）の概念でもありません。語彙の概念を使ってください。",
        "en": "The value {value} of {property} is not a concept of any scheme (skos:ConceptScheme): use a concept of a vocabulary.",
    },
}


def check_terms(data: Sequence[ox.Triple], vocabulary: Vocabulary, *, scheme_checked: frozenset[str], lang: str,
                origin: dict[str, tuple[str, ...]]) -> list[ValidationIssue]:
    language = "ja" if lang == "ja" else "en"
    defined = vocabulary.defined
    found: dict[tuple[str, str, str | None], tuple[str, str]] = {}  # (focus, path, value) -> (kind, term)
    for t in data:
        subject, predicate, value = t.subject.value, t.predicate.value, t.object
        if predicate not in defined and term_namespace(predicate):
            found.setdefault((subject, predicate, None), ("undefined", predicate))
        if not isinstance(value, ox.NamedNode):
            continue
        iri = value.value
        if iri not in defined and term_namespace(iri):
            found.setdefault((subject, predicate, iri), ("undefined", iri))
        elif (predicate in vocabulary.concept_properties and predicate not in scheme_checked
              and not vocabulary.schemes_of.get(iri)):
            found.setdefault((subject, predicate, iri), ("no-scheme", iri))
    if not found:
        return []
    labels = labels_of(data, language)
    issues = []
    for (focus, path, value), (kind, term) in found.items():
        if kind == "undefined":
            is_class = path == RDF_TYPE
            message = MESSAGES["undefined"][language].format(
                term=compact(term), suggest=_suggest(term, vocabulary, is_class=is_class, is_property=value is None,
                                                     language=language))
        else:
            message = MESSAGES["no-scheme"][language].format(property=compact(path), value=compact(term))
        issues.append(ValidationIssue(
            focus_node=focus, focus_label=labels.get(focus), result_path=path, result_path_label=None,
            value=value, source_shape=SOURCES[kind], constraint=CONSTRAINTS[kind], severity="Violation",
            message=message, files=origin.get(focus, ())))
    return issues


def _suggest(term: str, vocabulary: Vocabulary, *, is_class: bool, is_property: bool, language: str) -> str:
    """The defined names of the same namespace and kind closest to the term, closest first."""
    namespace = term_namespace(term) or ""
    pool = vocabulary.classes if is_class else vocabulary.properties if is_property else vocabulary.defined
    names = {iri[len(namespace):]: iri for iri in pool if iri.startswith(namespace) and len(iri) > len(namespace)}
    if not names:
        names = {iri[len(namespace):]: iri for iri in vocabulary.defined if iri.startswith(namespace)}
    local = term[len(namespace):]
    # Compared without case: jpp:kpi is jpp:KPI mistyped, whatever the distance of the letters.
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(name.lower(), []).append(name)
    close = difflib.get_close_matches(local.lower(), list(folded), n=3, cutoff=0.6)
    # Only those nearly as close as the closest: "jpp:endFiscalYear ですか？", not every name sharing "FiscalYear".
    score = {key: difflib.SequenceMatcher(None, local.lower(), key).ratio() for key in close}
    close = [key for key in close if score[key] >= max(score.values()) - 0.1]
    options = [compact(names[name]) for key in close for name in folded[key]][:3]
    if not options:
        return MESSAGES["no-suggestion"][language]
    return MESSAGES["did-you-mean"][language].format(options=MESSAGES["or"][language].join(options))
