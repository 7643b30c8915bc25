"""Shared fixtures: one real build of the project's data per test session, in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build
from kg.project import Project, default_project
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Project:
    return default_project(root=ROOT, build_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(project) -> Project:
    build(project)
    return project


@pytest.fixture(scope="session")
def store(built):
    return open_store(built)


def run_kg(*args: str, build_dir: Path | None = None, root: Path | None = None, stdin: str | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command, in a fresh process, as a user runs it."""
    command = [sys.executable, "-m", "kg"]
    if root is not None:
        command += ["--root", str(root)]
    if build_dir is not None:
        command += ["--build-dir", str(build_dir)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(command + list(args), capture_output=True, text=True, input=stdin, timeout=timeout, env=env)


def require(condition: bool, reason: str) -> None:
    """Skip a test that needs a real server or browser, visibly; in CI (CI=true) a missing part is a failure."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI installs it (.ci/run), so this must not be missing here")
    pytest.skip(reason)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium, never a browser it downloads (shared/TESTING.md)."""
    require(Path(CHROMIUM).is_file(), f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--disable-dev-shm-usage"]}
