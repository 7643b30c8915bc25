"""What the cells of one workbook are read against: the vocabulary, the workbook's plan and its sources, and which
IDs are rows. A blank cell means the column's default, and the default depends on these (see Column.defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import JPP
from ..reference import Registry, national_registry
from .ids import path_parent
from .vocabulary import Vocabulary

PROJECT_EDITORS = URIRef(JPP + "ProjectEditors")


@dataclass
class Context:
    vocabulary: Vocabulary
    plan: str | None = None
    plan_sources: list = field(default_factory=list)
    row_iris: set[str] = field(default_factory=set)          # every row of the data sheets
    plan_row_iris: set[str] = field(default_factory=set)     # rows of the plan sheet that are plans
    element_row_iris: set[str] = field(default_factory=set)  # rows of the goals and measures sheets
    registry: Registry | None = None  # the national list of municipalities (None: the bundled one)

    def municipalities(self) -> Registry:
        return self.registry or national_registry()

    def containing_plan(self, row_iri: str | None) -> list:
        """The plan row an ID lies under (the innermost), else the workbook's plan."""
        containing = [p for p in self.plan_row_iris if row_iri and row_iri.startswith(p + "/")]
        if containing:
            return [URIRef(max(containing, key=len))]
        return [URIRef(self.plan)] if self.plan else []

    def sources(self, row_iri: str | None, *, is_plan_row: bool) -> list:
        """The workbook plan's sources, for every row but that plan's own."""
        return [] if is_plan_row and row_iri == self.plan else list(self.plan_sources)

    def path_parent(self, row_iri: str | None, *, elements_only: bool) -> list:
        """The row the ID lies under (`goal-1` for `goal-1/direction-2`), when that is a row."""
        parent = path_parent(row_iri) if row_iri else None
        allowed = self.element_row_iris if elements_only else self.row_iris
        return [URIRef(parent)] if parent and parent in allowed else []

    def editors(self) -> list:
        return [PROJECT_EDITORS]
