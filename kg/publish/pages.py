"""The model of one resource page: its labels, properties, links both ways, provenance and charts.

Built from the store for one resource IRI; hrefs are relative to the page's own place in the site, so the page
works wherever the site is copied. Nothing here writes files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox
from markupsafe import Markup

from ..namespaces import JPP, PROV, RDF, RDF_TYPE, RDFS, SKOS, XSD, compact
from ..rdf.terms import natural_key
from . import charts, locations
from .graphview import EDITORIAL, INFERRED, KIND_NAMES, GraphView, Statement
from .indicators import drawn_chart, plan_indicators
from .property_names import MORE_PROPERTY_NAMES
from .tracking import cache_for
from .vocabulary import (
    BORROWED_PROPERTY_NAMES,
    BORROWED_TERM_NAMES,
    EDITORS,
    LEADING_PREDICATES,
    PARENT_BY_INCOMING,
    PARENT_PREDICATES,
    PROVENANCE_PREDICATES,
)


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None           # relative for site pages, absolute for other http(s) IRIs, None: shown as text
    iri: str = ""
    lang: str = ""
    external: bool = False


@dataclass(frozen=True)
class ValueView:
    link: Link | None          # an IRI
    text: str = ""             # a literal
    lang: str = ""
    datatype: str = ""
    kind: str = ""             # "", EDITORIAL or INFERRED


@dataclass
class PropertyRow:
    name: str
    name_en: str
    predicate: Link
    values: list[ValueView] = field(default_factory=list)


@dataclass
class Provenance:
    sources: list[Link]
    seed_notes: list[str]
    locators: list[str]
    by_editors: bool
    editorial_statements: int
    inferred_statements: int
    graphs: list[str]


@dataclass
class ChartView:
    indicator: Link
    svg: Markup | None
    note: str                  # "出典に数値なし" etc.
    file: str | None           # the standalone .svg, relative


@dataclass
class IndicatorGroup:
    """The indicators of one parent on a plan's page: each indicator in one group, drawn or listed."""
    parent: Link | None        # None: the page's own indicators
    charts: list[ChartView]
    without_values: list[Link]


@dataclass
class OutlineNode:
    link: Link
    children: list[OutlineNode] = field(default_factory=list)


@dataclass
class ResourcePage:
    iri: str
    page: str                  # site path of this page, e.g. id/plan/132055/strategy-2.html
    title: str
    title_en: str
    types: list[Link]
    breadcrumb: list[Link]
    properties: list[PropertyRow]
    incoming: list[PropertyRow]
    provenance: Provenance
    charts: list[ChartView]
    outline: list[OutlineNode]
    indicators_without_values: list[Link]
    indicator_groups: list[IndicatorGroup]
    groups: list[tuple[str, list[Link]]]
    concepts: list[tuple[Link, str]]
    rdf_files: dict[str, str]


