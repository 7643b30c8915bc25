"""Whole-dataset dumps: every triple, the asserted ones, and one subset per kind of graph, in several formats.

Asserted and inferred triples stay distinguishable two ways: the dataset with its named graphs (TriG, N-Quads;
one graph per source file, its inferred triples in graph/inferred/<the same name>, and graph/inferred for
what no single file entails), and a separate dump per kind (source facts, the project's
classification, ontology and vocabularies, inferred). The counts written into VoID are the counts of the files, and
VoID's dataset counts are taken here too (kg.publish.void_counts), over the whole dataset's distinct triples.

Beside them, the indicator values as a W3C Data Cube (kg.publish.cube, `write_cube`), written only once it passes
the Data Cube integrity constraints: a cube that breaks one stops kg publish (CubeInvalid). kg publish has it written
by the process that writes the answers, from the build in memory (kg.publish.answers), while this one writes the
dumps.
"""

from __future__ import annotations

import gzip
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import TURTLE_PREFIXES
from .cube import build_cube
from .graphview import EDITORIAL, INFERRED, ONTOLOGY, SOURCE, graph_kind
from .void_counts import void_counts

DUMPS_FOLDER = "dumps"
MAIN_NAME = "jp-plan-kg"
CUBE_FILE = f"{DUMPS_FOLDER}/indicator-values-cube.ttl"
CUBE_TITLE, CUBE_TITLE_EN = "指標の値（W3C Data Cube）", "Indicator values (W3C Data Cube)"
CUBE_DESCRIPTION = ("指標の現状値・目標値・実績値を、自治体・計画・指標・期間・値の種類・内訳を次元とする観測として"
                    "表したもの。データセットの一部ではなく、その見方の一つ。W3C Data Cube 勧告の整合性制約を満たすことを確かめてから書き出します。")


@dataclass(frozen=True)
class Subset:
    key: str
    title: str
    title_en: str
    description: str
    kinds: tuple[str, ...]


SUBSETS = (
    Subset("all", "全データ", "All triples", "文書の記載、本プロジェクトの分類、オントロジーと語彙、推論したトリプルのすべて。",
           (SOURCE, EDITORIAL, ONTOLOGY, INFERRED)),
    Subset("asserted", "記述されたトリプル", "Asserted triples", "推論を含まない、ファイルに書かれたトリプル（文書の記載・分類・オントロジー）。",
           (SOURCE, EDITORIAL, ONTOLOGY)),
    Subset("source-facts", "文書の記載", "Source facts", "出典文書が述べていることだけ（自治体・出典・計画の記載）。", (SOURCE,)),
    Subset("classification", "本プロジェクトの分類", "Editorial classification",
           "政策分野、国の総合戦略の方向、共通視点への対応付け、テーマとの関連（編集上の判断）。", (EDITORIAL,)),
    Subset("ontology", "オントロジーと語彙", "Ontology and vocabularies", "クラス・プロパティとSKOS概念体系。", (ONTOLOGY,)),
    Subset("inferred", "推論したトリプル", "Inferred triples", "オントロジー（OWL 2 RL）から推論した、記述されていないトリプル。", (INFERRED,)),
)


@dataclass(frozen=True)
class FileFormat:
    key: str
    name: str
    suffix: str
    media_type: str
    rdf_format: ox.RdfFormat
    gzip: bool
    quads: bool
    w3c_format: str           # http://www.w3.org/ns/formats/…
    eu_file_type: str         # http://publications.europa.eu/resource/authority/file-type/…

    def __reduce__(self):
        # By its key: a Dump crosses from the process writing the cube, and pyoxigraph's RdfFormat does not pickle.
        return _format_of, (self.key,)


FORMATS = {
    "ttl": FileFormat("ttl", "Turtle", ".ttl", "text/turtle", ox.RdfFormat.TURTLE, False, False, "Turtle", "RDF_TURTLE"),
    "nt.gz": FileFormat("nt.gz", "N-Triples (gzip)", ".nt.gz", "application/n-triples", ox.RdfFormat.N_TRIPLES, True, False,
                        "N-Triples", "RDF_N_TRIPLES"),
    "jsonld": FileFormat("jsonld", "JSON-LD", ".jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, False, False,
                         "JSON-LD", "JSON_LD"),
    "trig": FileFormat("trig", "TriG（名前付きグラフ）", ".trig", "application/trig", ox.RdfFormat.TRIG, False, True, "TriG", "RDF_TRIG"),
    "nq.gz": FileFormat("nq.gz", "N-Quads (gzip、名前付きグラフ)", ".nq.gz", "application/n-quads", ox.RdfFormat.N_QUADS, True, True,
                        "N-Quads", "RDF_N_QUADS"),
}


def _format_of(key: str) -> FileFormat:
    return FORMATS[key]


SUBSET_FORMATS = ("ttl", "nt.gz", "jsonld")
DATASET_FORMATS = ("trig", "nq.gz")     # only the whole dataset is published with its graphs


@dataclass
class Dump:
    file: str                 # path in the site: dumps/jp-plan-kg.ttl
    format: FileFormat
    statements: int           # triples, or quads for the formats with graphs
    bytes: int


@dataclass
class SubsetDumps:
    subset: Subset
    triples: int              # distinct triples
    dumps: list[Dump] = field(default_factory=list)


