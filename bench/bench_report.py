"""The report of `bench/run`: tables of figures and ratios per size, and the issue's targets next to them."""

from __future__ import annotations

import statistics
from dataclasses import asdict, is_dataclass

from national_steps import Step, query_class

TARGET_SIZE = 1741
ONE_MUNICIPALITY_MS = 20
NATIONAL_MS = 400
E2E_ONE_S = 0.5       # kg query end to end on the national build
E2E_NATIONAL_S = 2.0
SPEED_UP = 30
BUILD_REUSED_S, BUILD_SCRATCH_S, BUILD_PEAK = 60, 180, 4 * 2**30
REBUILD_ONE_S = 10
VALIDATE_ONE_S = 1.5
API_RPS, API_P99_MS = 300, 50
PUBLISH_TARGETS_S = {"from nothing": 600.0, "after one municipality changed": 30.0}


def mib(count) -> str:
    return "-" if count is None else f"{count / 2**20:,.0f}"


def ms(seconds) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def secs(value) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _query_cell(entry: dict | None) -> str:
    if not entry:
        return "-"
    if entry["status"] == "cap":
        return f"> {entry['cap'] * 1000:,.0f}"
    if entry["status"] == "error":
        return "error"
    return ms(entry["median"])


def speed_ups(results: dict, baseline: str) -> dict[str, list[float]]:
    """Per query class, the ratios baseline median / embedded median (a capped baseline counts at its cap: a floor)."""
    ox = results.get("oxigraph", {}).get("queries", {})
    other = results.get(baseline, {}).get("queries", {}) if results.get(baseline, {}).get("ok") else {}
    ratios: dict[str, list[float]] = {"one municipality": [], "national": []}
    for name, entry in ox.items():
        base = other.get(name)
        if entry.get("status") != "ok" or not base or base["status"] == "error":
            continue
        base_seconds = base["median"] if base["status"] == "ok" else base["cap"]
        ratios[query_class(name)].append(base_seconds / entry["median"])
    return ratios


def _geomean(values: list[float]) -> str:
    return f"{statistics.geometric_mean(values):,.1f}x" if values else "-"


def size_section(results: dict, *, args) -> list[str]:
    size = results["size"]
    scratch: Step = results.get("build_scratch") or Step()
    detail = scratch.detail or (results.get("build_unchanged") or Step()).detail
    triples = (f"; {detail['asserted']:,} asserted + {detail['inferred']:,} inferred triples in {detail['graphs']:,} graphs"
               if detail else "")
    at_target = size == TARGET_SIZE
    target_note = "" if at_target else f" (targets apply at {TARGET_SIZE:,})"
    lines = [f"## {size:,} municipalities{triples}", "", "### Build and validation", "",
             f"| step | seconds | peak MiB | phases (s) | target{target_note} |", "|---|---:|---:|---|---|"]

    def row(label: str, step: Step | None, target: str = "") -> None:
        if step is None:
            return
        phases = " · ".join(f"{k} {v:,.1f}" for k, v in step.phases.items() if v >= 0.05)
        cell = secs(step.seconds) if step.ok or step.seconds is None else f"{secs(step.seconds)} (failed)"
        note = f" — {step.note}" if step.note else ""
        lines.append(f"| {label}{note} | {cell} | {mib(step.peak_rss)} | {phases} | {target} |")

    row("bench/generate", results.get("generate"))
    row("kg build from nothing (no cached validation)", results.get("build_scratch"),
        f"<= {BUILD_SCRATCH_S} s, peak <= 4 GiB")
    row("kg build again, nothing changed (the previous build reused)", results.get("build_unchanged"),
        f"<= {BUILD_REUSED_S} s")
    row("kg build --full again, nothing changed (parse, closure, store again; validation reused)",
        results.get("build_full_reused"), f"<= {BUILD_REUSED_S} s")
    changed = results.get("build_one_changed")
    row(f"kg build after one municipality's file changed ({(changed.detail or {}).get('file', '')})" if changed else "",
        changed, f"<= {REBUILD_ONE_S} s")
    one = results.get("validate_one")
    row(f"kg validate one submission ({(one.detail or {}).get('file', '')}, median of 3)" if one else "", one,
        f"<= {VALIDATE_ONE_S} s")
    alone = results.get("validate_strategy_alone")
    if alone:
        verdict = "conforms" if alone.ok else f"does not conform alone: {alone.note}"
        lines.append(f"| kg validate {alone.detail.get('file')} alone — {verdict} | {secs(alone.seconds)} | "
                     f"{mib(alone.peak_rss)} |  |  |")
    row("kg validate every data file in one run (no cache)", results.get("validate_all"))
    lines += _query_table(results, target_note=target_note)
    lines += _ready_table(results)
    lines += _server_table(results, target_note=target_note, args=args)
    return lines


