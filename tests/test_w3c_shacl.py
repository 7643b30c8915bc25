"""The W3C SHACL Core test suite (tests/w3c-shacl/, vendored from w3c/data-shapes) against kg's own SHACL engine.

Every sht:Validate entry of the core manifests is run through kg.validation.shacl exactly as `kg validate` runs
it (read_shapes, validate_store, report_graph) and the report graph it writes is compared with the expected one:
sh:conforms, and the multiset of results as (focus node, result path, value, source shape, constraint
component, severity). Blank nodes are compared by what they are: a blank node is written as its description
(its triples, recursively), read from the report graph on our side, so the report must carry the description
of every blank-node focus node, value, path and shape it names, as the SHACL report of pySHACL does; on the
expected side from the manifest.

Each entry is in exactly one of three states, and any other outcome fails:
- passes: the report matches;
- REFUSED: the shapes use a feature the engine does not implement; read_shapes raises UnsupportedShapes and
  `kg validate` hands the shapes to pySHACL (kg.validation.set_engine), so pySHACL's answer must be right;
- EXPECTED_FAILURES: the engine runs the shapes and the report differs, for the reason given.
pySHACL validates every entry too, and both engines must agree on sh:conforms wherever both run, except where
pySHACL departs from the expected report (PYSHACL_DEPARTS, each with the reason).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from kg.namespaces import XSD
from kg.rdf.terms import rdflib_graph
from kg.validation.shacl import UnsupportedShapes, read_shapes, report_graph, validate_store
from kg.validation.shacl.engine import conforms as engine_conforms

from conftest import ROOT

SUITE = ROOT / "tests" / "w3c-shacl"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")

# Entries whose shapes the engine refuses (UnsupportedShapes): `kg validate` sends them to pySHACL.
REFUSED: dict[str, str] = {
}

# Entries the engine runs but answers differently from the expected report.
EXPECTED_FAILURES: dict[str, str] = {
}

# Entries where pySHACL's sh:conforms differs from the expected report (and so from ours).
PYSHACL_DEPARTS: dict[str, str] = {
    "core/property/uniqueLang-002": 'pySHACL takes sh:uniqueLang "1"^^xsd:boolean for true; SHACL names only true',
}


@dataclass(frozen=True)
class Entry:
    id: str  # the entry's IRI relative to tests/w3c-shacl/, e.g. core/node/datatype-001
    label: str
    data: Path
    shapes: Path
    manifest: Path
    result: rdflib.term.Node  # the expected report's node in the manifest graph


@cache
def parse(path: Path) -> tuple[ox.Triple, ...]:
    """A Turtle file of the suite as written: relative IRIs against its file: IRI, literals as they are."""
    return tuple(ox.Triple(q.subject, q.predicate, q.object)
                 for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


@cache
def graph(path: Path) -> rdflib.Graph:
    # Through rdflib_graph: rdflib's own parser would normalise lexical forms ("05"^^xsd:integer as "5").
    return rdflib_graph(parse(path))


def local(iri) -> Path:
    """The file a file: IRI of the suite names."""
    return Path(url2pathname(urlparse(str(iri)).path))


def entries() -> list[Entry]:
    out: list[Entry] = []
    pending = [SUITE / "core" / "manifest.ttl"]
    while pending:
        path = pending.pop(0)
        g = graph(path)
        manifest = rdflib.URIRef(path.as_uri())
        pending += [local(i) for i in g.objects(manifest, MF.include)]
        for head in g.objects(manifest, MF.entries):
            for entry in Collection(g, head):
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                action = g.value(entry, MF.action)
                out.append(Entry(
                    id=str(entry).removeprefix(SUITE.as_uri() + "/").removesuffix(".ttl"),
                    label=str(g.value(entry, rdflib.RDFS.label)),
                    data=local(g.value(action, SHT.dataGraph)),
                    shapes=local(g.value(action, SHT.shapesGraph)),
                    manifest=path, result=g.value(entry, MF.result)))
    return sorted(out, key=lambda e: e.id)


ENTRIES = entries()


def describe(g: rdflib.Graph, node, seen: frozenset = frozenset()) -> str:
    """A term as text; a blank node as its description in g ([p o; ...], nested), so that blank nodes of the
    data, the shapes and the expected report compare by what they say rather than by made-up labels."""
    if not isinstance(node, rdflib.BNode):
        return node.n3()
    if node in seen:
        return "[...]"
    inner = sorted(f"{p.n3()} {describe(g, o, seen | {node})}" for p, o in g.predicate_objects(node))
    return "[" + "; ".join(inner) + "]"


def results(g: rdflib.Graph, report) -> Counter:
    out: Counter = Counter()
    for r in g.objects(report, SH.result):
        out[tuple(describe(g, g.value(r, p)) if g.value(r, p) is not None else None for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity))] += 1
    return out


def expected(entry: Entry) -> tuple[bool, Counter]:
    g = graph(entry.manifest)
    return bool(g.value(entry.result, SH.conforms).toPython()), results(g, entry.result)


def ours(entry: Entry) -> tuple[bool, Counter]:
    """Our engine's report graph, read back as the expected one is. UnsupportedShapes when it refuses."""
    model = read_shapes(parse(entry.shapes))
    found = validate_store(parse(entry.data), model)
    g = report_graph(found, model, data=parse(entry.data))
    report = g.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    conforms = g.value(report, SH.conforms).toPython()
    assert conforms == engine_conforms(found)
    return conforms, results(g, report)


