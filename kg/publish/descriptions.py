"""VoID and DCAT descriptions of the dataset and its distributions.

The dataset's identity is stable (https://w3id.org/jp-plan-kg/dataset); where its files can be downloaded
depends on where the site is hosted (--base-iri). Triple counts and byte sizes are those of the files written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox

from ..namespaces import DCAT, DCTERMS, FOAF, RDF_TYPE, RDFS, TURTLE_PREFIXES, VOID, XSD
from . import locations
from .dumps import CUBE_DESCRIPTION, CUBE_TITLE, CUBE_TITLE_EN, Dump, DumpSet
from .vocabulary import EDITORS

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
TITLE = {"ja": "自治体計画ナレッジグラフ", "en": "JP Plan KG: Japanese municipal plans"}
DESCRIPTION = {
    "ja": "自治体の総合計画・総合戦略（目標、施策、KPIの現状値と目標値、共通する視点）を、出典文書の行までの来歴とともに記述したリンクトオープンデータ。"
          "文書の記載、本プロジェクトによる分類、推論したトリプルを区別しています。",
    "en": "Japanese municipalities' comprehensive plans and revitalisation strategies (goals, measures, KPIs with baselines "
          "and targets, cross-cutting viewpoints) as linked open data, with provenance to the line of the source text. "
          "Source facts, the project's editorial classification and inferred triples are kept apart.",
}
KEYWORDS = ("総合計画", "総合戦略", "地方創生", "デジタル田園都市国家構想", "KPI", "municipal plans", "linked open data")
IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
DATA_CUBE_RECOMMENDATION = "http://www.w3.org/TR/vocab-data-cube/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def subset_iri(key: str) -> str:
    return locations.DATASET_IRI if key == "all" else f"{locations.DATASET_IRI}/{key}"


def distribution_iri(file: str) -> str:
    return f"{locations.DATASET_IRI}/distribution/{file.rsplit('/', 1)[-1]}"


def xsd_datetime(built: str | None) -> ox.Literal | None:
    """The build's time (manifest "built", e.g. 2026-11-23T19:29:46+0000) as xsd:dateTime."""
    if not built:
        return None
    try:
        return _lit(datetime.strptime(built, "%Y-%m-%dT%H:%M:%S%z").isoformat(), XSD + "dateTime")
    except ValueError:
        return None


def _dataset_common(triples: list, subject: ox.NamedNode, *, modified: ox.Literal | None, issued: ox.Literal | None) -> None:
    add = lambda p, o: triples.append(ox.Triple(subject, _n(p), o))  # noqa: E731
    for lang, text in TITLE.items():
        add(DCTERMS + "title", _lit(text, lang=lang))
    for lang, text in DESCRIPTION.items():
        add(DCTERMS + "description", _lit(text, lang=lang))
    add(DCTERMS + "license", _n(CC_BY))
    add(DCTERMS + "publisher", _n(EDITORS))
    if modified is not None:
        add(DCTERMS + "modified", modified)
    if issued is not None:
        add(DCTERMS + "issued", issued)


@dataclass(frozen=True)
class Publication:
    """Where and when the site is published: what VoID and DCAT say beside the dumps' own counts."""

    base: str                                # where the site is hosted (--base-iri)
    sparql_endpoint: str | None = None
    modified: ox.Literal | None = None       # the build's time
    issued: ox.Literal | None = None         # the ontology's creation date


def void_description(dumps: DumpSet, publication: Publication, *,
                     example_resources: list[str] = ()) -> list[ox.Triple]:
    """The dataset's VoID description: its counts (`dumps.counts`), subsets and files."""
    stats = dumps.counts
    base, sparql_endpoint = publication.base, publication.sparql_endpoint
    modified, issued = publication.modified, publication.issued
    t: list[ox.Triple] = []
    dataset = _n(locations.DATASET_IRI)
    add = lambda s, p, o: t.append(ox.Triple(s, _n(p), o))  # noqa: E731
    add(dataset, RDF_TYPE, _n(VOID + "Dataset"))
    _dataset_common(t, dataset, modified=modified, issued=issued)
    add(dataset, FOAF + "homepage", _n(base))
    add(dataset, VOID + "uriSpace", _lit(locations.BASE_IRI + "id/"))
    add(dataset, VOID + "rootResource", _n(locations.ONTOLOGY_IRI))
    for iri in example_resources:
        add(dataset, VOID + "exampleResource", _n(iri))
    if sparql_endpoint:
        add(dataset, VOID + "sparqlEndpoint", _n(sparql_endpoint))
    for name in ("entities", "distinctSubjects", "distinctObjects", "properties", "classes"):
        add(dataset, VOID + name, _lit(stats[name], XSD + "integer"))
    for namespace in stats["vocabularies"]:
        add(dataset, VOID + "vocabulary", _n(namespace))
    for entry in dumps.subsets:
        node = _n(subset_iri(entry.subset.key))
        if entry.subset.key != "all":
            add(dataset, VOID + "subset", node)
            add(node, RDF_TYPE, _n(VOID + "Dataset"))
            add(node, DCTERMS + "title", _lit(entry.subset.title, lang="ja"))
            add(node, DCTERMS + "title", _lit(entry.subset.title_en, lang="en"))
            add(node, DCTERMS + "description", _lit(entry.subset.description, lang="ja"))
            add(node, DCTERMS + "license", _n(CC_BY))
        add(node, VOID + "triples", _lit(entry.triples, XSD + "integer"))
        for dump in entry.dumps:
            add(node, VOID + "dataDump", _n(base + dump.file))
        for key in sorted({d.format.w3c_format for d in entry.dumps}):
            add(node, VOID + "feature", _n(W3C_FORMATS + key))
    for cls, count in stats["class_partitions"]:
        part = _partition("class", cls)
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", _n(cls))
        add(part, VOID + "entities", _lit(count, XSD + "integer"))
    for prop, count in stats["property_partitions"]:
        part = _partition("property", prop)
        add(dataset, VOID + "propertyPartition", part)
        add(part, VOID + "property", _n(prop))
        add(part, VOID + "triples", _lit(count, XSD + "integer"))
    return t


