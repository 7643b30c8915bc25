"""The coverage page: for each prefecture, how many of its municipalities have plans in the graph out of how many it
has, as a table and as a bar chart drawn like the KPI charts (static SVG, its numbers in words for screen readers).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .charts import FONT, text_width
from .pages import Link, PageBuilder
from .places import PlaceIndex
from .templating import environment

ROW_HEIGHT = 22
BAR_HEIGHT = 14
BAR_WIDTH = 360
PAD = 8
TRACK_COLOUR = "#d5dde6"       # a prefecture's municipalities
FILL_COLOUR = "#1f6f8b"        # those with plans (the KPI charts' target colour)


@dataclass(frozen=True)
class CoverageRow:
    link: Link
    code: str
    municipalities: int
    with_plans: int

    @property
    def percent(self) -> str:
        return percent(self.with_plans, self.municipalities)


@dataclass(frozen=True)
class CoverageView:
    rows: list[CoverageRow]
    with_plans: int
    municipalities: int
    svg: Markup

    @property
    def percent(self) -> str:
        return percent(self.with_plans, self.municipalities)

    @property
    def prefectures_with_plans(self) -> int:
        return sum(1 for r in self.rows if r.with_plans)


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def coverage_view(index: PlaceIndex, builder: PageBuilder, *, page: str = "coverage.html") -> CoverageView:
    rows = [CoverageRow(builder.link(c.prefecture.iri, page, text=c.prefecture.name or None), c.prefecture.code,
                        c.municipalities, c.with_plans) for c in index.coverage()]
    with_plans, municipalities = index.national()
    return CoverageView(rows, with_plans, municipalities, render_svg(rows, with_plans, municipalities))


def summary(rows: list[CoverageRow], with_plans: int, municipalities: int) -> str:
    """What the chart shows, in words: the national total and every prefecture's count."""
    counts = "、".join(f"{r.link.text} {r.with_plans}/{r.municipalities}" for r in rows)
    return (f"計画のある市区町村の数（都道府県別）。全国 {municipalities:,} 市区町村のうち {with_plans:,}。{counts}。"
            if rows else "都道府県のデータがありません。")


def render_svg(rows: list[CoverageRow], with_plans: int, municipalities: int) -> Markup:
    """A horizontal bar per prefecture on one scale: the whole bar is its municipalities, the dark part those
    with plans, and the count written beside it (so the chart never depends on colour alone)."""
    most = max([r.municipalities for r in rows] + [1])
    label_width = max([text_width(r.link.text) for r in rows] + [60]) + 2 * PAD
    drawn = []
    for i, r in enumerate(rows):
        track = r.municipalities / most * BAR_WIDTH
        fill = r.with_plans / most * BAR_WIDTH
        drawn.append({"y": PAD + i * ROW_HEIGHT, "row": r, "track": track,
                      "fill": max(fill, min(2.0, track)) if r.with_plans else 0.0,   # one municipality stays visible
                      "value_x": label_width + track + 6, "value": f"{r.with_plans} / {r.municipalities}"})
    value_width = max([text_width(d["value"]) for d in drawn] + [40])
    width = int(label_width + BAR_WIDTH + value_width + 3 * PAD)
    height = int(2 * PAD + len(rows) * ROW_HEIGHT)
    svg = environment().get_template("coverage-chart.svg").render(
        rows=drawn, width=width, height=height, label_width=label_width, row_height=ROW_HEIGHT,
        bar_height=BAR_HEIGHT, font=FONT, track_colour=TRACK_COLOUR, fill_colour=FILL_COLOUR,
        title="都道府県別の計画のある市区町村", summary=summary(rows, with_plans, municipalities))
    return Markup(svg)