def pyshacl_conforms(entry: Entry) -> bool:
    logging.getLogger("pyshacl").setLevel(logging.CRITICAL)
    conforms, _report, _text = pyshacl.validate(
        rdflib_graph(parse(entry.data)), shacl_graph=rdflib_graph(parse(entry.shapes)))
    return conforms


def test_the_suite_is_the_vendored_core_suite():
    assert len(ENTRIES) == 98
    assert set(REFUSED) | set(EXPECTED_FAILURES) | set(PYSHACL_DEPARTS) <= {e.id for e in ENTRIES}
    assert not set(REFUSED) & set(EXPECTED_FAILURES)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # rdflib, reading or-datatypes-001's "none"^^xsd:boolean
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_w3c_shacl_core(entry: Entry):
    want = expected(entry)
    reference = pyshacl_conforms(entry)
    try:
        got = ours(entry)
    except UnsupportedShapes as e:
        assert entry.id in REFUSED, f"the engine refuses {entry.id} unexpectedly: {e}"
        assert reference == want[0], "refused shapes go to pySHACL, which must then answer right"
        return
    assert entry.id not in REFUSED, f"the engine runs {entry.id} though listed as refused: update REFUSED"
    if entry.id in PYSHACL_DEPARTS:
        assert reference != want[0], f"pySHACL answers {entry.id} right now: remove it from PYSHACL_DEPARTS"
    else:
        assert got[0] == reference, "our engine and pySHACL disagree on sh:conforms"
    if entry.id in EXPECTED_FAILURES:
        assert got != want, f"{entry.id} passes now: remove it from EXPECTED_FAILURES"
        return
    assert got[0] == want[0], f"sh:conforms: expected {want[0]}"
    missing, extra = want[1] - got[1], got[1] - want[1]
    assert (dict(missing), dict(extra)) == ({}, {}), "results missing from / extra in our report"


def test_a_literal_keeps_its_datatype_and_lexical_form_through_the_engine():
    """The store rewrites "5"^^xsd:int as "5"^^xsd:integer and "05" as "5": the engine reads the data as written."""
    data = list(ox.parse(f"""@prefix ex: <http://example.org/> . @prefix xsd: <{XSD}> .
        ex:a ex:int "5"^^xsd:int ; ex:int2 "05"^^xsd:integer ; ex:stamp "2020-01-01T00:00:00Z"^^xsd:dateTimeStamp .
        """.encode(), format=ox.RdfFormat.TURTLE))
    shapes = list(ox.parse(f"""@prefix ex: <http://example.org/> . @prefix xsd: <{XSD}> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
          sh:property [ sh:path ex:int ; sh:datatype xsd:int ; sh:hasValue "5"^^xsd:int ; sh:in ("5"^^xsd:int) ] ;
          sh:property [ sh:path ex:int2 ; sh:datatype xsd:integer ; sh:hasValue "05"^^xsd:integer ] ;
          sh:property [ sh:path ex:stamp ; sh:datatype xsd:dateTimeStamp ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:a ;
          sh:property [ sh:path ex:int ; sh:datatype xsd:integer ] ;
          sh:property [ sh:path ex:int2 ; sh:hasValue 5 ] ;
          sh:property [ sh:path ex:stamp ; sh:datatype xsd:dateTime ] .
        """.encode(), format=ox.RdfFormat.TURTLE))
    found = validate_store([ox.Triple(q.subject, q.predicate, q.object) for q in data],
                           read_shapes([ox.Triple(q.subject, q.predicate, q.object) for q in shapes]))
    assert sorted((r.shape.path.term.value.rsplit("/", 1)[-1], r.component, str(r.value)) for r in found) == [
        ("int", "DatatypeConstraintComponent", f'"5"^^<{XSD}int>'),
        ("int2", "HasValueConstraintComponent", "None"),
        ("stamp", "DatatypeConstraintComponent", f'"2020-01-01T00:00:00Z"^^<{XSD}dateTimeStamp>'),
    ]
