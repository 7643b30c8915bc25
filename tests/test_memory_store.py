"""A store in memory from the build's dump (publish workers, kg serve in memory) holds what the built store holds,
blank nodes under the same names: a page or an answer does not depend on which store it was read from."""

from __future__ import annotations

import pyoxigraph as ox

from kg.build.dump import memory_store_from_dump
from kg.build.store import current_build


def test_a_store_in_memory_holds_the_dumps_quads_with_their_blank_node_names(built):
    paths = current_build(built)
    in_memory = memory_store_from_dump(paths.dataset)
    on_disk = ox.Store.read_only(str(paths.store))
    assert set(in_memory) == set(on_disk)
    assert any(isinstance(q.subject, ox.BlankNode) for q in on_disk)   # there are blank nodes to keep
    # Twice: the same names each time.
    assert set(memory_store_from_dump(paths.dataset)) == set(in_memory)
