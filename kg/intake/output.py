"""Writing ingested graphs as Turtle the way the project keeps its data: facts in data/ttl/<name>.ttl, the
editorial classification in data/ttl/classification/<name>.ttl; each file replaced in one rename."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import KgError
from ..namespaces import ID, PREFIXES, RDF_TYPE, RDFS_LABEL
from ..project import classification_file_for
from ..rdf.terms import natural_key, to_oxigraph
from .messages import message
from .result import IngestResult

# The prefixes declared at the top of a written file, in this order (their IRIs: kg.namespaces). Not id: the @base
# is id/, and IRIs under it are written relative to it.
DECLARED_PREFIXES = ("jpp", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "schema", "u", "q", "bd", "vp", "pd", "nd",
                     "ps", "cm", "rc", "td", "pol", "mk", "sdg")


def turtle(graph: Graph, *, header: str) -> str:
    """Turtle as the project writes it by hand: @base id/, the usual prefixes, one block per resource in tree order."""
    first = {RDF_TYPE: 0, RDFS_LABEL: 1}

    def key(triple):
        s, p, o = triple
        return (natural_key(s), first.get(str(p), 2), str(p), str(o))

    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in sorted(graph, key=key)]
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, base_iri=ID,
                        prefixes={p: PREFIXES[p] for p in DECLARED_PREFIXES}).decode("utf-8")
    # Oxigraph writes the prefixes relative to the base (</jp-plan-kg/ontology#>): declare them in full instead, and
    # leave a blank line after each resource. Its literals escape line breaks, so every line is a line of syntax.
    body = []
    for line in text.splitlines():
        if line.startswith(("@prefix", "@base")):
            continue
        body.append(line)
        if line.endswith(" ."):
            body.append("")
    declarations = [f"@base <{ID}> ."] + [f"@prefix {p}: <{PREFIXES[p]}> ." for p in DECLARED_PREFIXES]
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + "\n" + "\n".join(declarations) + "\n\n" + "\n".join(body).rstrip() + "\n"


def check_output(out: Path, *, lang: str = "ja") -> None:
    """Refuse, before any work, an --out whose folder is missing or a file: a mistyped folder is not created
    (data/tt/ for data/ttl/ would hide the data from kg build). The classification folder beside it is made."""
    folder = Path(out).parent
    if folder.exists() and not folder.is_dir():
        raise KgError(message("out.not_a_folder", lang, folder=folder))
    if not folder.exists():
        raise KgError(message("out.folder_missing", lang, folder=folder))
    if Path(out).suffix.lower() != ".ttl":
        raise KgError(message("out.not_ttl", lang, path=out))


def _write_error(exc: OSError, path, lang: str) -> KgError:
    where = exc.filename or path
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return KgError(message("out.no_space", lang, path=where))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KgError(message("out.no_permission", lang, path=where))
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
        return KgError(message("out.not_a_folder" if exc.errno != errno.ENOENT else "out.folder_missing", lang,
                               folder=Path(where).parent))
    return KgError(message("out.cannot_write", lang, path=where, reason=exc.strerror or type(exc).__name__))


def write_outputs(result: IngestResult, *, out: Path, classification_out: Path | None, source: str,
                  lang: str = "ja") -> list[tuple[Path, int]]:
    """Write the facts and (if any) the classification. Both are written to temporary files first and renamed
    into place one after the other only when both are complete, so that a failure (a full disk) changes neither
    and an interruption leaves each file either old or new, never half written."""
    outputs = []
    header = f"Written by `kg ingest` from {Path(source).name}. Source facts only; edit the workbook, not this file."
    outputs.append((Path(out), turtle(result.facts, header=header), len(result.facts)))
    if len(result.classification):
        target = classification_out or classification_file_for(out)
        header = f"Written by `kg ingest` from {Path(source).name}: this project's editorial classification."
        outputs.append((Path(target), turtle(result.classification, header=header), len(result.classification)))
    temporaries: list[Path] = []
    try:
        for path, text, _count in outputs:
            temporaries.append(_write_temporary(path, text))
        for (path, _text, _count), temporary in zip(outputs, temporaries, strict=True):
            os.replace(temporary, path)
    except OSError as exc:
        raise _write_error(exc, out, lang) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return [(path, count) for path, _text, count in outputs]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temporary(path: Path, text: str) -> Path:
    """A complete copy of `text` next to `path`. Its name ends in .tmp, not .ttl: a copy left behind by a killed
    process must never be read as data by `kg build` (which reads every *.ttl under data/ttl)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
