"""Shared parts of the tests of a server that lives through rebuilds (tests/test_rebuilds.py, tests/test_soak.py): a
copy of the project whose data a test may change, real `kg build`s of it, and a label whose text says which
version of the data a build was made from.
"""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

from conftest import ROOT, run_kg

# One label of the seed data, changed by the tests: "あそぼうよ！青梅（第N版）" in version N.
LABEL_FILE = Path("data/ttl/132055-ome-strategy.ttl")
LABEL = "あそぼうよ！青梅"
SUBJECT = "https://w3id.org/jp-plan-kg/id/plan/132055/strategy-2/core-concept"
LABEL_QUERY = f"SELECT ?label WHERE {{ <{SUBJECT}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def project_copy(root: Path) -> Path:
    """The project's ontology, data and queries, copied (the data of the checkout is never changed)."""
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    assert f'"{LABEL}"@ja' in (root / LABEL_FILE).read_text(encoding="utf-8")
    return root


def label_of(version: int) -> str:
    return f"{LABEL}（第{version}版）"


def set_version(root: Path, version: int) -> None:
    path = root / LABEL_FILE
    text, count = re.subn(f'"{re.escape(LABEL)}[^"]*"@ja', f'"{label_of(version)}"@ja', path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")


def build(root: Path, build_dir: Path, *, timeout: float = 120) -> str:
    """A real `kg build` (the rules closure: a second or two on the seed data); returns the new build's id."""
    result = run_kg("build", "--closure", "rules", root=root, build_dir=build_dir, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    match = re.search(r"^built (\S+): ", result.stdout, re.MULTILINE)
    assert match, result.stdout
    return Path(match.group(1)).name


def label_in(csv_answer: str) -> str:
    """The label from a CSV answer of LABEL_QUERY (one row)."""
    lines = csv_answer.strip().splitlines()
    assert len(lines) == 2 and lines[0] == "label", csv_answer
    return lines[1]


class HeldRequest:
    """A POST of a query whose headers are sent now and whose body is sent later: the request has arrived (the
    server has chosen the build it is served from) but cannot be answered until `finish`."""

    def __init__(self, url: str, query: str):
        host, port = url.removeprefix("http://").split(":")
        self.body = query.encode("utf-8")
        self.socket = socket.create_connection((host, int(port)), timeout=30)
        self.socket.sendall((f"POST /sparql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/sparql-query"
                             f"\r\nAccept: text/csv\r\nContent-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
                             ).encode("ascii"))

    def finish(self) -> tuple[int, dict[str, str], str]:
        """Send the body; the status, headers (lower-case names) and body of the answer."""
        self.socket.sendall(self.body)
        data = b""
        while chunk := self.socket.recv(65536):
            data += chunk
        self.socket.close()
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            body = _unchunked(body)
        return int(lines[0].split()[1]), headers, body.decode("utf-8")


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size, 16)
        if not length:
            break
        out += rest[:length]
        body = rest[length + 2:]
    return out
