"""`kg virtuoso start|stop|status`: a throwaway local Virtuoso to push to and query (see kg/virtuoso.py)."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "virtuoso", help="start or stop a throwaway Virtuoso on 127.0.0.1 (Debian's virtuoso-opensource)",
        description="A Virtuoso with its own virtuoso.ini and database in one folder (default BUILD_DIR/virtuoso), "
                    "listening on 127.0.0.1 only, account dba/dba. The database stays in the folder between a stop "
                    "and the next start; delete the folder to begin again.")
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument("--dir", type=Path, help="the server's folder (default: BUILD_DIR/virtuoso)")
    p.add_argument("--http-port", type=int, default=0, help="default: a free port")
    p.add_argument("--sql-port", type=int, default=0, help="default: a free port")
    p.add_argument("--buffers", type=int, default=None, help="NumberOfBuffers, 8 kB pages (default 20000)")
    p.set_defaults(run=run_virtuoso)


def run_virtuoso(args, project) -> int:
    from ..errors import EXIT_OK, KgError
    from ..remote.virtuoso import DEFAULT_BUFFERS, read_state, start_virtuoso, stop_virtuoso

    folder = (args.dir or project.build_dir / "virtuoso").resolve()
    if args.action == "start":
        server = start_virtuoso(folder, buffers=args.buffers or DEFAULT_BUFFERS, http_port=args.http_port,
                                sql_port=args.sql_port)
        server.process = None   # it outlives this command: `kg virtuoso stop` ends it
        print(f"Virtuoso (pid {server.pid}) in {folder}\n"
              f"  SPARQL:       {server.sparql_endpoint}\n"
              f"  Graph Store:  {server.graph_store_endpoint}  (digest auth, {server.user}/{server.password})\n"
              f"push:  KG_PUSH_USER={server.user} KG_PUSH_PASSWORD={server.password} "
              f"kg push --endpoint {server.graph_store_endpoint} --prune {server.sparql_endpoint}\n"
              f"query: kg query 05 --endpoint {server.sparql_endpoint}\n"
              f"stop:  kg virtuoso stop" + ("" if args.dir is None else f" --dir {folder}"))
        return EXIT_OK
    server = read_state(folder)
    if server is None:
        raise KgError(f"no Virtuoso started from {folder}", hint="kg virtuoso start")
    if args.action == "status":
        from ..remote.virtuoso import is_running
        running = is_running(server)
        print(f"Virtuoso (pid {server.pid}) {'running' if running else 'not running'}: {server.sparql_endpoint}")
        return EXIT_OK if running else 1
    stop_virtuoso(server)
    print(f"stopped Virtuoso (pid {server.pid}); its database stays in {folder}")
    return EXIT_OK