def _ready_table(results: dict) -> list[str]:
    """kg serve's answers worked out for every municipality at once, against each municipality's own answer."""
    check = results.get("ready_check")
    if not check:
        return []
    lines = ["### One-municipality questions answered for every municipality at once (kg serve), checked", ""]
    if "questions" not in check:
        return lines + [f"Not checked: {check.get('note', '')}", ""]
    lines += ["Each question run once with the municipality unbound (in memory), split by code, and compared byte "
              "for byte (SPARQL TSV) with the question scoped to each municipality of Japan, as a worker asks it.", "",
              "| question | national run (s) | municipalities compared | with rows | differing |",
              "|---|---:|---:|---:|---|"]
    for name, entry in check["questions"].items():
        if not entry.get("served"):
            lines.append(f"| {name} | not served so: {entry.get('reason')} | | | |")
            continue
        differing = entry["differing"]
        lines.append(f"| {name} | {secs(entry['national_seconds'])} | {entry['municipalities']:,} | "
                     f"{entry['with_rows']:,} | {len(differing)}{(': ' + ', '.join(differing[:10])) if differing else ''} |")
    return lines + [""]


def _query_table(results: dict, *, target_note: str) -> list[str]:
    ox = results.get("oxigraph", {})
    rd = results.get("rdflib", {})
    vt = results.get("virtuoso", {})
    mem = results.get("memory", {})
    lines = ["", "### Questions: median latency, warm, answer read to the last row", ""]
    if not ox.get("ok"):
        return lines + [f"Embedded store not measured: {ox.get('note', 'no build')}", ""]
    e2e = results.get("query_e2e", {}).get("queries", {})
    lines += [f"| query | kind | rows | embedded (ms) | in-memory (ms) | plain rdflib (ms) | speed-up | Virtuoso (ms) | "
              f"Virtuoso / embedded | served (in memory){target_note} | kg query end to end (s) |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for name, entry in ox["queries"].items():
        kind = query_class(name)
        base = rd.get("queries", {}).get(name) if rd.get("ok") else None
        virt = vt.get("queries", {}).get(name) if vt.get("ok") else None
        memory = mem.get("queries", {}).get(name) if mem.get("ok") else None
        rows = str(entry.get("rows", "-"))
        for other, label in ((base, "rdflib"), (virt, "Virtuoso")):
            if other and other.get("status") == "ok" and entry.get("status") == "ok" and other["rows"] != entry["rows"]:
                rows += f" ({label}: {other['rows']})"
        ratio = virt_ratio = "-"
        if entry.get("status") == "ok" and base and base["status"] in ("ok", "cap"):
            value = (base["median"] if base["status"] == "ok" else base["cap"]) / entry["median"]
            ratio = ("> " if base["status"] == "cap" else "") + f"{value:,.1f}x"
        if entry.get("status") == "ok" and virt and virt["status"] == "ok":
            virt_ratio = f"{virt['median'] / entry['median']:,.2f}x"
        limit = ONE_MUNICIPALITY_MS if kind == "one municipality" else NATIONAL_MS
        met = ""
        if memory and memory.get("status") == "ok":  # what kg serve answers from by default
            met = "met" if memory["median"] * 1000 <= limit else "NOT met"
        end_to_end = e2e.get(name, {})
        e2e_cell = f"{end_to_end['median']:.2f}" if end_to_end.get("status") == "ok" else end_to_end.get("status", "-")
        lines.append(f"| {name} | {kind} | {rows} | {_query_cell(entry)} | {_query_cell(memory)} | {_query_cell(base)} | {ratio} | "
                     f"{_query_cell(virt)} | {virt_ratio} | <= {limit} ms: {met} | {e2e_cell} |")
    lines.append("")
    ratios = speed_ups(results, "rdflib")
    if rd.get("ok"):
        everything = ratios["one municipality"] + ratios["national"]
        lines.append(f"Geometric-mean speed-up of the embedded store over plain rdflib: one municipality "
                     f"{_geomean(ratios['one municipality'])}, national aggregates {_geomean(ratios['national'])}, "
                     f"all {_geomean(everything)} (target >= {SPEED_UP}x at {TARGET_SIZE:,}). rdflib loaded the "
                     f"N-Quads dump in {secs(rd.get('load_seconds'))} s.")
    else:
        lines.append(f"Plain rdflib: {rd.get('note', 'not measured')}.")
    virtual = speed_ups(results, "virtuoso")
    if vt.get("ok"):
        lines.append(f"Virtuoso (HTTP, JSON results decoded): geometric mean of Virtuoso / embedded: one municipality "
                     f"{_geomean(virtual['one municipality'])}, national {_geomean(virtual['national'])}; push "
                     f"{secs(vt['push'].seconds)} s.")
    else:
        lines.append(f"Virtuoso: {vt.get('note', 'not measured')}.")
    if not mem.get("ok"):
        lines.append(f"In-memory store: {mem.get('note', 'not measured')}.")
    lines += ["", f"Peak memory: embedded query process {mib(ox.get('peak_rss'))} MiB (store opened in "
                  f"{secs(ox.get('load_seconds'))} s); in-memory store process {mib(mem.get('peak_rss'))} MiB (loaded in "
                  f"{secs(mem.get('load_seconds'))} s); rdflib process {mib(rd.get('peak_rss'))} MiB; Virtuoso server "
                  f"{mib(vt.get('server_peak_rss'))} MiB; kg push {mib(vt['push'].peak_rss) if vt.get('push') else '-'} MiB.", ""]
    return lines


def _server_table(results: dict, *, target_note: str, args) -> list[str]:
    server, memory = results.get("server", {}), results.get("server_memory", {})
    lines = ["### Server (kg serve on loopback)", ""]
    if not server.get("ok"):
        return lines + [f"Not measured: {server.get('note', '')}.", ""]
    started = (f"kg serve --store disk ready (/health 200) {secs(server.get('startup_seconds'))} s after start, peak memory "
               f"(process tree) {mib(server.get('server_peak_rss'))} MiB")
    if memory.get("ok"):
        started += (f"; kg serve --store memory (one process loads the dump, the workers are forked from it) {secs(memory.get('startup_seconds'))} s, "
                    f"{mib(memory.get('server_peak_rss'))} MiB")
    for label, source in (("disk", server), ("memory", memory)):
        ready = (source.get("ready_answers") or {}).get(server["api_query"], {})
        if ready.get("state") == "ready":
            started += (f". --store {label}: {server['api_query']} answered for every municipality "
                        f"{secs(source.get('ready_answers_after_seconds'))} s after start (its national run "
                        f"{secs(ready.get('seconds'))} s, {ready.get('bytes', 0) / 2**20:.1f} MiB kept)")
        elif ready:
            started += f". --store {label}: {server['api_query']} not answered ahead: {ready.get('state')} {ready.get('reason', '')}"
    lines += [f"Up to {args.server_requests:,} requests per call, {args.server_concurrency} client threads (Python, httpx) on the "
              f"same machine, kg serve with its per-client limits off (--rate 0 --client-queries 0); req/s and "
              f"latencies count answered requests (200). {started}.", "",
              f"| call | requests | errors | req/s | p50 (ms) | p99 (ms) | target{target_note} |",
              "|---|---:|---:|---:|---:|---:|---|"]
    calls = [(server, "api", f"named-query API: GET /api/queries/{server['api_query']}?municipality=…, "
                             "each municipality once, none asked before (uncached; from the answers worked out when the build was opened)"),
             (server, "api_cached", "API calls already answered once, again: from the server's answer cache"),
             (server, "sparql", "SPARQL: GET /sparql?query=… (one municipality's plans)")]
    if memory.get("ok"):
        calls += [(memory, "api", "kg serve --store memory: named-query API, each municipality once, none asked before (uncached)"),
                  (memory, "sparql", "kg serve --store memory: SPARQL (one municipality's plans)")]
    elif memory:
        lines.append(f"kg serve --store memory not measured: {memory.get('note', '')}.")
    for source, key, label in calls:
        load = source.get(key, {})
        if "rps" not in load:
            lines.append(f"| {label} | failed: {load.get('note', '')} | | | | | |")
            continue
        target = f">= {API_RPS} req/s, p99 <= {API_P99_MS} ms" if key.startswith("api") else ""
        if key.startswith("api"):
            target += ": " + ("met" if load["rps"] >= API_RPS and load["p99"] * 1000 <= API_P99_MS else "NOT met")
        stopped = " (time limit)" if load.get("stopped_by_time_limit") else ""
        errors = f"{load['errors']}" + (f" ({load['first_error'][:80]})" if load.get("first_error") else "")
        lines.append(f"| {label} | {load['requests']:,}{stopped} | {errors} | {load['rps']:,.0f} | {ms(load['p50'])} | "
                     f"{ms(load['p99'])} | {target} |")
    return lines + [""]


def targets_table(results: dict) -> list[str]:
    """The issue's targets against the figures of the largest size measured."""
    size = results["size"]
    lines = [f"## Targets (measured at {size:,} municipalities" +
             ("" if size == TARGET_SIZE else f"; the targets are set for {TARGET_SIZE:,}, so this only indicates") + ")",
             "", "| target | measured | met |", "|---|---|---|"]

    def add(target: str, measured: str, ok: bool | None) -> None:
        lines.append(f"| {target} | {measured} | {'-' if ok is None else ('yes' if ok else 'NO')} |")

    ox = results.get("oxigraph", {}).get("queries", {})
    for kind, limit in (("one municipality", ONE_MUNICIPALITY_MS), ("national", NATIONAL_MS)):
        entries = {n: e for n, e in ox.items() if query_class(n) == kind and e.get("status") == "ok"}
        if entries:
            worst = max(entries, key=lambda n: entries[n]["median"])
            add(f"embedded (on disk, kg query's store): every question about {kind} <= {limit} ms median",
                f"slowest {worst}: {ms(entries[worst]['median'])} ms", entries[worst]["median"] * 1000 <= limit)
    # Served: kg serve answers from memory by default when the build fits its budget (kg.serve.store_choice).
    memory = results.get("memory", {}).get("queries", {})
    for kind, limit in (("one municipality", ONE_MUNICIPALITY_MS), ("national", NATIONAL_MS)):
        entries = {n: e for n, e in memory.items() if query_class(n) == kind and e.get("status") == "ok"}
        if entries:
            worst = max(entries, key=lambda n: entries[n]["median"])
            over = sorted(n[:2] for n, e in entries.items() if e["median"] * 1000 > limit)
            add(f"served (in memory, kg serve's default): every question about {kind} <= {limit} ms median",
                f"slowest {worst}: {ms(entries[worst]['median'])} ms; over: {', '.join(over) or 'none'}",
                not over)
    vt = results.get("virtuoso", {})
    if vt.get("ok") and memory:
        slower = [n[:2] for n, e in memory.items() if e.get("status") == "ok"
                  and vt["queries"].get(n, {}).get("status") == "ok" and e["median"] > vt["queries"][n]["median"]]
        add("served (in memory): each question at least as fast as Virtuoso",
            f"slower than Virtuoso: {', '.join(slower) or 'none'}", not slower)
    e2e = results.get("query_e2e", {}).get("queries", {})
    for kind, limit in (("one municipality", E2E_ONE_S), ("national", E2E_NATIONAL_S)):
        entries = {n: e for n, e in e2e.items() if query_class(n) == kind}
        if entries:
            failed = sorted(n[:2] for n, e in entries.items() if e.get("status") != "ok")
            timed = {n: e["median"] for n, e in entries.items() if e.get("status") == "ok"}
            worst = max(timed, key=timed.get) if timed else None
            over = sorted(n[:2] for n, s in timed.items() if s > limit)
            add(f"kg query end to end, every question about {kind} <= {limit} s (median)",
                (f"slowest {worst}: {timed[worst]:.2f} s; " if worst else "") + f"over: {', '.join(over) or 'none'}"
                + (f"; failed: {', '.join(failed)}" if failed else ""), not over and not failed)
    if vt.get("ok"):
        slower = [n for n, e in ox.items() if e.get("status") == "ok" and vt["queries"].get(n, {}).get("status") == "ok"
                  and e["median"] > vt["queries"][n]["median"]]
        add("embedded (on disk): each question at least as fast as Virtuoso",
            f"slower than Virtuoso: {', '.join(slower) or 'none'}", not slower)
    else:
        add("each question at least as fast as Virtuoso", vt.get("note", "not measured"), None)
    ratios = speed_ups(results, "rdflib")
    everything = ratios["one municipality"] + ratios["national"]
    add(f"geometric mean >= {SPEED_UP}x faster than plain rdflib", _geomean(everything) if everything else
        results.get("rdflib", {}).get("note", "not measured"),
        statistics.geometric_mean(everything) >= SPEED_UP if everything else None)
    for key, label, limit in (("build_unchanged", "build reusing unchanged files (kg build)", BUILD_REUSED_S),
                              ("build_full_reused", "build reusing validation only (kg build --full)", BUILD_REUSED_S),
                              ("build_scratch", "build from nothing", BUILD_SCRATCH_S),
                              ("build_one_changed", "rebuild after one municipality's file changed", REBUILD_ONE_S),
                              ("validate_one", "one submission validated", VALIDATE_ONE_S)):
        step: Step | None = results.get(key)
        if step is not None and step.seconds is not None:
            add(f"{label} <= {limit} s", f"{step.seconds:,.1f} s" + ("" if step.ok else " (failed)"),
                step.ok and step.seconds <= limit)
    peaks = [s.peak_rss for k, s in results.items() if k.startswith("build_") and isinstance(s, Step) and s.peak_rss]
    if peaks:
        add("build peak memory <= 4 GiB", f"{mib(max(peaks))} MiB", max(peaks) <= BUILD_PEAK)
    for server, key, how in (("server", "api", "uncached"), ("server_memory", "api", "uncached, kg serve --store memory"),
                             ("server", "api_cached", "answer cache")):
        api = results.get(server, {}).get(key, {})
        label = f"named-query API >= {API_RPS} req/s with p99 <= {API_P99_MS} ms ({how})"
        if "rps" in api:
            add(label, f"{api['rps']:,.0f} req/s, p99 {ms(api['p99'])} ms",
                api["rps"] >= API_RPS and api["p99"] * 1000 <= API_P99_MS)
        else:
            add(label, results.get(server, {}).get("note", "not measured"), None)
    for step in results.get("publish", []):
        limit = PUBLISH_TARGETS_S.get(step["label"])
        if limit is None:      # the build before the publishes failed: said in the publish section
            continue
        label = f"kg publish {step['label']} <= {limit:,.0f} s"
        if step.get("ok") and step.get("seconds") is not None:
            add(label, f"{step['seconds']:,.1f} s, peak {mib(step['peak_rss'])} MiB", step["seconds"] <= limit)
        else:
            add(label, step.get("note") or "did not run", False)
    return lines + [""]


def plain(value):
    """Results as JSON-ready data."""
    if is_dataclass(value):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
