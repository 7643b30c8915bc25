"""The query page (/query): a question from the catalogue with its parameters in typed inputs, the answer as a table
with Japanese (or English) headers and, where it has numbers, a bar chart; the SPARQL text one click away; and an
editor for any SPARQL query.

The page works without script: the form is a GET of /query, answered on the server through kg.query.prepare (the
one way every asker binds parameters and turns a municipality's name into its codes) and the query workers. The
one local script (no CDN) runs the editor's queries on /sparql.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from ..namespaces import BASE_IRI, PREFIXES, XSD, sparql_prefixes
from ..query.catalogue import NamedQuery
from ..query.params import ParamSpec
from .limits import ServerLimits
from .query_text import COLUMN_NAMES, UI, column_name

STARTER = """SELECT ?municipality ?code WHERE {
  ?m a jpp:Municipality ; rdfs:label ?municipality ; jpp:localGovernmentCode ?code .
  FILTER(LANG(?municipality) = "ja")
}
ORDER BY ?code
LIMIT 100"""
LANGUAGES = ("ja", "en")
RESERVED = ("q", "lang", "chart", "run")    # URL parameters of the page, never a question's parameters
NUMERIC_TYPES = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                    "nonNegativeInteger", "positiveInteger")}
CHART_ROWS = 40
CODE = re.compile(r"[0-9０-９]{6}")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # The site's base.html (kg.publish) gives the page the navigation bar every page has. autoescape everywhere:
    # query text, summaries, labels and answers all reach the page.
    loader = ChoiceLoader([PackageLoader("kg.serve", "templates"), PackageLoader("kg.publish", "templates")])
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# -- the request -------------------------------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str            # municipality, year, keyword, iri, integer, decimal, date, boolean, text
    label: str
    hint: str
    value: str
    required: bool


@dataclass
class Request:
    lang: str
    question: NamedQuery | None
    values: dict[str, str]           # the question's parameters as given (defaults where not given)
    fields: list[Field]
    chart: str | None
    unknown: str | None              # a question name not in the catalogue


def language(params) -> str:
    lang = params.get("lang", "ja")
    return lang if lang in LANGUAGES else "ja"


def title(query: NamedQuery, lang: str) -> str:
    """The question's title in the page's language: summary_ja (kg.query.catalogue) where it has one."""
    if lang == "ja":
        return getattr(query, "summary_ja", "") or query.summary
    return query.summary


def description(query: NamedQuery, lang: str) -> str:
    if lang == "ja":
        return getattr(query, "description_ja", "") or query.description
    return query.description


def read_request(params, queries: dict[str, NamedQuery]) -> Request:
    """What the page was asked (the URL's parameters): the language, the question and its parameters' values."""
    lang = language(params)
    name = params.get("q", "")
    query = queries.get(name) if name else None
    values: dict[str, str] = {}
    fields: list[Field] = []
    if query is not None:
        for spec in query.params:
            given = params.get(spec.name)
            value = given if given is not None else query.defaults.get(spec.name, "")
            values[spec.name] = value
            fields.append(_field(query, spec, value, lang))
    return Request(lang=lang, question=query, values=values, fields=fields, chart=params.get("chart") or None,
                   unknown=name if name and query is None else None)


def _field(query: NamedQuery, spec: ParamSpec, value: str, lang: str) -> Field:
    ui = UI[lang]
    if spec.name == query.scope or spec.name == "municipality":
        kind = "municipality"
    elif spec.type == "integer" and "year" in spec.name:
        kind = "year"
    elif spec.name == "keyword":
        kind = "keyword"
    else:
        kind = spec.type if spec.type != "string" else "text"
    label = column_name(spec.name, lang)
    return Field(spec.name, kind, label, ui.get(f"hint_{kind}", ""), value, spec.name not in query.defaults)


def runnable(request: Request) -> bool:
    return request.question is not None and all(request.values.get(f.name, "").strip() for f in request.fields)


def municipality_candidates(value: str, names: list[str], *, limit: int = 12) -> list[str] | None:
    """Names to offer for a municipality given as `value`: None when it is a code or a known name (the question
    can run), else the names that contain it (青梅 → 青梅市) or that it contains, at most `limit`."""
    typed = value.strip()
    if CODE.fullmatch(typed) or typed in names:
        return None
    if not typed:
        return []
    found = [n for n in names if typed in n] or [n for n in names if n in typed]
    return found[:limit]


# -- the answer --------------------------------------------------------------------------------------------------

@dataclass
class Cell:
    text: str = ""
    href: str | None = None
    lang: str | None = None
    number: Decimal | None = None


@dataclass
class Answer:
    columns: list[tuple[str, str]]           # (variable, header in the page's language)
    rows: list[list[Cell]]
    boolean: bool | None = None
    chart: dict | None = None
    numeric: list[str] = field(default_factory=list)     # variables that can be drawn


def answer_from_json(body: bytes, *, lang: str, chart: str | None) -> Answer:
    """A SPARQL JSON answer as the page shows it."""
    data = json.loads(body)
    if "boolean" in data:
        return Answer([], [], boolean=bool(data["boolean"]))
    variables = data.get("head", {}).get("vars", [])
    rows = [[_cell(binding.get(v)) for v in variables] for binding in data.get("results", {}).get("bindings", [])]
    answer = Answer([(v, column_name(v, lang)) for v in variables], rows)
    answer.numeric = [v for i, v in enumerate(variables) if _drawable(v, [r[i] for r in rows])]
    if answer.numeric:
        answer.chart = _chart(answer, chart if chart in answer.numeric else answer.numeric[0])
    return answer


def _cell(term: dict | None) -> Cell:
    if not term:
        return Cell()
    value = term.get("value", "")
    if term.get("type") == "uri":
        shown = next((f"{p}:{value[len(ns):]}" for p, ns in PREFIXES.items()
                      if value.startswith(ns) and len(value) > len(ns)), value)
        # Our own IRIs open on this server (it dereferences them); others only if http(s).
        if value.startswith(BASE_IRI):
            href = "/" + value[len(BASE_IRI):]
        else:
            href = value if value.startswith(("http://", "https://")) else None
        return Cell(shown, href)
    if term.get("type") == "bnode":
        return Cell("_:" + value)
    number = None
    if term.get("datatype") in NUMERIC_TYPES:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
    return Cell(value, lang=term.get("xml:lang"), number=number)


def _drawable(variable: str, cells: list[Cell]) -> bool:
    """A column worth a bar chart: numbers in every filled cell, and not years or local numbers."""
    lowered = variable.lower()
    if "year" in lowered or lowered in ("number", "notation", "sequence", "page", "code", "seedline") \
            or lowered.startswith("no"):
        return False
    filled = [c for c in cells if c.text]
    return bool(filled) and all(c.number is not None for c in filled)


def _chart(answer: Answer, variable: str) -> dict:
    """Horizontal bars of one numeric column, labelled by the row's first text columns (at most CHART_ROWS)."""
    index = [v for v, _ in answer.columns].index(variable)
    label_columns = [i for i, (v, _) in enumerate(answer.columns)
                     if v not in answer.numeric and not any(r[i].number is not None for r in answer.rows)][:2]
    bars = []
    for row in answer.rows[:CHART_ROWS]:
        number = row[index].number
        if number is None:
            continue
        label = " · ".join(row[i].text for i in label_columns if row[i].text) or "—"
        bars.append({"label": label, "value": float(number), "text": row[index].text})
    low = min([0.0] + [b["value"] for b in bars])
    high = max([0.0] + [b["value"] for b in bars])
    span = (high - low) or 1.0
    width, label_width, bar_height = 760, 300, 22
    plot = width - label_width - 70
    zero = label_width + plot * (0 - low) / span
    for i, bar in enumerate(bars):
        start = label_width + plot * (min(bar["value"], 0) - low) / span
        bar.update(y=10 + i * bar_height, x=round(start, 1),
                   w=round(max(plot * abs(bar["value"]) / span, 1), 1),
                   short=bar["label"] if len(bar["label"]) <= 22 else bar["label"][:21] + "…")
    return {"variable": variable, "header": dict(answer.columns)[variable], "bars": bars, "zero": round(zero, 1),
            "width": width, "height": 20 + len(bars) * bar_height, "label_width": label_width,
            "more": max(0, len(answer.rows) - CHART_ROWS)}


# -- the SPARQL text ---------------------------------------------------------------------------------------------

def with_project_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of the project's prefixes it uses and does not declare, so that the
    text runs as it is when copied elsewhere."""
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([A-Za-z][\w-]*|):", text, re.IGNORECASE)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w:/#<\"'-]){re.escape(p)}:\w", text)]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return "\n".join(lines + [text]) if lines else text


def download_links(query: NamedQuery, values: dict[str, str], formats: list[str]) -> list[tuple[str, str]]:
    """(format, URL) of the named-query API for this question and these values (the same binding as the page), as
    files to save (download=1: named, and CSV with the byte-order mark Excel needs to read the Japanese)."""
    base = f"api/queries/{query.name}"
    return [(fmt, f"{base}?{urlencode({**values, 'format': fmt, 'download': '1'})}") for fmt in formats]


def page_link(request: Request, **changes) -> str:
    params = {"q": request.question.name} if request.question else {}
    params.update(request.values)
    if request.lang != "ja":
        params["lang"] = request.lang
    params.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        params.pop(key, None)
    return "query" + (f"?{urlencode(params)}" if params else "")


# -- the page ----------------------------------------------------------------------------------------------------

@dataclass
class PageState:
    """What one rendering of the page shows."""

    request: Request
    queries: list[NamedQuery]
    municipalities: list[str]
    limits: ServerLimits
    build_id: str
    built: str = ""
    text: str = ""                           # the bound SPARQL text of the question
    answer: Answer | None = None
    error: str = ""
    suggestions: list[str] = field(default_factory=list)
    downloads: list[tuple[str, str]] = field(default_factory=list)
    seconds: float | None = None
    explanation: str = ""                    # why an empty answer is empty (kg.query.ask.why_empty)


def render(state: PageState) -> str:
    request, lang = state.request, state.request.lang
    ui = UI[lang]
    questions = [{"name": q.name, "title": title(q, lang)} for q in state.queries]
    current = request.question
    return _environment().get_template("query.html").render(
        ui=ui, page_lang=lang, nav="questions", root="", canonical=None, sparql_endpoint="sparql", served=True,
        built=state.built, questions=questions, current=current,
        current_title=title(current, lang) if current else "",
        current_description=description(current, lang) if current else "",
        fields=request.fields, municipalities=state.municipalities, unknown=request.unknown,
        text=with_project_prefixes(state.text) if state.text else "", answer=state.answer, error=state.error,
        suggestions=[(name, page_link(request, **{_scope_name(request): name})) for name in state.suggestions],
        downloads=state.downloads, seconds=state.seconds, explanation=state.explanation,
        other_language=("en", "English", page_link(request, lang="en")) if lang == "ja"
        else ("ja", "日本語", page_link(request, lang=None)),
        chart_links=[(v, column_name(v, lang), page_link(request, chart=v)) for v in (state.answer.numeric if state.answer else [])],
        starter=f"{sparql_prefixes('jpp', 'rdfs')}\n{STARTER}", prefixes=PREFIXES, limits=state.limits,
        build_id=state.build_id, column_names=COLUMN_NAMES)


def _scope_name(request: Request) -> str:
    return next((f.name for f in request.fields if f.kind == "municipality"), "municipality")


def render_query_page(queries: list[NamedQuery], *, limits: ServerLimits, build_id: str, on=None) -> str:
    """The page as it first opens (no question chosen, in Japanese)."""
    return render(PageState(read_request({}, {q.name: q for q in queries}), queries, [], limits, build_id))
