"""A row's revision columns (改定での扱い, 対象の改定, 変更前の名称) as a change record, and back.

The workbook keeps them as three cells of the row, where a clerk reads them; the data keeps them as one record per
revision (jpp:Change), so that a resource revised twice never loses which status belongs to which revision:

    <row> jpp:hasChange <row/change-kaitei> ; jpp:inVersion <revision> (added or merged by it) .
    <row/change-kaitei> a jpp:Change ; jpp:revisionStatus rc:new ; jpp:inRevision <revision> ;
        jpp:previousLabel "…"@ja ; prov:wasDerivedFrom <the row's source> ; jpp:seedLine <the row's line> .

fold_change_records makes the records after ingest has read the cells; unfold_change_records turns a record that
says nothing more back into the row's cells before export, so that an exported workbook ingests to the same data.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import JPP, PROV, VOCAB

REVISION_STATUS = URIRef(JPP + "revisionStatus")
IN_REVISION = URIRef(JPP + "inRevision")
PREVIOUS_LABEL = URIRef(JPP + "previousLabel")
HAS_CHANGE = URIRef(JPP + "hasChange")
IN_VERSION = URIRef(JPP + "inVersion")
CHANGE = URIRef(JPP + "Change")
ROW_PREDICATES = (REVISION_STATUS, IN_REVISION, PREVIOUS_LABEL)
PROVENANCE = (URIRef(PROV + "wasDerivedFrom"), URIRef(JPP + "seedLine"))
# A resource the revision added (or made by merging others) is in the revision only; the others are in the
# version before too, which the workbook does not name.
IN_REVISION_ONLY = {URIRef(VOCAB + "revision-change/" + s) for s in ("new", "merged")}


def change_iri(resource: URIRef, revision: URIRef) -> URIRef:
    """<resource>/change-<revision>: one record per resource and revision (revision-kaitei → change-kaitei)."""
    name = str(revision).rstrip("/").rsplit("/", 1)[-1].removeprefix("revision-")
    return URIRef(f"{resource}/change-{name}")


def fold_change_records(facts: Graph) -> Iterator[tuple[tuple, tuple]]:
    """Move the revision cells' statements of each row into its change record, in place. Yields (moved statement,
    the row's statement it came from), so that a problem the shapes find in the record is located at the cell."""
    for resource in sorted({s for p in ROW_PREDICATES for s in facts.subjects(p, None)}):
        revisions = list(facts.objects(resource, IN_REVISION))
        if len(revisions) != 1 or not isinstance(resource, URIRef):
            continue  # left on the row: the shapes say that a status needs its one revision, at the cell
        record = change_iri(resource, revisions[0])
        facts.add((resource, HAS_CHANGE, record))
        facts.add((record, RDF.type, CHANGE))
        for predicate in ROW_PREDICATES:
            for value in list(facts.objects(resource, predicate)):
                facts.remove((resource, predicate, value))
                facts.add((record, predicate, value))
                yield (record, predicate, value), (resource, predicate, value)
        for predicate in PROVENANCE:
            for value in facts.objects(resource, predicate):
                facts.add((record, predicate, value))
        if set(facts.objects(record, REVISION_STATUS)) & IN_REVISION_ONLY:
            facts.add((resource, IN_VERSION, revisions[0]))


def unfold_change_records(facts: Graph) -> None:
    """The inverse of fold_change_records, in place, for each record it could have made; any other record (two
    revisions of one row, a record with more to say) stays as statements for the その他の記述 sheet."""
    for resource, record in sorted(facts.subject_objects(HAS_CHANGE)):
        if len(list(facts.objects(resource, HAS_CHANGE))) != 1:
            continue
        revisions = list(facts.objects(record, IN_REVISION))
        if len(revisions) != 1 or record != change_iri(resource, revisions[0]):
            continue
        said = {(p, o) for _, p, o in facts.triples((record, None, None))}
        expected = {(RDF.type, CHANGE)} | {(p, o) for p in PROVENANCE for o in facts.objects(resource, p)}
        if not expected <= said or any(p not in ROW_PREDICATES for p, o in said - expected):
            continue
        in_revision_only = bool(set(facts.objects(record, REVISION_STATUS)) & IN_REVISION_ONLY)
        if set(facts.objects(resource, IN_VERSION)) != ({revisions[0]} if in_revision_only else set()):
            continue
        facts.remove((resource, HAS_CHANGE, record))
        facts.remove((resource, IN_VERSION, None))
        for predicate, value in said:
            facts.remove((record, predicate, value))
            if predicate in ROW_PREDICATES:
                facts.add((resource, predicate, value))
