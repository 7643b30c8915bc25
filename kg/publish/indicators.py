"""A plan's indicators and an indicator's drawn chart, from GraphView's lookups (so that a tracked view notes what
they read, kg.publish.tracking)."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..namespaces import JPP
from ..rdf.terms import natural_key
from . import charts
from .graphview import GraphView


def plan_indicators(view: GraphView, plan: str, classes: Callable[[str], set[str]]) -> list[str]:
    """What kg.publish.charts.plan_indicators finds (stated in the plan or attached to one of its elements, of any
    subclass of jpp:Indicator; `classes` gives a resource's classes with their superclasses), without its query:
    it took a national site 15 ms a plan, and what it read could not be told."""
    found = set()
    for member in view.subjects(JPP + "inPlan", plan):
        found.add(member)
        found.update(view.subjects(JPP + "indicatorOf", member))
    return sorted((i for i in found if JPP + "Indicator" in classes(i)), key=natural_key)


def drawn_chart(view: GraphView, indicator: str) -> tuple[charts.IndicatorChart | None, Markup | None]:
    chart = charts.indicator_chart(view, indicator)
    return chart, (charts.render_svg(chart) if chart else None)
