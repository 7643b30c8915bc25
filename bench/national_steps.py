"""The measurements of `bench/run` on one synthetic nation: generate, build, validate, query, push, serve.

Each step runs the real command in a child process (bench/measure.py) and returns plain figures; a step that
cannot run says why instead of stopping the others.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

from measure import TreeSampler, peak_rss_of, run_child

from kg.namespaces import ID, sparql_prefixes
from kg.project import default_project
from kg.query import BuiltStore, prepare
from kg.query.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
KG = [PYTHON, "-m", "kg"]
ONE_MUNICIPALITY = ("04", "12", "15")     # questions about one municipality; the others are national aggregates
PHASE_LINE = re.compile(r"^· (\w+)")
BUILT_LINE = re.compile(r"([\d,]+) asserted \+ ([\d,]+) inferred triples in (\d+) graphs")


def query_class(name: str) -> str:
    return "one municipality" if name[:2] in ONE_MUNICIPALITY else "national"


@dataclass
class Step:
    """One measured command: seconds and peak memory, or why it did not run."""

    seconds: float | None = None
    peak_rss: int | None = None
    ok: bool = False
    note: str = ""
    phases: dict[str, float] = field(default_factory=dict)
    detail: dict = field(default_factory=dict)


def step_from(run, *, phases: bool = False) -> Step:
    step = Step(seconds=run.seconds, peak_rss=run.peak_rss, ok=run.ok, note="" if run.ok else run.failure())
    if phases:
        step.phases = build_phases(run)
    return step


def build_phases(run) -> dict[str, float]:
    """Seconds per phase of `kg build`, from when its progress lines (· parse …, · closure …) appeared on stderr."""
    marks: list[tuple[float, str]] = [(0.0, "start")]
    for at, line in run.stderr_lines:
        found = PHASE_LINE.match(line)
        if found and found.group(1) != marks[-1][1]:
            marks.append((at, found.group(1)))
    marks.append((run.seconds, "end"))
    phases: dict[str, float] = {}
    for (at, name), (next_at, _) in pairwise(marks):
        phases[name] = phases.get(name, 0.0) + next_at - at
    return phases


class NationalRun:
    """All measurements at one size; results accumulate in `self.results`."""

    def __init__(self, size: int, args, *, say):
        self.size, self.args, self.say = size, args, say
        self.root = (args.out / f"national-{size}").resolve()
        self.manifest: dict = {}
        self.results: dict = {"size": size}

    # -- data and builds -----------------------------------------------------------------------------------------

    def generate(self) -> bool:
        manifest_path = self.root / "national.json"
        if self.args.reuse and manifest_path.exists():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if (manifest.get("seed"), manifest.get("municipalities"), manifest.get("restated_citations")) == \
                    (self.args.seed, self.size, self.args.restate_citations):
                self.manifest = manifest
                self.results["generate"] = Step(ok=True, note="reused (--reuse)")
                return True
        self.say(f"[{self.size}] generate")
        run = run_child([PYTHON, str(BENCH / "national.py"), "-n", str(self.size), "--seed", str(self.args.seed),
                         "--out", str(self.root), "-q"] + (["--restate-citations"] if self.args.restate_citations else []),
                        cwd=ROOT)
        self.results["generate"] = step_from(run)
        if run.ok:
            self.manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        return run.ok

    def _build(self, label: str, *options: str) -> Step:
        self.say(f"[{self.size}] kg build: {label}")
        run = run_child(KG + ["--root", str(self.root), "build", *options], cwd=ROOT, timeout=self.args.build_timeout)
        step = step_from(run, phases=True)
        found = BUILT_LINE.search(run.stdout)
        if found:
            step.detail = {"asserted": int(found.group(1).replace(",", "")), "inferred": int(found.group(2).replace(",", "")),
                           "graphs": int(found.group(3))}
        if not run.ok and "does not conform" in run.stderr:
            step.note = "the data does not conform: " + _first_violation(run.stderr)
        return step

    def builds(self) -> bool:
        current = self.root / "build" / "current"
        if self.args.reuse and current.exists() and self.results["generate"].note.startswith("reused"):
            self.results["build_scratch"] = Step(ok=True, note="reused (--reuse)")
            if self.args.skip_rebuilds:
                return True
        else:
            shutil.rmtree(self.root / "build", ignore_errors=True)
            self.results["build_scratch"] = self._build("from nothing")
            if not self.results["build_scratch"].ok:
                return False
        self.results["build_unchanged"] = self._build("again, nothing changed")
        # The same with everything parsed, inferred and stored again: only validation results are reused.
        self.results["build_full_reused"] = self._build("again with --full, nothing changed", "--full")
        changed = self._changed_file()
        original = changed.read_bytes()
        try:
            changed.write_bytes(_with_one_value_changed(original))
            self.results["build_one_changed"] = self._build(f"after {changed.name} changed")
            self.results["build_one_changed"].detail["file"] = changed.name
        finally:
            changed.write_bytes(original)
        # Back to the generated data, so that every later step sees exactly what the seed made.
        restore = self._build("restore the generated data")
        return restore.ok

    def _changed_file(self) -> Path:
        code = self.manifest["sample"]["municipality_code"]
        return sorted((self.root / "data" / "ttl").glob(f"{code}-*-comprehensive-plan.ttl"))[0]

    # -- validation ----------------------------------------------------------------------------------------------

    def validation(self) -> None:
        if self.args.skip_validate:
            return
        data = self.root / "data" / "ttl"
        code = self.manifest["sample"]["municipality_code"]
        plan_file = sorted(data.glob(f"{code}-*-comprehensive-plan.ttl"))[0]
        strategy_file = sorted(data.glob(f"{code}-*-strategy.ttl"))[0]
        self.say(f"[{self.size}] kg validate {plan_file.name}")
        runs = [run_child(KG + ["--root", str(self.root), "validate", str(plan_file)], cwd=ROOT) for _ in range(3)]
        ok = [r for r in runs if r.returncode == 0]
        step = Step(ok=len(ok) == len(runs), detail={"file": plan_file.name})
        if ok:
            step.seconds = sorted(r.seconds for r in ok)[len(ok) // 2]
            step.peak_rss = max(r.peak_rss for r in ok)
        else:
            step.note = runs[0].failure()
        self.results["validate_one"] = step
        # A strategy cites measures stated in the comprehensive plan's file: alone, its citations cannot resolve.
        alone = run_child(KG + ["--root", str(self.root), "validate", str(strategy_file)], cwd=ROOT)
        self.results["validate_strategy_alone"] = Step(
            seconds=alone.seconds, peak_rss=alone.peak_rss, ok=alone.returncode == 0,
            note="conforms" if alone.returncode == 0 else _first_violation(alone.stdout + alone.stderr),
            detail={"file": strategy_file.name})
        if self.args.skip_validate_all:
            self.results["validate_all"] = Step(note="skipped (--skip-validate-all)")
            return
        files = sorted(str(p) for p in data.rglob("*.ttl"))
        self.say(f"[{self.size}] kg validate all {len(files)} data files in one run (cap {self.args.validate_cap:.0f} s)")
        run = run_child(KG + ["--root", str(self.root), "validate"] + files, cwd=ROOT, timeout=self.args.validate_cap)
        step = step_from(run)
        if run.timed_out:
            step.note = f"> {self.args.validate_cap:.0f} s (stopped)"
        elif run.returncode == 1:
            step.note = "does not conform: " + _first_violation(run.stdout)
        self.results["validate_all"] = step

    # -- queries -------------------------------------------------------------------------------------------------

    def query_file(self) -> Path:
        """Every named query with its parameters bound for this nation, as bench/query_latency.py reads them."""
        sample = self.manifest["sample"]
        given = {"municipality": sample["municipality_code"], "resource": sample["resource"]}
        # The text kg query and kg serve run (kg.query.prepare): a question about one municipality names its graphs.
        built = BuiltStore.open(default_project(root=self.root))
        queries = []
        for query in catalogue(ROOT / "queries"):
            values = {p.name: given[p.name] for p in query.params if p.name in given}
            queries.append({"name": query.name, "text": prepare(query, values, on=built).text})
        path = self.root / "bench-queries.json"
        path.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def _latency(self, engine: str, extra: list[str], *, repeat: int, timeout: float) -> dict:
        run = run_child([PYTHON, str(BENCH / "query_latency.py"), str(self.query_file()), "--engine", engine,
                         "--repeat", str(repeat)] + extra, cwd=ROOT, timeout=timeout,
                        on_stderr_line=lambda _at, line: self.say(f"[{self.size}]{line}"))
        if not run.ok:
            return {"ok": False, "note": run.failure(), "peak_rss": run.peak_rss}
        answer = json.loads(run.stdout.strip().splitlines()[-1])
        answer.update(ok=True, peak_rss=run.peak_rss, seconds=run.seconds)
        return answer

    def embedded_queries(self) -> None:
        self.say(f"[{self.size}] embedded store (pyoxigraph, in-process, warm): {self.args.repeat} runs per query")
        self.results["oxigraph"] = self._latency("oxigraph", ["--root", str(self.root), "--cap", str(self.args.query_cap)],
                                                 repeat=self.args.repeat, timeout=16 * self.args.query_cap * (self.args.repeat + 1))

    def memory_queries(self) -> None:
        if self.args.skip_memory:
            self.results["memory"] = {"ok": False, "note": "skipped (--skip-memory)"}
            return
        dataset = self.root / "build" / "current" / "dataset.nq"
        self.say(f"[{self.size}] the same build in pyoxigraph's in-memory store (loaded from dataset.nq)")
        self.results["memory"] = self._latency(
            "oxigraph-memory", ["--dataset", str(dataset), "--cap", str(self.args.query_cap)],
            repeat=self.args.repeat, timeout=self.args.build_timeout + 16 * self.args.query_cap * (self.args.repeat + 1))

    def ready_answers_check(self) -> None:
        """The answers kg serve works out for every municipality at once, compared with each municipality's own
        answer, for every municipality (bench/ready_check.py)."""
        if self.args.skip_memory:
            return
        self.say(f"[{self.size}] kg serve's ready answers against each municipality's scoped answer")
        run = run_child([PYTHON, str(BENCH / "ready_check.py"), str(self.root)], cwd=ROOT,
                        timeout=self.args.build_timeout, on_stderr_line=lambda _at, line: self.say(f"[{self.size}]{line}"))
        if run.stdout.strip():
            self.results["ready_check"] = {"ok": run.ok, **json.loads(run.stdout.strip().splitlines()[-1])}
        else:
            self.results["ready_check"] = {"ok": False, "note": run.failure()}

    def query_end_to_end(self) -> None:
        """`kg query NAME` as a user runs it on the national build: a new process each time (start, open the
        store, prepare, answer, print CSV), the median of a few runs per question."""
        if self.args.skip_queries:
            return
        repeat = self.args.e2e_repeat
        self.say(f"[{self.size}] kg query end to end on the national build: {repeat} runs per question")
        sample = self.manifest["sample"]
        given = {"municipality": sample["municipality_code"], "resource": sample["resource"]}
        answers: dict[str, dict] = {}
        for query in catalogue(ROOT / "queries"):
            params = [a for p in query.params if p.name in given for a in ("--param", f"{p.name}={given[p.name]}")]
            seconds = []
            for _ in range(repeat):
                run = run_child(KG + ["--root", str(self.root), "query", query.name, "--format", "csv", *params],
                                cwd=ROOT, timeout=self.args.query_cap * 2)
                if not run.ok:
                    answers[query.name] = {"status": "failed", "note": run.failure()}
                    break
                seconds.append(run.seconds)
            else:
                answers[query.name] = {"status": "ok", "median": sorted(seconds)[len(seconds) // 2]}
        self.results["query_e2e"] = {"ok": True, "queries": answers, "repeat": repeat}

    def rdflib_queries(self) -> None:
        if self.args.skip_rdflib:
            self.results["rdflib"] = {"ok": False, "note": "skipped (--skip-rdflib)"}
            return
        if self.args.rdflib_sizes and self.size not in self.args.rdflib_sizes:
            self.results["rdflib"] = {"ok": False, "note": f"not run at this size (--rdflib-sizes {self.args.rdflib_sizes})"}
            return
        dataset = self.root / "build" / "current" / "dataset.nq"
        self.say(f"[{self.size}] plain rdflib in memory: load {dataset.stat().st_size / 1e6:.0f} MB of N-Quads, "
                 f"then {self.args.rdflib_repeat} runs per query, each capped at {self.args.rdflib_cap:.0f} s")
        timeout = self.args.rdflib_load_cap + 16 * self.args.rdflib_cap * (self.args.rdflib_repeat + 1) + 60
        result = self._latency("rdflib", ["--dataset", str(dataset), "--cap", str(self.args.rdflib_cap),
                                          "--load-cap", str(self.args.rdflib_load_cap)],
                               repeat=self.args.rdflib_repeat, timeout=timeout)
        if result.get("ok") and result.get("load_seconds") is None:
            result.update(ok=False, note=f"loading took more than {self.args.rdflib_load_cap:.0f} s (--rdflib-load-cap)")
        self.results["rdflib"] = result

    def virtuoso_queries(self) -> None:
        if self.args.skip_virtuoso:
            self.results["virtuoso"] = {"ok": False, "note": "skipped (--skip-virtuoso)"}
            return
        from kg.remote.virtuoso import available, start_virtuoso, stop_virtuoso

        if not available():
            self.results["virtuoso"] = {"ok": False, "note": "virtuoso-t / isql-vt not installed (apt-get install virtuoso-opensource)"}
            return
        folder = self.args.out / f"virtuoso-{self.size}"
        shutil.rmtree(folder, ignore_errors=True)
        self.say(f"[{self.size}] Virtuoso: start, kg push, queries over HTTP")
        server = start_virtuoso(folder, buffers=self.args.virtuoso_buffers)
        try:
            env = {**os.environ, "KG_PUSH_USER": server.user, "KG_PUSH_PASSWORD": server.password}
            push = run_child(KG + ["--root", str(self.root), "push", "--endpoint", server.graph_store_endpoint, "-q"],
                             cwd=ROOT, env=env, timeout=self.args.build_timeout)
            result = {"push": step_from(push)}
            if push.ok:
                result.update(self._latency("http", ["--endpoint", server.sparql_endpoint, "--cap", str(self.args.query_cap)],
                                            repeat=self.args.repeat, timeout=16 * self.args.query_cap * (self.args.repeat + 1)))
            else:
                result.update(ok=False, note=f"kg push failed: {push.failure()}")
            result["server_peak_rss"] = peak_rss_of(server.pid)
        finally:
            stop_virtuoso(server)
        self.results["virtuoso"] = result

    # -- the server ----------------------------------------------------------------------------------------------

    def server_load(self) -> None:
        if self.args.skip_server:
            self.results["server"] = {"ok": False, "note": "skipped (--skip-server)"}
            return
        self.results["server"] = self._serve_and_load(in_memory=False)
        # The same calls on kg serve --store memory: workers answering from the dump loaded in memory (what
        # --store auto, the default, chooses when the build fits the memory budget).
        self.results["server_memory"] = self._serve_and_load(in_memory=True)

    def _serve_and_load(self, *, in_memory: bool) -> dict:
        self.say(f"[{self.size}] kg serve --store {'memory' if in_memory else 'disk'} + load generator "
                 f"({self.args.server_requests} requests, {self.args.server_concurrency} threads, loopback)")
        # One load generator is one client: the server's per-client limits (meant for the public) are turned off.
        options = ["--port", "0", "--rate", "0", "--client-queries", "0", "--store", "memory" if in_memory else "disk"]
        if self.args.server_workers:
            options += ["--workers", str(self.args.server_workers)]
        process = subprocess.Popen(KG + ["--root", str(self.root), "serve"] + options, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   start_new_session=True, text=True)
        started = time.perf_counter()
        sampler = TreeSampler(process.pid)
        sampler.start()
        lines: list[str] = []
        try:
            base = _wait_for_server(process, lines, timeout=self.args.server_start_timeout)
            startup = time.perf_counter() - started
            # The one-municipality questions are answered from answers the server works out for every
            # municipality once its workers run (kg.serve.ready_answers): the load starts when they are there.
            ready = _wait_for_ready_answers(base, self.args.api_query, timeout=self.args.server_start_timeout)
            ready_after = time.perf_counter() - started
            codes = self.manifest.get("municipality_codes") or [self.manifest["sample"]["municipality_code"]]
            api = [f"{base}/api/queries/{self.args.api_query}?municipality={code}" for code in codes]
            sparql = [f"{base}/sparql?query=" + quote(_sparql_lookup(code)) for code in codes]
            result = {"ok": True, "api_query": self.args.api_query, "startup_seconds": startup,
                      "ready_answers_after_seconds": ready_after, "ready_answers": ready}
            # The API first with every municipality once (nothing cached yet: each call runs its query), then the
            # same calls again, answered from the server's cache of named-query answers: reported apart.
            # The cached figure is taken over calls already answered once (a warm-up pass, not reported, makes
            # sure of it): at national scale the uncached pass may stop at its time limit before every
            # municipality was asked.
            cold = min(self.args.server_requests, len(api))
            result["api"] = self._load("api", api, cold)
            if not in_memory:  # the answer cache is the same whatever the workers read from
                warm = api[:max(1, min(result["api"].get("answered") or 0, 500))]
                self._load("api_warm", warm, len(warm))
                result["api_cached"] = self._load("api_cached", warm, self.args.server_requests)
            result["sparql"] = self._load("sparql", sparql, self.args.server_requests)
            result["server_peak_rss"] = sampler.peak
        except RuntimeError as exc:
            result = {"ok": False, "note": f"{exc}; its messages: {' / '.join(lines[-5:])}"}
        finally:
            sampler.stop()
            _stop(process)
        return result


    def _load(self, name: str, urls: list[str], requests: int) -> dict:
        path = self.root / f"bench-urls-{name}.json"
        path.write_text(json.dumps(urls), encoding="utf-8")
        load = run_child([PYTHON, str(BENCH / "server_load.py"), str(path), "--requests", str(requests),
                          "--concurrency", str(self.args.server_concurrency), "--timeout",
                          str(self.args.server_time_limit)], cwd=ROOT, timeout=self.args.server_time_limit + 120)
        return json.loads(load.stdout) if load.ok else {"note": load.failure()}


def _wait_for_server(process: subprocess.Popen, lines: list[str], *, timeout: float) -> str:
    """The server's base URL, once /health answers 200."""
    import httpx

    found: dict = {}

    def read():
        for line in process.stderr:
            lines.append(line.rstrip())
            match = re.search(r"at (http://[\d.]+:\d+)/", line)
            if match:
                found["base"] = match.group(1)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with code {process.returncode}")
        if "base" in found:
            try:
                if httpx.get(found["base"] + "/health", timeout=5).status_code == 200:
                    return found["base"]
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    raise RuntimeError(f"kg serve did not answer /health within {timeout:.0f} s")


