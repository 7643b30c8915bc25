"""Every prefecture and municipality the graph knows, with the plans of each: the index behind the home page's list,
the coverage page and the place section of a municipality's or a prefecture's page.

The national reference data makes 47 prefectures and 1,741 municipalities; the index reads them in one query per kind
(and one for the plans), so that the 1,788 pages it feeds cost no query each. Names are the graph's own labels,
never a second list: a municipality is shown as the graph names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import JPP, RDFS_LABEL, sparql_prefixes
from ..rdf.terms import natural_key
from . import locations
from .graphview import GraphView
from .pages import Link, PageBuilder

PREFIXES = sparql_prefixes("jpp", "rdfs")
# What a place page shows, by property; one query per kind fetches exactly these.
MUNICIPALITY_PROPERTIES = (RDFS_LABEL, JPP + "nameKana", JPP + "localGovernmentCode", JPP + "prefecture",
                           JPP + "municipalityKind", JPP + "eStatArea")
PREFECTURE_PROPERTIES = (RDFS_LABEL, JPP + "nameKana", JPP + "prefectureCode")
# The order in which a label's language names a place (as GraphView.label: Japanese first).
LANGUAGE_ORDER = ("ja", "", "en")


@dataclass(frozen=True)
class Place:
    iri: str
    code: str                  # 132012 for a municipality, 13 for a prefecture
    name: str                  # the graph's rdfs:label (Japanese first); "" if it has none
    kana: str
    kind: str = ""             # a municipality's kind (an IRI of the scheme vocab/municipality-kind), or ""
    prefecture: str = ""       # a municipality's prefecture (IRI), or ""
    e_stat: str = ""           # a municipality's e-Stat area IRI, or ""


@dataclass(frozen=True)
class Coverage:
    prefecture: Place
    municipalities: int
    with_plans: int


@dataclass
class PlaceIndex:
    municipalities: dict[str, Place]          # by IRI, in code order
    prefectures: dict[str, Place]             # by IRI, in code order
    plans: dict[str, tuple[str, ...]]         # municipality IRI -> its plans (also for one the graph does not type)
    _members: dict[str, list[Place]] = field(default_factory=dict)

    def __post_init__(self):
        for m in self.municipalities.values():
            self._members.setdefault(m.prefecture, []).append(m)

    def plans_of(self, municipality: str) -> tuple[str, ...]:
        return self.plans.get(municipality, ())

    def in_prefecture(self, prefecture: str) -> list[Place]:
        return list(self._members.get(prefecture, []))

    def with_plans(self) -> list[str]:
        """Every municipality with a plan in the graph, in code order — typed as a municipality or not, so that a
        plan whose municipality the reference data lacks is still listed (by its IRI) rather than hidden."""
        def code(iri: str) -> str:
            return self.municipalities[iri].code if iri in self.municipalities else _code_of(iri)

        return sorted(self.plans, key=lambda iri: (natural_key(code(iri)), iri))

    def coverage(self) -> list[Coverage]:
        """For each prefecture in code order: its municipalities and how many of them have plans."""
        return [Coverage(p, len(members), sum(1 for m in members if m.iri in self.plans))
                for p in self.prefectures.values() for members in [self.in_prefecture(p.iri)]]

    def national(self) -> tuple[int, int]:
        """(municipalities with plans, municipalities) in the whole graph."""
        return sum(1 for m in self.municipalities if m in self.plans), len(self.municipalities)


def place_index(view: GraphView) -> PlaceIndex:
    """The index from three queries: municipalities, prefectures, plans."""
    municipalities = {iri: _place(iri, values, "localGovernmentCode")
                      for iri, values in _properties(view, "jpp:Municipality", MUNICIPALITY_PROPERTIES).items()}
    prefectures = {iri: _place(iri, values, "prefectureCode")
                   for iri, values in _properties(view, "jpp:Prefecture", PREFECTURE_PROPERTIES).items()}
    answer = view.query(PREFIXES + """SELECT DISTINCT ?plan ?m WHERE {
        ?plan jpp:municipality ?m ; a/rdfs:subClassOf* jpp:Plan }""")
    plans: dict[str, list[str]] = {}
    for row in answer:
        if isinstance(row["plan"], ox.NamedNode) and isinstance(row["m"], ox.NamedNode):
            plans.setdefault(row["m"].value, []).append(row["plan"].value)
    return PlaceIndex(municipalities=_in_code_order(municipalities), prefectures=_in_code_order(prefectures),
                      plans={m: tuple(sorted(ps, key=natural_key)) for m, ps in plans.items()})


def _properties(view: GraphView, cls: str, properties: tuple[str, ...]) -> dict[str, dict[str, list[ox.Term]]]:
    """IRI -> property -> values, for every resource of the class (one query for all of them)."""
    # FILTER IN rather than VALUES: Oxigraph evaluates it in a third of the time here.
    wanted = ", ".join(f"<{p}>" for p in properties)
    answer = view.query(PREFIXES + f"SELECT ?s ?p ?o WHERE {{ ?s a {cls} ; ?p ?o FILTER(?p IN ({wanted})) }}")
    found: dict[str, dict[str, list]] = {}
    for row in answer:
        if isinstance(row["s"], ox.NamedNode):
            found.setdefault(row["s"].value, {}).setdefault(row["p"].value, []).append(row["o"])
    return found


def _place(iri: str, values: dict[str, list], code_property: str) -> Place:
    def literal(predicate: str) -> str:
        found = sorted(o.value for o in values.get(predicate, ()) if isinstance(o, ox.Literal))
        return found[0] if found else ""

    def named(predicate: str) -> str:
        found = sorted(o.value for o in values.get(predicate, ()) if isinstance(o, ox.NamedNode))
        return found[0] if found else ""

    labels = [o for o in values.get(RDFS_LABEL, ()) if isinstance(o, ox.Literal)]
    labels.sort(key=lambda o: (LANGUAGE_ORDER.index(o.language or "") if (o.language or "") in LANGUAGE_ORDER
                               else len(LANGUAGE_ORDER), o.value))
    return Place(iri=iri, code=literal(JPP + code_property) or _code_of(iri), name=labels[0].value if labels else "",
                 kana=literal(JPP + "nameKana"), kind=named(JPP + "municipalityKind"),
                 prefecture=named(JPP + "prefecture"), e_stat=named(JPP + "eStatArea"))


def _code_of(iri: str) -> str:
    """The last segment of a place's IRI (id/municipality/132012 → 132012): its code where the graph states none."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _in_code_order(places: dict[str, Place]) -> dict[str, Place]:
    return {p.iri: p for p in sorted(places.values(), key=lambda p: (natural_key(p.code), p.iri))}


