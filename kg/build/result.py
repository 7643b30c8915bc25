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


class BuildMergesResources(KgError):
    """The closure infers that two different resources are one (owl:sameAs): publishing it would copy labels, numbers
    and classifications between them. Nothing is published; the previous build stays current."""

    exit_code = EXIT_INVALID

    def __init__(self, pairs: list[tuple[str, str]]):
        shown = "\n".join(f"  {a}\n    = {b}" for a, b in pairs[:10])
        more = f"\n  … and {len(pairs) - 10} more" if len(pairs) > 10 else ""
        super().__init__(f"the closure infers that {len(pairs)} pair(s) of different resources are the same "
                         f"(owl:sameAs); the previous build is unchanged:\n{shown}{more}",
                         hint="a property declared owl:FunctionalProperty or owl:InverseFunctionalProperty has two "
                              "values for one resource (stated, or through an inverse such as jpp:hasPart): give it "
                              "one, or drop the declaration from the ontology if two are legitimate")
        self.pairs = pairs


@dataclass(frozen=True)
class BuildResult:
    path: str
    asserted_triples: int
    inferred_triples: int
    graphs: int
    seconds: float
    rebuilt_files: int | None = None  # None: built from nothing; else how many files a rebuild parsed