def _wait_for_ready_answers(base: str, name: str, *, timeout: float) -> dict:
    """/health's account of the ready answers once question `name`'s are ready (or failed, or not served)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = httpx.get(base + "/health", timeout=5).json().get("ready_answers", {})
        if said.get(name, {}).get("state", "not served") not in ("waiting", "computing"):
            return said
        time.sleep(0.2)
    raise RuntimeError(f"kg serve did not have the answers of {name} ready within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _sparql_lookup(code: str) -> str:
    return (sparql_prefixes("jpp", "dcterms")
            + f"SELECT ?plan ?title WHERE {{ ?plan jpp:municipality <{ID}municipality/{code}> ; dcterms:title ?title }}")


def _with_one_value_changed(turtle: bytes) -> bytes:
    """The file with its first numeric value raised by one: a real change of one triple, still valid."""
    text = turtle.decode("utf-8")
    match = re.search(r"jpp:numericValue (\d+)\.(\d+)", text)
    if match is None:
        return (text + "\n# changed by bench/run\n").encode("utf-8")
    changed = f"jpp:numericValue {int(match.group(1)) + 1}.{match.group(2)}"
    return (text[:match.start()] + changed + text[match.end():]).encode("utf-8")


def _first_violation(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = next((line for line in lines if "件の問題" in line or "problem(s)" in line), lines[0] if lines else "")
    shape = next((line for line in lines if "シェイプ" in line or line.startswith("shape")), "")
    return f"{head} {shape}".strip()[:300]
