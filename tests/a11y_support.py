"""axe-core in the browser tests: every kind of page is checked against the WCAG 2.1 A and AA rules (the level
Japanese public bodies are asked for, JIS X 8341-3 AA), and a test fails on any violation, naming the rule and
where it is."""

from __future__ import annotations

import importlib.util

from conftest import require

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """axe's violations on the page as it is now, one line each: rule, how many places, the first place, why."""
    require(importlib.util.find_spec("axe_playwright_python") is not None,
            "axe-playwright-python is not installed (pip install -e '.[test]')")
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    found = []
    for rule in results.response["violations"]:
        first = rule["nodes"][0]
        why = " ".join(first.get("failureSummary", "").split())
        found.append(f"{rule['id']} ({len(rule['nodes'])} places, e.g. {first['target']}): {why[:300]}")
    return found


def assert_accessible(page, what: str) -> None:
    found = violations(page)
    assert not found, f"{what} ({page.url}):\n" + "\n".join(found)
