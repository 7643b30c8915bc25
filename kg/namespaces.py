"""The one namespace table: every IRI prefix kg writes, reads or prints, and the project's own IRIs.

The CLI's tables, query results, the published pages and dumps, intake's cells and Turtle, the SPARQL service
description and the benchmark's generator all take their prefixes from here, so a prefix cannot be missing in one
place and present in another. The project's base IRI is written once, below; every other IRI of ours is built on it.
"""

from __future__ import annotations

BASE_IRI = "https://w3id.org/jp-plan-kg/"

JPP = BASE_IRI + "ontology#"          # the ontology's classes and properties
JPPS = BASE_IRI + "shapes#"           # the SHACL shapes
ID = BASE_IRI + "id/"                 # instances: municipalities, plans and their elements, sources
VOCAB = BASE_IRI + "vocab/"           # the SKOS schemes (one folder per scheme)
GRAPH = BASE_IRI + "graph/"           # one named graph per file, inferred graphs under graph/inferred

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
VANN = "http://purl.org/vocab/vann/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SDG = "http://metadata.un.org/sdg/"
QB = "http://purl.org/linked-data/cube#"             # the W3C Data Cube vocabulary (kg.publish.cube)
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

# Prefix -> namespace. Ours first, then the vocabularies we reuse. One prefix per SKOS scheme folder (vocab/<name>/).
PREFIXES: dict[str, str] = {
    "jpp": JPP,
    "jpps": JPPS,
    "id": ID,
    "graph": GRAPH,
    "vp": VOCAB + "viewpoint/",
    "pd": VOCAB + "policy-domain/",
    "nd": VOCAB + "national-direction/",
    "u": VOCAB + "unit/",
    "q": VOCAB + "qualifier/",
    "td": VOCAB + "target-direction/",
    "pol": VOCAB + "polarity/",
    "bd": VOCAB + "breakdown/",
    "ps": VOCAB + "plan-status/",
    "cm": VOCAB + "completeness/",
    "rc": VOCAB + "revision-change/",
    "mk": VOCAB + "municipality-kind/",
    "vk": VOCAB + "value-kind/",
    "cbd": VOCAB + "cube-breakdown/",
    "sdg": SDG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "schema": SCHEMA,
    "foaf": FOAF,
    "vann": VANN,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "sd": SD,
    "formats": FORMATS,
    "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE,
}

# Prefixes whose local names are paths (id:plan/132055/…, graph:classification/…). Oxigraph's Turtle writer escapes
# the "/" in a local name ("id:plan\/132055"): valid, but hard to read, so Turtle and TriG written by kg leave these
# out and write such IRIs in full. Tables and pages, which print prefixed names themselves, keep them.
PATH_PREFIXES = ("id", "graph")
TURTLE_PREFIXES: dict[str, str] = {p: ns for p, ns in PREFIXES.items() if p not in PATH_PREFIXES}

# Longest namespace first: where one namespace begins with another, the longer one names the IRI.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def compact(iri: str) -> str:
    """`prefix:local` where a namespace of the table fits (and leaves a local name), else the IRI unchanged."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def expand(text: str) -> str:
    """The IRI a prefixed name of the table stands for; `<iri>` or anything else is returned without brackets."""
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text.strip("<>")


def sparql_prefixes(*names: str) -> str:
    """PREFIX declarations for query text, one line each (all of the table when no name is given)."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in (names or PREFIXES))


def turtle_prefixes(*names: str) -> str:
    """@prefix declarations for Turtle, one line each."""
    return "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in names)