class PageBuilder:
    """Builds ResourcePage models for one site; the caches of its GraphView are shared by every page."""

    def __init__(self, view: GraphView):
        self.view = view
        self.property_names = cache_for(view, self._property_names, maxsize=4096)   # the same few on every page
        self.indicator_chart = cache_for(view, partial(drawn_chart, view), maxsize=4096)   # on 4 pages, drawn once

    # -- links --------------------------------------------------------------------------------------------

    def link(self, iri: str, from_page: str, *, text: str | None = None) -> Link:
        target = self.view.page_of(iri)
        label = text or self.display_label(iri)
        if target is not None:
            return Link(label, locations.relative_href(from_page, target), iri)
        href = locations.safe_external_href(iri)
        own = iri.startswith(locations.BASE_IRI)
        # Our own IRIs without a page (a version IRI) would only lead back here through w3id: shown as text.
        return Link(label, None if own else href, iri, external=href is not None and not own)

    def display_label(self, iri: str) -> str:
        return self.view.label(iri) or BORROWED_TERM_NAMES.get(iri) or compact(iri)

    def element_label(self, iri: str) -> str:
        """A plan element as the document names it: level name and number, then its title."""
        level = self.view.first_literal(iri, JPP + "levelName") or ""
        number = self.view.first_literal(iri, JPP + "localNumber") or ""
        prefix = f"{level}{number}".strip()
        label = self.display_label(iri)
        return f"{prefix} {label}" if prefix and not label.startswith(prefix) else label

    def _property_names(self, predicate: str) -> tuple[str, str]:
        labels = self.view.labels(predicate)
        ja = (labels.get("ja") or [None])[0]
        en = (labels.get("en") or [None])[0]
        borrowed = BORROWED_PROPERTY_NAMES.get(predicate) or MORE_PROPERTY_NAMES.get(predicate)
        if borrowed:
            ja, en = ja or borrowed[0], en or borrowed[1]
        return ja or compact(predicate), en or ""

    def value(self, statement: Statement, from_page: str, *, of_subject: bool = False) -> ValueView:
        term = statement.subject if of_subject else statement.object
        kind = statement.kind if statement.kind in KIND_NAMES else ""
        if isinstance(term, ox.NamedNode):
            return ValueView(self.link(term.value, from_page), kind=kind)
        if isinstance(term, ox.BlankNode):
            return ValueView(None, text=f"_:{term.value}", kind=kind)
        datatype = term.datatype.value
        shown_type = "" if datatype in (XSD + "string", RDF + "langString") else compact(datatype)
        return ValueView(None, text=term.value, lang=term.language or "", datatype=shown_type, kind=kind)

    # -- the page -----------------------------------------------------------------------------------------

    def build(self, iri: str) -> ResourcePage | None:
        page = self.view.page_of(iri)
        if page is None or "#" in page:
            return None
        about = self.view.about(iri)
        labels = self.view.labels(iri)
        title = self.view.label(iri) or compact(iri)
        title_en = (labels.get("en") or [""])[0]
        # The chips name what the data says a resource is; inferred superclasses are listed (marked) in the table.
        asserted = sorted(s.object.value for s in about if s.predicate.value == RDF_TYPE and s.kind != INFERRED)
        types = [self.link(t, page) for t in asserted]
        stem = page.removesuffix(".html")
        rdf_files = {fmt: locations.relative_href(page, f"{stem}.{fmt}") for fmt in locations.RDF_SUFFIXES}
        chart_views = self.charts(iri, page)
        outline = self.outline(iri, page)
        if len(chart_views) > 1:
            # Indicators without values are listed, not drawn empty; each under its parent, so that two KPIs of one
            # name (出生数 of a goal and of a challenge) are told apart.
            drawn = [c for c in chart_views if c.svg is not None]
            without = [c.indicator for c in chart_views if c.svg is None]
            indicator_groups = self.indicator_groups(iri, chart_views, page, order=_outline_order(outline))
        else:
            drawn, without, indicator_groups = chart_views, [], []
        return ResourcePage(
            iri=iri, page=page, title=title, title_en=title_en if title_en != title else "",
            types=types, breadcrumb=self.breadcrumb(iri, page),
            properties=self.properties(about, page), incoming=self.incoming(iri, page),
            provenance=self.provenance(iri, about, page), charts=drawn, indicators_without_values=without,
            indicator_groups=indicator_groups,
            outline=outline, groups=self.groups(iri, page), concepts=self.concepts(iri, page),
            rdf_files=rdf_files)

    def properties(self, about: tuple[Statement, ...], page: str) -> list[PropertyRow]:
        rows: dict[str, PropertyRow] = {}
        for s in about:
            p = s.predicate.value
            if p in PROVENANCE_PREDICATES:
                continue
            if p not in rows:
                name, name_en = self.property_names(p)
                rows[p] = PropertyRow(name, name_en, self.link(p, page, text=name))
            rows[p].values.append(self.value(s, page))
        lead = {p: i for i, p in enumerate(LEADING_PREDICATES)}
        for row in rows.values():
            row.values.sort(key=_value_order)
        # Labels and kinds first; then the document's own statements; the project's classification; inferred ones.
        return sorted(rows.values(), key=lambda r: (lead.get(r.predicate.iri, len(lead)), _row_kind(r), r.name))

    def incoming(self, iri: str, page: str) -> list[PropertyRow]:
        rows: dict[str, PropertyRow] = {}
        for s in self.view.pointing_to(iri):
            p = s.predicate.value
            if p not in rows:
                name, name_en = self.property_names(p)
                rows[p] = PropertyRow(name, name_en, self.link(p, page, text=name))
            rows[p].values.append(self.value(s, page, of_subject=True))
        for row in rows.values():
            row.values.sort(key=lambda v: (v.kind, natural_key(v.link.iri if v.link else v.text)))
        return sorted(rows.values(), key=lambda r: (_row_kind(r), r.name))

    def provenance(self, iri: str, about: tuple[Statement, ...], page: str) -> Provenance:
        sources = self.view.iris(iri, PROV + "wasDerivedFrom")
        lines = sorted({o.value for o in self.view.objects(iri, JPP + "seedLine") if isinstance(o, ox.Literal)},
                       key=natural_key)
        seed_notes = []
        for source in sources:
            seed_file = self.view.first_literal(source, JPP + "seedFile")
            if seed_file and lines:
                seed_notes.append(f"{seed_file} の第{'・'.join(lines)}行")
            elif seed_file:
                seed_notes.append(seed_file)
        if not seed_notes and lines:
            seed_notes.append(f"第{'・'.join(lines)}行")
        locators = [o.value for o in self.view.objects(iri, JPP + "sourceLocator") if isinstance(o, ox.Literal)]
        graphs = sorted({g for s in about for g in s.graphs})
        return Provenance(
            sources=[self.link(s, page) for s in sorted(sources)], seed_notes=seed_notes, locators=locators,
            by_editors=EDITORS in self.view.iris(iri, PROV + "wasAttributedTo"),
            editorial_statements=sum(1 for s in about if s.kind == EDITORIAL),
            inferred_statements=sum(1 for s in about if s.kind == INFERRED),
            graphs=[compact(g) for g in graphs])

    def breadcrumb(self, iri: str, page: str) -> list[Link]:
        """What the resource belongs to, outermost first: municipality › plan › goal › direction."""
        chain, seen, current = [], {iri}, iri
        for _ in range(12):
            parent = self._parent(current)
            if parent is None or parent in seen:
                break
            seen.add(parent)
            chain.append(parent)
            current = parent
        return [self.link(p, page, text=self.element_label(p)) for p in reversed(chain)]

    def _parent(self, iri: str) -> str | None:
        for predicate in PARENT_PREDICATES:
            found = self.view.iris(iri, predicate)
            if found:
                return sorted(found)[0]
        for s in self.view.pointing_to(iri):
            if s.predicate.value in PARENT_BY_INCOMING and isinstance(s.subject, ox.NamedNode):
                return s.subject.value
        return None

    def charts(self, iri: str, page: str) -> list[ChartView]:
        view = self.view
        if charts.is_indicator(view, iri):
            return [self.chart_view(iri, page)]
        indicators = plan_indicators(view, iri, self._classes) if self.is_plan(iri) else \
            sorted(view.subjects(JPP + "indicatorOf", iri), key=natural_key)
        return [self.chart_view(indicator, page) for indicator in indicators]

    def chart_view(self, indicator: str, page: str) -> ChartView:
        chart, svg = self.indicator_chart(indicator)
        target = self.view.page_of(indicator)
        svg_file = locations.relative_href(page, target.removesuffix(".html") + ".svg") if target and chart else None
        note = ""
        if chart is None:
            no_values = self.view.first_literal(indicator, JPP + "noValuesInSource") == "true"
            note = "出典に数値の記載なし" if no_values else "値の記載なし"
        elif not chart.has_numbers:
            note = "数値で表せる値の記載なし"
        return ChartView(self.link(indicator, page, text=self.element_label(indicator)), svg, note, svg_file)

    def indicator_groups(self, iri: str, chart_views: list[ChartView], page: str, *,
                         order: dict[str, int]) -> list[IndicatorGroup]:
        """The charts of a plan or an element grouped by the indicators' parents: the page's own first, then in
        the plan's order (`order`: the outline's), then the rest as they first appear."""
        groups: dict[str, IndicatorGroup] = {}
        for chart in chart_views:
            parent = self._parent(chart.indicator.iri) or iri
            if parent not in groups:
                link = None if parent == iri else self.link(parent, page, text=self.element_label(parent))
                groups[parent] = IndicatorGroup(link, [], [])
            if chart.svg is not None:
                groups[parent].charts.append(chart)
            else:
                groups[parent].without_values.append(chart.indicator)
        own = groups.pop(iri, None)
        rest = sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
        return ([own] if own else []) + [group for _, group in rest]

    def outline(self, iri: str, page: str) -> list[OutlineNode]:
        """A plan's tree of goals, policies and measures, in the document's order."""
        if not self.is_plan(iri):
            return []
        members = [m for m in self.view.subjects(JPP + "inPlan", iri) if JPP + "PlanElement" in self._classes(m)]
        member_set = set(members)
        children: dict[str | None, list[str]] = {}
        for m in members:
            parents = [p for p in self.view.iris(m, JPP + "partOf") if p in member_set]
            children.setdefault(parents[0] if parents else None, []).append(m)

        def order(m: str):
            seq = self.view.first_literal(m, JPP + "sequence")
            return (int(seq) if seq and seq.isdigit() else 10**6, natural_key(m))

        def node(m: str, depth: int) -> OutlineNode:
            kids = sorted(children.get(m, []), key=order) if depth < 8 else []
            return OutlineNode(self.link(m, page, text=self.element_label(m)), [node(k, depth + 1) for k in kids])

        return [node(m, 0) for m in sorted(children.get(None, []), key=order)]

    def groups(self, iri: str, page: str) -> list[tuple[str, list[Link]]]:
        """Other parts of a plan (viewpoints, guiding statements, challenges …), grouped by their class; a
        municipality's source documents (its plans are in the place section of its page, kg.publish.places)."""
        if JPP + "Municipality" in self.view.types(iri):
            members = self.view.subjects(JPP + "municipality", iri)
            sources = [m for m in members if JPP + "SourceDocument" in self._classes(m)]
            return [("出典文書", [self.link(m, page) for m in sorted(sources, key=natural_key)])] if sources else []
        if not self.is_plan(iri):
            return []
        grouped: dict[str, list[str]] = {}
        for m in self.view.subjects(JPP + "inPlan", iri):
            classes = self._classes(m)
            if JPP + "PlanElement" in classes or classes & set(charts.INDICATOR_CLASSES):
                continue
            asserted = sorted(t for t in self.view.types(m) if t.startswith(JPP))
            if asserted:
                grouped.setdefault(self.display_label(asserted[0]), []).append(m)
        return [(name, [self.link(m, page, text=self.element_label(m)) for m in sorted(ms, key=natural_key)])
                for name, ms in sorted(grouped.items())]

    def concepts(self, iri: str, page: str) -> list[tuple[Link, str]]:
        """A concept scheme's (or collection's) concepts with their definitions."""
        members = self.view.concepts_of(iri)
        if members is None:
            return []
        out = []
        for m in members:
            definitions = {o.language: o.value for o in self.view.objects(m, SKOS + "definition") if isinstance(o, ox.Literal)}
            out.append((self.link(m, page), definitions.get("ja") or definitions.get("en") or ""))
        return out

    def is_plan(self, iri: str) -> bool:
        return JPP + "Plan" in self._classes(iri)

    def _classes(self, iri: str) -> set[str]:
        """Asserted and inferred classes, with their superclasses (so that it works without a closure, too)."""
        found, todo = set(), list(self.view.types(iri))
        while todo:
            c = todo.pop()
            if c in found:
                continue
            found.add(c)
            todo.extend(self.view.iris(c, RDFS + "subClassOf"))
        return found


def _outline_order(nodes: list[OutlineNode]) -> dict[str, int]:
    order, stack = {}, list(reversed(nodes))   # the outline's IRIs in document order (depth first)
    while stack:
        node = stack.pop()
        order.setdefault(node.link.iri, len(order))
        stack.extend(reversed(node.children))
    return order


def _value_order(v: ValueView):
    lang_rank = {"ja": 0, "": 1, "en": 2}.get(v.lang, 3)
    key = v.link.iri if v.link else v.text
    return (v.kind, lang_rank, natural_key(key))


def _row_kind(row: PropertyRow) -> int:
    kinds = {v.kind for v in row.values}
    if kinds == {INFERRED}:
        return 2
    if EDITORIAL in kinds:
        return 1
    return 0

