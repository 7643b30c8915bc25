"""Where `kg serve`'s query workers read a build from: Oxigraph's in-memory store when it fits a memory budget,
the on-disk store otherwise.

In memory, questions are 2-8x faster (no RocksDB read per literal); the price is a slower start (the build's
N-Quads dump is loaded) and memory. One process loads the store and the workers are forked from it
(kg.serve.zygote): they start sharing its pages, but Oxigraph's reads write to the pages they touch (reference
counts), so after national questions each worker holds its own copy again (measured at 1,741 municipalities:
1.2 GiB for the three processes at start, 3.3 GiB after five aggregates). The estimate counts that steady state:
a copy per worker and the loading process's own, plus each process's start, from the dump's size times what
Oxigraph holds in memory per byte of N-Quads. The choice is made per build (a rebuild may outgrow the budget);
`--store memory` or `--store disk` forces either way.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError

STORE_MODES = ("auto", "memory", "disk")
BUDGET_VARIABLE = "KG_SERVE_MEMORY_BUDGET"
# Resident memory of a worker holding a build in Oxigraph's in-memory store, per byte of the build's dataset.nq:
# measured 1.23 on the synthetic nation (864 MiB of N-Quads, 3.5 M quads: 1,066 MiB, pyoxigraph 0.5) and 1.9 on
# the seed build (6.6 MiB: 12.8 MiB, where fixed costs weigh more; WORKER_BASE_BYTES covers them). A worker's own
# start (Python, pyoxigraph, the query code) comes on top.
MEMORY_PER_DUMP_BYTE = 1.25
WORKER_BASE_BYTES = 80 * 1024 * 1024
DEFAULT_BUDGET_SHARE = 0.5  # of the memory available when the server starts

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}


def parse_size(text: str) -> int:
    """"4G", "512MiB", "1.5g", "1000000" -> bytes (binary units: servers' memory is counted in them)."""
    match = _SIZE.match(str(text))
    if not match:
        raise KgError(f"cannot read the memory size {text!r}",
                      hint="write bytes or a number with K, M, G or T (binary units), e.g. 4G or 512M")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo (what can be used without swapping), else None."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_budget() -> int:
    """$KG_SERVE_MEMORY_BUDGET, else half the memory available now; 0 (never in memory) when neither is known."""
    if os.environ.get(BUDGET_VARIABLE):
        return parse_size(os.environ[BUDGET_VARIABLE])
    available = available_memory()
    return int(available * DEFAULT_BUDGET_SHARE) if available else 0


@dataclass(frozen=True)
class StoreChoice:
    in_memory: bool
    estimate: int       # bytes all workers would hold with the build in memory
    budget: int
    reason: str         # one sentence for the log and /health

    def as_json(self) -> dict:
        return {"kind": "memory" if self.in_memory else "disk", "estimate_bytes": self.estimate,
                "budget_bytes": self.budget, "reason": self.reason}


@dataclass(frozen=True)
class StorePolicy:
    mode: str = "auto"
    budget: int = 0

    def __post_init__(self):
        if self.mode not in STORE_MODES:
            raise KgError(f"unknown store {self.mode!r}", hint="choose one of " + ", ".join(STORE_MODES))

    def choose(self, dataset: Path, workers: int) -> StoreChoice:
        try:
            dump = dataset.stat().st_size
        except OSError:
            dump = None
        store = int((dump or 0) * MEMORY_PER_DUMP_BYTE)
        estimate = (workers + 1) * (store + WORKER_BASE_BYTES)
        need = f"~{_mib(estimate)} MiB (a store of ~{_mib(store)} MiB in each of {workers} worker(s) and the loader)"
        if self.mode == "disk":
            return StoreChoice(False, estimate, self.budget, "on disk, as asked (--store disk)")
        if dump is None:  # a build without its dump (an older layout) can only be read on disk
            return StoreChoice(False, estimate, self.budget, f"on disk: the build has no {dataset.name} to load")
        if self.mode == "memory":
            return StoreChoice(True, estimate, self.budget, f"in memory, as asked (--store memory): {need}")
        if estimate <= self.budget:
            return StoreChoice(True, estimate, self.budget,
                               f"in memory: {need} fits the budget of {_mib(self.budget)} MiB")
        return StoreChoice(False, estimate, self.budget,
                           f"on disk: in memory would take {need}, over the budget of {_mib(self.budget)} MiB "
                           f"(--memory-budget or ${BUDGET_VARIABLE} raises it; --store memory forces it)")


def _mib(n: int) -> str:
    return f"{n / 1024 ** 2:,.0f}"
