"""The build's dataset dump (N-Quads, graph after graph) and the store bulk-loaded from it."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from .manifest import DumpSection
from .store import BuildPaths


def write_dataset_dump(paths: BuildPaths, quads) -> None:
    with paths.dataset.open("wb") as out:
        ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)


def graph_section(iri: str, triples) -> bytes:
    """One graph's lines of the dataset dump (N-Quads).

    Serialised as N-Triples, with the graph name put before each line's final " .": Oxigraph escapes line breaks
    inside literals, so every line ends there. A national build has 2.5 million triples: making a Python Quad
    object of each took longer than writing and loading the whole store.
    """
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).replace(b" .\n", b" <" + iri.encode() + b"> .\n")


def write_graphs_dump(paths: BuildPaths, graphs) -> dict[str, DumpSection]:
    """The dataset dump from (graph IRI, triples) pairs, graph after graph; returns each graph's section of it, which lets a rebuild copy the graphs that did not change (write_patched_dump)."""
    sections: dict[str, DumpSection] = {}
    offset = 0
    with paths.dataset.open("wb") as out:
        for iri, triples in graphs:
            data = graph_section(iri, triples)
            out.write(data)
            sections[iri] = DumpSection(offset, len(data))
            offset += len(data)
    return sections


def write_patched_dump(previous: Path, paths: BuildPaths, pieces) -> dict[str, DumpSection]:
    """The dataset dump from (graph IRI, new bytes or the graph's section of the previous dump) pairs.

    Unchanged graphs are copied by the kernel (copy_file_range), so a rebuild after one file changed does not
    re-serialise 2.5 million triples. Returns each graph's section of the new dump, as write_graphs_dump.
    """
    sections: dict[str, DumpSection] = {}
    offset = 0
    # Unbuffered: the kernel's copies and our writes share the file position.
    with previous.open("rb") as source, paths.dataset.open("wb", buffering=0) as out:
        for iri, piece in pieces:
            if isinstance(piece, bytes):
                view = memoryview(piece)
                while view:
                    view = view[out.write(view):]
                length = len(piece)
            else:
                start, length = piece
                _copy_range(source.fileno(), out.fileno(), start, length)
            sections[iri] = DumpSection(offset, length)
            offset += length
    return sections


def _copy_range(source: int, target: int, start: int, length: int) -> None:
    done = 0
    while done < length:
        try:
            copied = os.copy_file_range(source, target, length - done, start + done)
        except (AttributeError, OSError):  # not Linux, or a file system that cannot: copy through memory
            copied = os.write(target, os.pread(source, min(length - done, 1 << 24), start + done))
        if copied == 0:
            raise OSError(f"the previous dataset dump ended {length - done} bytes early")
        done += copied


def read_dump_section(paths: BuildPaths, section: DumpSection) -> list[ox.Triple]:
    """The triples of one graph, read back from its lines of the dump (literals exactly as the files wrote them)."""
    start, length = section
    with paths.dataset.open("rb") as handle:
        handle.seek(start)
        data = handle.read(length)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]


def memory_store_from_dump(dataset: Path | str) -> ox.Store:
    """The build's dataset dump in a store in memory, holding the dump's own blank node names, as the built store
    does (Store.bulk_load would name them afresh at random: a page or an answer would then differ with the store
    it was read from, and from one load to the next). As quick as bulk_load: 12.5 s for the nation."""
    store = ox.Store()
    store.bulk_extend(ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS))
    return store


def write_store_from_dump(paths: BuildPaths) -> None:
    """The store, bulk-loaded from the dataset dump (streamed, not held in memory).

    Parsed first and then loaded, not loaded from the file: Store.bulk_load names blank nodes afresh at random, and
    the store must hold the dump's own names (stable per file, kg.rdf.files), so that an incremental rebuild, which
    adds quads to a copy of the previous store, holds exactly what a build from nothing holds."""
    store = ox.Store(str(paths.store))
    store.bulk_extend(ox.parse(path=str(paths.dataset), format=ox.RdfFormat.N_QUADS))
    store.flush()
    store.optimize()
    del store  # closes RocksDB before the folder is published