@dataclass
class DumpSet:
    subsets: list[SubsetDumps]
    graphs: dict[str, int]    # named graph → triples
    quads: int
    counts: dict = field(default_factory=dict)   # VoID's counts over the whole dataset (kg.publish.void_counts)
    # The indicator values as a Data Cube (write_cube): not a subset of the graph, a view of it; set by kg publish.
    cube: Dump | None = None
    observations: int = 0     # the cube's qb:Observations

    def subset(self, key: str) -> SubsetDumps:
        return next(s for s in self.subsets if s.subset.key == key)


def _file_name(subset: str, fmt: FileFormat) -> str:
    return f"{DUMPS_FOLDER}/{MAIN_NAME if subset == 'all' else subset}{fmt.suffix}"


def serialize(items, fmt: FileFormat) -> bytes:
    return _compressed(_serialized(items, fmt), fmt)


def _compressed(data: bytes, fmt: FileFormat) -> bytes:
    # mtime=0: the same build gives byte-identical dumps, whenever it is published. Level 6 (zlib's default) rather
    # than gzip's 9: three times quicker on the national data for files 3-4 % larger.
    return gzip.compress(data, compresslevel=6, mtime=0) if fmt.gzip else data


def _serialized(items, fmt: FileFormat) -> bytes:
    prefixes = TURTLE_PREFIXES if fmt.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(items, format=fmt.rdf_format, prefixes=prefixes)


def write_dumps(store: ox.Store, site: Path, *, manifest: BuildManifest | None = None) -> DumpSet:
    kinds_by_manifest = {g.iri: g.kind for g in manifest.graphs} if manifest is not None else {}
    # Only named graphs: the build puts nothing in the default graph, and a dump must not invent one. Sorted once,
    # by N-Quads text: every subset is then a filter of this order, already sorted by its triples' text (a quad's
    # text is its triple's followed by " <graph>", and no triple's text continues another's with a space), and the
    # same triple in two graphs comes twice in a row. (Sorting each subset apart took a third of the time.)
    quads = sorted((q for q in store.quads_for_pattern(None, None, None, None) if isinstance(q.graph_name, ox.NamedNode)),
                   key=str)
    kind_of: dict[str, str] = {}   # worked out once per graph, not once per quad
    kinds: list[str] = []
    graphs: dict[str, int] = {}
    for q in quads:
        graph = q.graph_name.value
        kind = kind_of.get(graph)
        if kind is None:
            kind = kind_of[graph] = graph_kind(graph, kinds_by_manifest)
        kinds.append(kind)
        graphs[graph] = graphs.get(graph, 0) + 1
    (site / DUMPS_FOLDER).mkdir(parents=True, exist_ok=True)
    result = DumpSet(subsets=[], graphs=graphs, quads=len(quads))
    # Compressing (zlib lets go of the GIL) runs in threads while the next file is serialised.
    with ThreadPoolExecutor(max_workers=2) as compressing:
        writing = []
        for subset in SUBSETS:
            wanted = set(subset.kinds)
            triples = _distinct_in_order(q.triple for q, kind in zip(quads, kinds, strict=True) if kind in wanted)
            entry = SubsetDumps(subset, len(triples))
            for key in SUBSET_FORMATS:
                writing.append((entry, _write_later(compressing, site, _file_name(subset.key, FORMATS[key]), triples,
                                                    FORMATS[key], len(triples))))
            if subset.key == "all":
                result.counts = void_counts(triples)
                for key in DATASET_FORMATS:
                    writing.append((entry, _write_later(compressing, site, _file_name("all", FORMATS[key]), quads,
                                                        FORMATS[key], len(quads))))
            result.subsets.append(entry)
        for entry, done in writing:
            entry.dumps.append(done.result())
    return result


def write_cube(store: ox.Store, site: Path) -> tuple[Dump, int]:
    """The indicator values as a Data Cube, checked (CubeInvalid if it breaks an integrity constraint), written to
    CUBE_FILE under `site`: (the file, its observations). For the nation, 56 s of CPU with the build in memory
    against 76 s on the built store."""
    cube = build_cube(store)
    (site / DUMPS_FOLDER).mkdir(parents=True, exist_ok=True)
    return _write(site, CUBE_FILE, cube.triples, FORMATS["ttl"], len(cube.triples)), cube.observations


def _distinct_in_order(triples) -> list[ox.Triple]:
    """The triples without repeats, given sorted (equal ones next to each other)."""
    kept: list[ox.Triple] = []
    last = None
    for triple in triples:
        if triple != last:
            kept.append(triple)
            last = triple
    return kept


def _write_later(pool: ThreadPoolExecutor, site: Path, file: str, items: list, fmt: FileFormat,
                 statements: int) -> Future:
    """Serialise now (Oxigraph holds the GIL reading Python terms); compress and write in the pool."""
    data = _serialized(items, fmt)
    return pool.submit(_finish, site, file, data, fmt, statements)


def _finish(site: Path, file: str, data: bytes, fmt: FileFormat, statements: int) -> Dump:
    data = _compressed(data, fmt)
    (site / file).write_bytes(data)
    return Dump(file=file, format=fmt, statements=statements, bytes=len(data))


def _write(site: Path, file: str, items: list, fmt: FileFormat, statements: int) -> Dump:
    data = serialize(items, fmt)
    (site / file).write_bytes(data)
    return Dump(file=file, format=fmt, statements=statements, bytes=len(data))