# -- the place section of a page --------------------------------------------------------------------------------------

@dataclass
class MemberRow:
    link: Link
    code: str
    kind: str
    plans: int


@dataclass
class PlaceView:
    is_prefecture: bool
    name: str
    kana: str
    code: str
    prefecture: Link | None = None
    kind: Link | None = None
    e_stat: Link | None = None
    plans: list[Link] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)   # a prefecture's municipalities
    with_plans: int = 0                                       # a prefecture's municipalities with plans


def place_view(index: PlaceIndex, builder: PageBuilder, iri: str, page: str) -> PlaceView | None:
    """What a municipality's or a prefecture's page says about it as a place; None for any other resource."""
    if iri in index.municipalities:
        m = index.municipalities[iri]
        e_stat = locations.safe_external_href(m.e_stat) if m.e_stat else None
        return PlaceView(
            is_prefecture=False, name=m.name or builder.display_label(iri), kana=m.kana, code=m.code,
            prefecture=builder.link(m.prefecture, page, text=_name(index, builder, m.prefecture)) if m.prefecture else None,
            kind=builder.link(m.kind, page) if m.kind else None,
            e_stat=Link(m.e_stat, e_stat, m.e_stat, external=True) if e_stat else None,
            plans=[builder.link(p, page) for p in index.plans_of(iri)])
    if iri in index.prefectures:
        p = index.prefectures[iri]
        members = [MemberRow(builder.link(m.iri, page, text=m.name or None), m.code,
                             builder.display_label(m.kind) if m.kind else "", len(index.plans_of(m.iri)))
                   for m in index.in_prefecture(iri)]
        return PlaceView(is_prefecture=True, name=p.name or builder.display_label(iri), kana=p.kana, code=p.code,
                         members=members, with_plans=sum(1 for r in members if r.plans))
    return None


def _name(index: PlaceIndex, builder: PageBuilder, iri: str) -> str:
    place = index.prefectures.get(iri) or index.municipalities.get(iri)
    return place.name if place and place.name else builder.display_label(iri)
