"""Writing resource IRIs in a cell, short enough for a clerk: the ID column and every column that refers to a row.

- `goal-1/direction-2`: under the plan of the workbook (the first row of the 計画 sheet);
- `plan/132055/comprehensive-plan-7/measure-2-1`, `source/…`, `municipality/…`: under the project's id/ namespace;
- `vp:dx`, `jpp:ProjectEditors`: a prefixed name (the prefixes of kg.namespaces);
- `https://…` or `<https://…>`: any IRI;  `_:x`: a blank node (the project's own data has none).
"""

from __future__ import annotations

import re

from rdflib import BNode, URIRef

from ..namespaces import ID, PREFIXES
from .values import CellProblem

# The first segments of IRIs under id/ that are not inside a plan (data/README.md, "IRIs").
TOP_SEGMENTS = ("plan", "source", "municipality", "prefecture", "national-government", "dataset")
MUNICIPALITY = ID + "municipality/"

_PATH = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([^\s<>\"{}|\\^`]*)$")
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def resolve_id(text: str, *, plan: str | None) -> URIRef | BNode:
    """The IRI a cell names; raises CellProblem("id.form") for anything else."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if _IRI.match(text):
        return URIRef(text)
    if text.startswith("_:") and re.fullmatch(r"_:[A-Za-z0-9_-]+", text):
        return BNode(text[2:])
    curie = _CURIE.match(text)
    if curie and curie.group(1) in PREFIXES:
        return URIRef(PREFIXES[curie.group(1)] + curie.group(2))
    if _PATH.match(text):
        if text.split("/", 1)[0] in TOP_SEGMENTS:
            return URIRef(ID + text)
        if plan is None:
            raise CellProblem("id.no_plan", text=text)
        return URIRef(plan.rstrip("/") + "/" + text)
    raise CellProblem("id.form", text=text)


def id_text(node, *, plan: str | None) -> str:
    """The shortest cell text that resolve_id reads back as this node."""
    if isinstance(node, BNode):
        return f"_:{node}"
    iri = str(node)
    if plan and iri.startswith(plan.rstrip("/") + "/"):
        rest = iri[len(plan.rstrip("/")) + 1:]
        if _PATH.match(rest) and rest.split("/", 1)[0] not in TOP_SEGMENTS:
            return rest
    if iri.startswith(ID):
        rest = iri[len(ID):]
        if _PATH.match(rest) and rest.split("/", 1)[0] in TOP_SEGMENTS:
            return rest
    for prefix, namespace in PREFIXES.items():
        if not iri.startswith(namespace):
            continue
        local = iri[len(namespace):]
        if prefix == "id" and _PATH.match(local):
            return f"id:{local}"
        if re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return f"{prefix}:{local}"
    return iri


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace):] if iri.startswith(namespace) else None
        if local and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def path_parent(iri: str) -> str | None:
    """`…/goal-1/direction-2` → `…/goal-1`: where a row's ID says it sits in the tree."""
    if "/" not in iri.rstrip("/"):
        return None
    return iri.rstrip("/").rsplit("/", 1)[0]
