"""The warm checkov process: checkov imported once, each scan in a fork of it (run by checkov's own Python).

    <checkov venv>/bin/python checkov_server.py --socket PATH --owner PID [--max-rss-mb N]

Runs in checkov's virtualenv (it pins its own python-hcl2 fork), so it imports only the standard library and
checkov, never `bot`. It listens on a Unix socket; a client sends one JSON line
`{"argv": [...checkov CLI arguments...], "cwd": "...", "timeout": seconds}` and reads one JSON line back,
`{"exit": N, "stdout": "...", "stderr": "..."}` (what the `checkov` CLI prints for those arguments) or
`{"timed_out": true}`.

Each request runs `checkov.main.Checkov(argv).run()` in a forked child of the warm process, so a scan pays
neither the ~2 s of imports nor any state left by an earlier scan (checkov's runners are module-level objects
that keep the last scan's definitions: a second scan in one process reports the first one's resources, so
the warm process itself never scans, not even a warm-up sample), and a crashing scan (the connection closes
without an answer) cannot take the server down. Requests are served concurrently (a child each). The server
exits when its owner process is gone, when its socket file is removed or replaced, or after a scan when its
own memory passes --max-rss-mb (the client starts a fresh one).
"""

from __future__ import annotations

import argparse
import copy
import gc
import io
import json
import os
import resource
import selectors
import signal
import socket
import sys
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any

READY = b"ready\n"


def _load_checkov() -> Any:
    """Import checkov (not this file's neighbour bot/checks/checkov.py: the script's directory leaves sys.path)."""
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != here]
    # deferred: checkov lives in its own virtualenv (.venv-checkov); only this server process, run there, imports it
    import checkov.main

    _build_ply_once()
    return checkov.main


def _build_ply_once() -> None:
    """checkov's JSONPath library (bc_jsonpath_ng) builds a new PLY lexer and LALR parser for every path it parses
    (~50 ms of reflection and regex compiling each, about half of a Terraform scan's CPU). Build each once per
    lexer/parser class, here before the forks, and hand every caller a copy: PLY's own `Lexer.clone(object)` bound
    to the caller, and a copy of the parser on the same tables (the grammar's actions keep no state)."""
    try:
        # deferred: PLY and bc_jsonpath_ng are checkov's, in its own virtualenv; only this server process imports them
        import ply.lex  # type: ignore[import-not-found]
        import ply.yacc  # type: ignore[import-not-found]
        from bc_jsonpath_ng import parse as parse_path  # type: ignore[import-not-found]
        from bc_jsonpath_ng.ext import parse as parse_extended_path  # type: ignore[import-not-found]
    except ImportError:
        return
    lexers: dict[tuple[type, str], Any] = {}
    parsers: dict[tuple[type, str], Any] = {}
    build_lexer, build_parser = ply.lex.lex, ply.yacc.yacc

    def lexer(module: Any = None, **options: Any) -> Any:
        if module is None or isinstance(module, types.ModuleType):
            return build_lexer(module=module, **options)
        key = (type(module), repr(sorted(options.items())))
        if key not in lexers:
            lexers[key] = build_lexer(module=module, **options)
        return lexers[key].clone(module)

    def parser(*args: Any, module: Any = None, **options: Any) -> Any:
        if args or module is None or isinstance(module, types.ModuleType):
            return build_parser(*args, module=module, **options)
        key = (type(module), repr(sorted(options.items())))
        if key not in parsers:
            parsers[key] = build_parser(module=module, **options)
        return copy.copy(parsers[key])

    ply.lex.lex, ply.yacc.yacc = lexer, parser
    parse_path("$.warm")
    parse_extended_path("$.warm")


def _run_scan(main: Any, request: dict[str, Any]) -> dict[str, Any]:
    """One checkov CLI run in this (forked) process, its stdout/stderr captured through temporary files."""
    os.chdir(request.get("cwd") or "/")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _run_captured(main, list(request["argv"]), out, err)


def _run_captured(main: Any, argv: list[str], out: Any, err: Any) -> dict[str, Any]:
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=False)
    sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", line_buffering=True)
    code: int = 0
    try:
        result = main.Checkov(argv).run()
        code = int(result or 0)
    except SystemExit as exc:  # the CLI's exit paths (parser errors, exit_run)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str) and exc.code:
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - reported to the client like the CLI's traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    out.seek(0)
    err.seek(0)
    return {"exit": code, "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace")}


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    request = json.loads(data)
    if not isinstance(request, dict) or not isinstance(request.get("argv"), list):
        raise ValueError("request must be a JSON object with an `argv` list")
    return request


def _serve_child(main: Any, conn: socket.socket) -> None:
    """In the forked child: answer one connection, then exit without running the parent's cleanup."""
    code = 0
    try:
        try:
            request = _read_request(conn)
        except (ValueError, OSError) as exc:
            answer: dict[str, Any] = {"exit": 2, "stdout": "", "stderr": f"bad request: {exc}"}
        else:
            _answer_at_timeout(conn, float(request.get("timeout") or 600))
            answer = _run_scan(main, request)
            signal.setitimer(signal.ITIMER_REAL, 0)
        conn.sendall(json.dumps(answer).encode() + b"\n")
    except BaseException:  # noqa: BLE001 - the client sees a closed connection and reports the failure
        code = 1
    finally:
        os._exit(code)


def _answer_at_timeout(conn: socket.socket, seconds: float) -> None:
    """Past `seconds`, answer `timed_out` and end the scan (the client reports a timeout, like the CLI's)."""
    def expire(_signum: int, _frame: Any) -> None:
        try:
            conn.sendall(json.dumps({"timed_out": True}).encode() + b"\n")
        finally:
            os._exit(1)

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(socket_path: Path, owner: int, max_rss_mb: float) -> None:
    main = _load_checkov()
    gc.collect()
    gc.freeze()  # forked scans neither scan nor copy (on write) the warm objects in their collections
    socket_path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(socket_path))
    server.listen(16)
    inode = socket_path.stat().st_ino
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    try:
        while True:
            ready = selector.select(timeout=1.0)
            _reap()
            if not _alive(owner) or not _same_socket(socket_path, inode):
                return
            if not ready:
                continue
            conn, _ = server.accept()
            pid = os.fork()
            if pid == 0:
                server.close()
                _serve_child(main, conn)
            conn.close()
            if _rss_mb() > max_rss_mb:  # the scan just handed off still answers; the next one finds a fresh server
                return
    finally:
        server.close()
        if _same_socket(socket_path, inode):
            socket_path.unlink(missing_ok=True)


def _same_socket(path: Path, inode: int) -> bool:
    try:
        return path.stat().st_ino == inode
    except OSError:
        return False


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("--owner", required=True, type=int, help="exit when this process is gone")
    parser.add_argument("--max-rss-mb", type=float, default=1024.0)
    args = parser.parse_args()
    serve(args.socket, args.owner, args.max_rss_mb)


if __name__ == "__main__":
    main()
