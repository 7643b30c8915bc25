"""Answers of the named-query API kept for repeated calls.

A build never changes once made, so an answer stays right for as long as its build is served (each build served
has a cache of its own, kg.serve.state; the key names the build too). Answers are keyed on the question, its
parameters and the format; the cache holds at most a given number of bytes, dropping the least recently used
answers first. Only complete answers (200) are kept: a timeout or a refusal is asked again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    media_type: str
    headers: dict[str, str]


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._answers: OrderedDict[tuple, CachedAnswer] = OrderedDict()

    def get(self, key: tuple) -> CachedAnswer | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: tuple, answer: CachedAnswer) -> None:
        if len(answer.body) > self.max_bytes or key in self._answers:
            return
        self._answers[key] = answer
        self.size += len(answer.body)
        while self.size > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self.size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)
