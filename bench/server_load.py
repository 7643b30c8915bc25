"""A load generator for `kg serve` on loopback: a fixed number of GET requests from a few threads.

    python bench/server_load.py URLS.json --requests 2000 --concurrency 8 [--timeout 60]

URLS.json is a list of URLs (on 127.0.0.1) taken in turn. Each thread has its own keep-alive connection. Prints
one JSON object: requests, errors (non-200 answers or failures, with the first message), wall seconds, answered
requests per second, and latency percentiles of the answered requests, in seconds. Stops by itself: a fixed request count and a time limit.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ACCEPT = "application/sparql-results+json"


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> int:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    args = parser.parse_args()
    urls = json.loads(args.urls.read_text(encoding="utf-8"))
    for url in urls:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"server_load: only loopback is load-tested, not {url}")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(args.requests))
    deadline = time.monotonic() + args.timeout

    def worker():
        with httpx.Client(timeout=30, headers={"Accept": ACCEPT}) as client:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                started = time.perf_counter()
                try:
                    answer = client.get(urls[index % len(urls)])
                    answer.read()
                    failed = None if answer.status_code == 200 else f"HTTP {answer.status_code}: {answer.text[:200]}"
                except httpx.HTTPError as exc:
                    failed = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    if failed:
                        errors.append(failed)
                    else:
                        latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    # Throughput and latency count answered requests (200) only; refusals and failures are reported apart.
    print(json.dumps({
        "requests": len(latencies) + len(errors), "answered": len(latencies), "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "seconds": seconds, "rps": len(latencies) / seconds if seconds else 0.0,
        "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99), "max": latencies[-1] if latencies else None,
        "concurrency": args.concurrency, "stopped_by_time_limit": len(latencies) + len(errors) < args.requests,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
