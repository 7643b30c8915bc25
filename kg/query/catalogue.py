"""The catalogue of named queries: one `.rq` file per question, with a grlc-style header.

grlc's keys (`summary`, `description`, `tags`, `defaults`) are in English; `summary_ja` and `description_ja` give the
question in Japanese, for the pages, `kg queries` and the API (grlc ignores keys it does not know)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QueryError
from .params import ParamSpec, param_spec
from .text import query_form, variables


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path | None  # None for a query given as text
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    params: tuple[ParamSpec, ...] = ()
    form: str | None = None
    needs_inference: bool = False
    ordered: bool = False
    scope: str | None = None  # a parameter naming one municipality: run on its graphs (kg.query.scoping)
    summary_ja: str = ""
    description_ja: str = ""

    def summary_in(self, lang: str) -> str:
        """The title in `lang` ("ja" or "en"), else in the other language."""
        return (self.summary_ja or self.summary) if lang == "ja" else (self.summary or self.summary_ja)

    def description_in(self, lang: str) -> str:
        return (self.description_ja or self.description) if lang == "ja" else (self.description or self.description_ja)


def read_header(text: str) -> dict:
    """Parse the `#+ key: value` lines (and `#+   - name: value` list items) that open a query file."""
    header: dict = {}
    current_list: list | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#+"):
            if stripped.startswith("#"):
                continue
            break
        body = stripped[2:].rstrip()
        if body.lstrip().startswith("- ") and current_list is not None:
            item = body.lstrip()[2:]
            key, _, value = item.partition(":")
            current_list.append((key.strip(), value.strip()))
            continue
        key, _, value = body.strip().partition(":")
        key, value = key.strip(), value.strip()
        if value == "":
            current_list = header.setdefault(key, [])
        else:
            current_list = None
            header[key] = value
    return header


def _tags(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(t.strip() for t in raw.strip("[]").split(",") if t.strip())


def load_query(path: Path) -> NamedQuery:
    return query_from_text(path.read_text(encoding="utf-8"), name=path.stem, path=path)


def query_from_text(text: str, *, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A query given as text (a header is read if it has one); its parameters are typed by their variables."""
    header = read_header(text)
    defaults = {k: v for k, v in header.get("defaults", []) if k}
    specs = sorted((s for s in (param_spec(v) for v in variables(text)) if s), key=lambda s: s.name)
    return NamedQuery(
        name=name, path=path, text=text,
        summary=header.get("summary", ""), description=header.get("description", ""),
        tags=_tags(header.get("tags")), defaults=defaults, params=tuple(specs), form=query_form(text),
        needs_inference=header.get("inference", "").lower() in ("required", "true", "yes"),
        ordered=header.get("ordered", "").lower() in ("true", "yes"),
        scope=header.get("scope") or None,
        summary_ja=header.get("summary_ja", ""), description_ja=header.get("description_ja", ""),
    )


def catalogue(queries_dir: Path, *, checks: bool = False) -> list[NamedQuery]:
    folder = queries_dir / "checks" if checks else queries_dir
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def find_query(queries_dir: Path, name: str) -> NamedQuery:
    """By file stem (`13-plans-in-force`), by number (`13`), or by a unique prefix."""
    entries = catalogue(queries_dir) + catalogue(queries_dir, checks=True)
    exact = [q for q in entries if q.name == name]
    if exact:
        return exact[0]
    number = name.zfill(2) if name.isdigit() else None
    candidates = [q for q in entries if (number and q.name.split("-", 1)[0] == number) or q.name.startswith(name)]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(q.name for q in (candidates or entries))
    if candidates:
        raise QueryError(f"query name {name!r} is ambiguous", hint=f"one of: {names}")
    raise QueryError(f"no query named {name!r}", hint="`kg queries` lists them")
