"""What `kg build` reports: a result, or the refusal of data that does not conform."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EXIT_INVALID, KgError
from ..validation.report import ValidationReport


class BuildInvalid(KgError):
    """The data does not conform: nothing was published; the previous build stays current."""

    exit_code = EXIT_INVALID

    def __init__(self, report: ValidationReport):
        super().__init__(f"the data does not conform to the shapes ({len(report.issues)} problem(s)); the previous "
                         "build is unchanged", hint="fix the resources listed above, or run `kg validate FILE` on one file")
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    path: str
    asserted_triples: int
    inferred_triples: int
    graphs: int
    seconds: float
    rebuilt_files: int | None = None  # None: built from nothing; else how many files a rebuild parsed
