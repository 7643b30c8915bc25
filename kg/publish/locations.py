"""Where each resource lives in the published site, and how pages link to each other.

Canonical IRIs never change (https://w3id.org/jp-plan-kg/id/...); only the files that describe them have a place
in the site. Pages link with relative paths so that a copy of the site works from any folder or host.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from ..namespaces import BASE_IRI

ONTOLOGY_IRI = BASE_IRI + "ontology"
SHAPES_IRI = BASE_IRI + "shapes"
DATASET_IRI = BASE_IRI + "dataset"
CATALOG_IRI = BASE_IRI + "catalog"

# Resource IRIs that get a page of their own: the data (id/) and the shared vocabularies (vocab/).
PAGE_SPACES = ("id/", "vocab/")
# Described resources outside our namespace (the UN's SDG IRIs in our SDG scheme) get a page under this folder.
EXTERNAL_FOLDER = "external/"
RDF_SUFFIXES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}

# A path segment that can be a file name on any host and needs no escaping in a URL or a server rule:
# no dots (so "x.html" can never be a resource), no "%", no spaces.
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_~-]+$")


def own_page_path(iri: str) -> str | None:
    """The page (without suffix) of a resource in our namespace, e.g. "id/plan/132055/strategy-2"; None if it has none."""
    if not iri.startswith(BASE_IRI):
        return None
    local = iri[len(BASE_IRI):]
    if not local.startswith(PAGE_SPACES):
        return None
    return local if _safe_path(local) else None


def external_page_path(iri: str) -> str | None:
    """The page of a resource outside our namespace that our vocabularies describe (an SDG), or None."""
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment or not parts.hostname:
        return None
    local = parts.hostname + parts.path.rstrip("/")
    if not _safe_path(local.replace(".", "-")):
        return None
    return EXTERNAL_FOLDER + local.replace(".", "-")


def _safe_path(local: str) -> bool:
    segments = local.split("/")
    return all(_SAFE_SEGMENT.match(s) for s in segments)


def document_anchor(iri: str) -> tuple[str, str] | None:
    """Terms of the ontology and the shapes live on one page each, as anchors: (page, anchor)."""
    for document, page in ((ONTOLOGY_IRI, "ontology"), (SHAPES_IRI, "shapes")):
        if iri == document:
            return page, ""
        if iri.startswith(document + "#"):
            anchor = iri[len(document) + 1:]
            return (page, anchor) if _SAFE_SEGMENT.match(anchor) else None
    return None


def anchor_id(text: str) -> str:
    """An HTML id for any term (used for anchors of terms without a page of their own)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def relative_href(from_page: str, to_file: str) -> str:
    """A relative URL from one site file to another (both site paths, e.g. "id/a/b.html" → "../c.html")."""
    return _relative_href(from_page.rpartition("/")[0], to_file)


@lru_cache(maxsize=65536)
def _relative_href(from_folder: str, to_file: str) -> str:
    # Plain string work on site paths (posixpath.relpath would consult the current directory for every link); the
    # pages of one folder link to the same predicates, places and kinds, so each answer is worked out once.
    source = from_folder.split("/") if from_folder else []
    target, _, anchor = to_file.partition("#")
    parts = target.split("/")
    common = 0
    while common < len(source) and common < len(parts) - 1 and source[common] == parts[common]:
        common += 1
    rel = "/".join([".."] * (len(source) - common) + parts[common:])
    return quote(rel + (f"#{anchor}" if anchor else ""), safe="/#-_.~")


def root_prefix(from_page: str) -> str:
    """The relative path from a page to the site root ("" or "../../")."""
    depth = from_page.count("/")
    return "../" * depth


def safe_external_href(iri: str) -> str | None:
    """Only http(s) IRIs become links; any other scheme (javascript:, data:, file: …) is shown as text."""
    parts = urlsplit(iri)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return iri
    return None


def resource_for_path(path: str) -> tuple[str, str] | None:
    """The resource IRI and the suffix a site path stands for ("id/plan/1/a.ttl" → (IRI, "ttl")); None for any
    other path. The inverse of own_page_path, for a server that answers requests from the store."""
    path = path.lstrip("/")
    stem, dot, suffix = path.rpartition(".")
    if not dot or suffix not in ("html", "svg", *RDF_SUFFIXES):
        stem, suffix = path, ""
    if not stem.startswith(PAGE_SPACES) or not _safe_path(stem):
        return None
    return BASE_IRI + stem, suffix