def _partition(kind: str, iri: str) -> ox.BlankNode:
    """A partition's node, named after what it partitions by: the same VoID file from one publish to the next (a
    fresh blank node each time would make an unchanged site's VoID differ)."""
    return ox.BlankNode(f"{kind}-{hashlib.sha256(iri.encode('utf-8')).hexdigest()[:24]}")


def dcat_description(dumps: DumpSet, publication: Publication) -> list[ox.Triple]:
    base, sparql_endpoint = publication.base, publication.sparql_endpoint
    modified, issued = publication.modified, publication.issued
    t: list[ox.Triple] = []
    add = lambda s, p, o: t.append(ox.Triple(s, _n(p), o))  # noqa: E731
    catalog, dataset = _n(locations.CATALOG_IRI), _n(locations.DATASET_IRI)
    add(catalog, RDF_TYPE, _n(DCAT + "Catalog"))
    _dataset_common(t, catalog, modified=modified, issued=issued)
    add(catalog, FOAF + "homepage", _n(base))
    add(catalog, DCAT + "dataset", dataset)
    add(dataset, RDF_TYPE, _n(DCAT + "Dataset"))
    _dataset_common(t, dataset, modified=modified, issued=issued)
    add(dataset, DCAT + "landingPage", _n(base + "index.html"))
    add(dataset, DCTERMS + "language", _n("http://id.loc.gov/vocabulary/iso639-1/ja"))
    add(dataset, DCTERMS + "conformsTo", _n(locations.ONTOLOGY_IRI))
    for word in KEYWORDS:
        add(dataset, DCAT + "keyword", _lit(word, lang="en" if word.isascii() else "ja"))
    add(_n(EDITORS), RDF_TYPE, _n(FOAF + "Organization"))
    add(_n(EDITORS), FOAF + "name", _lit("JP Plan KG editors", lang="en"))
    add(_n(EDITORS), RDFS + "label", _lit("自治体計画ナレッジグラフ編集者", lang="ja"))
    def distribution(dump: Dump, title: str, title_en: str, description: str) -> ox.NamedNode:
        dist = _n(distribution_iri(dump.file))
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF_TYPE, _n(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", _lit(f"{title}（{dump.format.name}）", lang="ja"))
        add(dist, DCTERMS + "title", _lit(f"{title_en} ({dump.format.name.split('（')[0].split(' (')[0]})", lang="en"))
        unit = "quads" if dump.format.quads else "triples"
        add(dist, DCTERMS + "description", _lit(f"{dump.statements} {unit}; {description}", lang="ja"))
        add(dist, DCAT + "downloadURL", _n(base + dump.file))
        add(dist, DCAT + "accessURL", _n(base + "data.html"))
        add(dist, DCAT + "mediaType", _n(IANA + dump.format.media_type))
        add(dist, DCTERMS + "format", _n(EU_FILE_TYPE + dump.format.eu_file_type))
        if dump.format.gzip:
            add(dist, DCAT + "compressFormat", _n(IANA + "application/gzip"))
        add(dist, DCAT + "byteSize", _lit(dump.bytes, XSD + "nonNegativeInteger"))
        add(dist, DCTERMS + "license", _n(CC_BY))
        if modified is not None:
            add(dist, DCTERMS + "modified", modified)
        add(dist, DCTERMS + "conformsTo", _n(locations.ONTOLOGY_IRI))
        return dist

    for entry in dumps.subsets:
        for dump in entry.dumps:
            distribution(dump, entry.subset.title, entry.subset.title_en, entry.subset.description)
    if dumps.cube is not None:
        cube = distribution(dumps.cube, CUBE_TITLE, CUBE_TITLE_EN,
                            f"{dumps.observations} observations; {CUBE_DESCRIPTION}")
        add(cube, DCTERMS + "conformsTo", _n(DATA_CUBE_RECOMMENDATION))
    if sparql_endpoint:
        service = _n(locations.DATASET_IRI + "/sparql")
        add(catalog, DCAT + "service", service)
        add(service, RDF_TYPE, _n(DCAT + "DataService"))
        add(service, DCTERMS + "title", _lit("SPARQLエンドポイント", lang="ja"))
        add(service, DCTERMS + "title", _lit("SPARQL endpoint", lang="en"))
        add(service, DCAT + "endpointURL", _n(sparql_endpoint))
        add(service, DCAT + "servesDataset", dataset)
        add(service, DCTERMS + "conformsTo", _n(SPARQL_PROTOCOL))
        add(service, DCTERMS + "license", _n(CC_BY))
        add(dataset, DCAT + "distribution", _n(distribution_iri("sparql")))
        dist = _n(distribution_iri("sparql"))
        add(dist, RDF_TYPE, _n(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", _lit("SPARQL endpoint", lang="en"))
        add(dist, DCAT + "accessURL", _n(sparql_endpoint))
        add(dist, DCAT + "accessService", service)
        add(dist, DCTERMS + "license", _n(CC_BY))
    return t


def turtle(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)

