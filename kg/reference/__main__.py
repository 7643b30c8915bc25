"""`python -m kg.reference [PATH]`: write the reference Turtle from the pinned national list (exit 2 if it is missing)."""

from __future__ import annotations

import sys
from pathlib import Path

from .national_list import NationalListError, read_pinned_list
from .registry import REFERENCE_NAME
from .turtle import reference_turtle


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / REFERENCE_NAME
    try:
        national = read_pinned_list()
    except NationalListError as err:
        print(f"kg.reference: {err}", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".ttl.partial")
    partial.write_text(reference_turtle(national), encoding="utf-8")
    partial.replace(target)  # all or nothing: a failed run leaves the previous file
    print(f"{target}: {len(national.rows)} local governments from {national.version} (sha256 {national.sha256[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
