"""The progress lines of a long publish step: counts, and an estimate of the time left that the start-up before the
first result does not distort."""

from kg.publish.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_time_left_is_estimated_from_the_pace_after_the_first_result():
    clock, said = Clock(), []
    progress = Progress("pages", 1000, said.append, every=0.0, clock=clock)
    clock.now = 60.0            # a minute of start-up (workers reading the dump) before anything is done
    progress.advance(100)
    assert said[-1] == "pages 100/1000 (10%)"   # one result: no pace yet, no guess
    clock.now = 70.0            # then 100 pages in 10 s: 800 left take 80 s
    progress.advance(100)
    assert said[-1] == "pages 200/1000 (20%), about 80 s left"
    clock.now = 85.0
    progress.advance(800)
    assert said[-1] == "pages 1000/1000 (100%), 85 s"   # the whole step, start-up included


def test_lines_come_at_most_every_few_seconds_and_the_last_always():
    clock, said = Clock(), []
    progress = Progress("pages", 30, said.append, every=5.0, clock=clock)
    for step in range(1, 31):
        clock.now = step * 0.5
        progress.advance(1)
    # At 5 s and 10 s, and the last; the pace from the first page on (1 page in 0.5 s).
    assert said == ["pages 10/30 (33%), about 10 s left", "pages 20/30 (66%), about 5 s left", "pages 30/30 (100%), 15 s"]
