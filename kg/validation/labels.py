"""The names validation issues show beside a resource: its rdfs:label in the reader's language, from the data."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..namespaces import RDFS_LABEL
from ..rdf.files import printable


def labels_of(data: Sequence[ox.Triple], language: str) -> dict[str, str]:
    """Subject IRI -> its first rdfs:label in `language` (control characters escaped: labels reach terminals)."""
    labels: dict[str, str] = {}
    for t in data:
        if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal) and t.object.language == language:
            labels.setdefault(t.subject.value, printable(t.object.value))
    return labels
