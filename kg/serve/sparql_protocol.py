"""The SPARQL 1.1 Protocol's side of a request: where the query is, which graphs, which answer format.

Pure functions over what Starlette hands over (method, content type, query string, body), so that every rule
here has one place. Update requests are recognised in order to be refused clearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from .result_formats import ALL_FORMATS, AnswerFormat, formats_for, refusal_for

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


class ProtocolError(Exception):
    """A request the endpoint answers with `status` and a plain message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None               # None: no query (GET /sparql answers with the service description)
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    formats: tuple[str, ...]        # values of the `format` parameter, in order
    timeouts: tuple[str, ...] = ()  # values of the `timeout` parameter (seconds; the server's limit caps them)


UPDATE_REFUSED = ("this endpoint is read-only: SPARQL Update is not accepted here",)
# The charsets a body may declare: UTF-8, and US-ASCII, a subset of it. application/sparql-query is UTF-8 by its
# registration (SPARQL 1.1 Query, appendix C); a form body is percent-encoded UTF-8 here too.
UTF8_NAMES = ("utf-8", "utf8", "us-ascii", "ascii")


def parse_request(method: str, content_type: str | None, query_string: str, body: bytes) -> SparqlRequest:
    params = _params(query_string, "the query string (URL)")
    media = (content_type or "").split(";")[0].strip().lower()
    direct_query = None
    if method == "POST":
        _check_charset(content_type)
        if media == FORM_TYPE:
            params += _params(_text(body), "the form body")
        elif media == QUERY_TYPE:
            direct_query = _text(body)
        elif media == UPDATE_TYPE:
            raise ProtocolError(400, UPDATE_REFUSED[0])
        else:
            raise ProtocolError(415, f"POST a query as {QUERY_TYPE} or as {FORM_TYPE} with query=…, "
                                     f"not as {media or 'a body without Content-Type'}")
    if any(name == "update" for name, _ in params):
        raise ProtocolError(400, UPDATE_REFUSED[0])
    queries = [value for name, value in params if name == "query"]
    if direct_query is not None:
        queries.append(direct_query)
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query (the request has several)")
    return SparqlRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(v for n, v in params if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in params if n == "named-graph-uri"),
        formats=tuple(v for n, v in params if n == "format"),
        timeouts=tuple(v for n, v in params if n == "timeout"),
    )


def query_timeout(values: tuple[str, ...] | list[str], limit: float) -> float:
    """The seconds a query may run: what the client asks for (`timeout=`), but never more than the server's limit.

    A longer wish is not an error: it is lowered to the limit, and the answer's Kg-Timeout header says so."""
    if not values:
        return limit
    if len(values) > 1:
        raise ProtocolError(400, "give timeout= once")
    try:
        seconds = float(values[0])
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ProtocolError(400, f"timeout={values[0]!r} is not a number of seconds greater than 0")
    return min(seconds, limit)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None


def _params(text: str, where: str) -> list[tuple[str, str]]:
    # Strict: a percent-escape that is not UTF-8 is refused, never turned into U+FFFD and run as another query.
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{where} has percent-escapes that are not UTF-8: encode the query as UTF-8") from None


def _check_charset(content_type: str | None) -> None:
    """A body in another charset is refused (415) rather than read as UTF-8, which would change its characters."""
    for piece in (content_type or "").split(";")[1:]:
        name, _, value = piece.partition("=")
        if name.strip().lower() != "charset":
            continue
        charset = value.strip().strip('"').lower()
        if charset not in UTF8_NAMES:
            raise ProtocolError(415, f"charset={charset} is not accepted here: send the request body in UTF-8 "
                                     "(Content-Type: …; charset=utf-8, or no charset)")


def choose_format(form: str, *, format_params: tuple[str, ...] = (), accept: str | None = None) -> AnswerFormat:
    """The answer format: a recognised `format` parameter wins, else content negotiation on Accept.

    One rule whichever way it is asked: a format this endpoint writes but not for this query form (Turtle for
    SELECT, CSV for CONSTRUCT, CSV or TSV for ASK) is 406 Not Acceptable; only a `format` value that names no
    format at all is a malformed request (400)."""
    offered = formats_for(form)
    for value in format_params:
        wanted = value.strip().lower()
        for fmt in offered:
            if wanted in fmt.names or wanted.split(";")[0].strip() in fmt.accepts:
                return fmt
    asked = [v for v in format_params if v.strip()]
    if asked and len(asked) == len(format_params):
        wanted = asked[0].strip().lower()
        known = [f for f in ALL_FORMATS if wanted in f.names or wanted.split(";")[0].strip() in f.accepts]
        names = ", ".join(f.names[0] for f in offered)
        if not known:
            raise ProtocolError(400, f"format={asked[0]!r} names no format of this endpoint; "
                                     f"for {form} answers use one of: {names}")
        raise ProtocolError(406, f"format={asked[0]!r}: {refusal_for(form, known[0], asked[0].strip())}; "
                                 f"use one of: {names}")
    chosen = negotiate(accept, [(fmt.accepts, fmt) for fmt in offered])
    if chosen is None:
        types = ", ".join(f.accepts[0] for f in offered)
        wanted = [media for media, quality in parse_accept(accept or "") if quality > 0]
        known = [(m, f) for m in wanted for f in ALL_FORMATS if m in f.accepts]
        why = f": {refusal_for(form, known[0][1], known[0][0])}" if known else ""
        raise ProtocolError(406, f"none of the types in Accept ({accept}) is offered for {form} answers{why}. "
                                 f"Offered: {types}")
    return chosen


def negotiate(accept: str | None, offers: list[tuple[tuple[str, ...], object]]):
    """The offer the client prefers by Accept (q-values; specific types beat wildcards; ties go to the first offer).

    No Accept header means anything is acceptable. Returns None when nothing offered is acceptable.
    """
    if not accept or not accept.strip():
        return offers[0][1] if offers else None
    ranges = parse_accept(accept)
    best, best_key = None, None
    for position, (types, value) in enumerate(offers):
        for media in types:
            quality, specificity = _quality(ranges, media)
            if quality <= 0:
                continue
            key = (quality, specificity, -position)
            if best_key is None or key > best_key:
                best, best_key = value, key
    return best


def parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media: str) -> tuple[float, int]:
    """The q-value the most specific matching range gives `media`, and how specific that range is (2, 1, 0)."""
    kind = media.split("/")[0]
    found: tuple[float, int] = (0.0, -1)
    for pattern, quality in ranges:
        if pattern == media:
            specificity = 2
        elif pattern == f"{kind}/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if specificity > found[1]:
            found = (quality, specificity)
    return found if found[1] >= 0 else (0.0, 0)
