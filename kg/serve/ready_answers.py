"""Answers to the one-municipality questions, worked out for every municipality when a build is opened.

A new municipality asked of the named-query API would otherwise cost a worker one query each (~13 ms nationally
in memory, so two workers answer ~150 new municipalities a second). Instead, as soon as its workers run, the
server asks each such question once for every municipality (kg.query.per_municipality) on one worker, and keeps
each municipality's rows as SPARQL TSV, the form a worker's answer passes through: an API call then writes them
in the format asked for (kg.query.formats.write_tsv_answer), byte for byte what the worker would have written.

Until a question's answers are ready (about the time of one national aggregate), it is asked as before; a
question whose national run fails or runs out of time stays so, and /health says why.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field

from ..query.catalogue import NamedQuery
from ..query.per_municipality import NotAnswerableAtOnce, national_text, split_by_municipality
from .worker_process import QueryJob
from .workers import QueryPool

# Seconds the national run of one question may take: far above a national aggregate's (~1-3 s in memory, ~10 s on
# disk at 1,741 municipalities), so that only a broken question is cut short.
NATIONAL_RUN_SECONDS = 600.0


@dataclass
class ReadyQuestion:
    query: NamedQuery
    text: str
    state: str = "waiting"         # waiting, computing, ready or failed
    reason: str | None = None      # why it failed
    header: bytes = b""            # the TSV header line: the answer of a municipality with no rows
    answers: dict[str, bytes] = field(default_factory=dict)  # code -> SPARQL TSV
    seconds: float | None = None


class ReadyAnswers:
    def __init__(self, queries: list[NamedQuery]):
        self.questions: dict[str, ReadyQuestion] = {}
        self.not_served: dict[str, str] = {}   # one-municipality questions that cannot be, and why
        for query in queries:
            if not query.scope:
                continue
            try:
                self.questions[query.name] = ReadyQuestion(query, national_text(query))
            except NotAnswerableAtOnce as why:
                self.not_served[query.name] = str(why)
        self._task: asyncio.Task | None = None

    def start(self, pool: QueryPool) -> None:
        """Work the answers out in the background, one question at a time, on one of the pool's workers."""
        if self.questions:
            self._task = asyncio.get_running_loop().create_task(self._compute(pool))

    async def _compute(self, pool: QueryPool) -> None:
        for ready in self.questions.values():
            ready.state = "computing"
            started = time.monotonic()
            answer = await pool.run(QueryJob(ready.text, "tsv", capped=False), timeout=NATIONAL_RUN_SECONDS)
            if answer.status != 200:
                ready.state, ready.reason = "failed", answer.body.decode("utf-8", "replace").strip()
                print(f"kg serve: {ready.query.name} is asked municipality by municipality: its answers for every "
                      f"municipality at once failed: {ready.reason}", file=sys.stderr, flush=True)
                continue
            try:
                # Split in a thread: a national answer is tens of MB, and requests go on being served meanwhile.
                ready.header, ready.answers = await asyncio.to_thread(split_by_municipality, answer.body)
            except ValueError as exc:
                ready.state, ready.reason = "failed", str(exc)
                continue
            ready.seconds = time.monotonic() - started
            ready.state = "ready"

    def answer(self, name: str, codes: list[str] | None) -> bytes | None:
        """A question's answer for one municipality (SPARQL TSV) when it is ready; None otherwise, and for a name
        that stands for several municipalities (their rows in one answer are ordered across them)."""
        ready = self.questions.get(name)
        if ready is None or ready.state != "ready" or not codes or len(codes) != 1:
            return None
        return ready.answers.get(codes[0], ready.header)

    def health(self) -> dict:
        said: dict[str, dict] = {}
        for name, ready in self.questions.items():
            said[name] = {"state": ready.state}
            if ready.state == "ready":
                said[name].update(municipalities_with_rows=len(ready.answers), seconds=round(ready.seconds or 0, 3),
                                  bytes=sum(len(a) for a in ready.answers.values()))
            elif ready.reason:
                said[name]["reason"] = ready.reason
        for name, why in self.not_served.items():
            said[name] = {"state": "not served", "reason": why}
        return said

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
