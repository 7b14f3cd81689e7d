"""The client of the warm checkov process (bot/checks/checkov_server.py), one per worker.

`WarmCheckov.run(argv, cwd, timeout)` returns what the `checkov` CLI would print for `argv`, without paying
checkov's start-up: the server keeps checkov imported and forks a child per scan. The server is started on
first use (or by `bot.checks.warm_up` before an rq worker forks its work horses, so every job finds it warm),
restarted when it is gone (it exits on its own past a memory ceiling), and exits when its owner process does.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO

from bot.errors import ToolError

SERVER = Path(__file__).with_name("checkov_server.py")
OFFLINE_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


class WarmUnavailable(ToolError):
    """The warm process could not be started or did not answer (the caller falls back to the CLI)."""


def checkov_python(binary: str) -> str:
    """The interpreter of checkov's virtualenv: the `checkov` script's shebang, else `python` beside it."""
    path = Path(binary)
    try:
        first = path.read_bytes()[:512].split(b"\n", 1)[0].decode()
    except OSError:
        first = ""
    if first.startswith("#!"):
        interpreter = first[2:].strip().split()[0]
        if Path(interpreter).is_file():
            return interpreter
    sibling = path.parent / "python"
    if sibling.is_file():
        return str(sibling)
    raise WarmUnavailable(f"no Python interpreter found for {binary}")


class WarmCheckov:
    """One warm checkov server: its socket, its owner (the server exits when the owner exits), its limits."""

    def __init__(self, binary: str, owner: int | None = None, max_rss_mb: float = 1024.0,
                 start_timeout: float = 120.0):
        self.binary = binary
        self.python = checkov_python(binary)
        self.owner = owner or os.getpid()
        self.max_rss_mb = max_rss_mb
        self.start_timeout = start_timeout
        self.socket_path = Path(tempfile.gettempdir()) / f"dev-agent-checkov-{self.owner}-{uuid.uuid4().hex[:8]}.sock"
        self.pid: int | None = None  # of the server this process (or its parent, before a fork) started
        self.starts = 0
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None

    # server
    def start(self) -> None:
        """Start a server and wait until it listens (checkov imported)."""
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        """Start a server process (without waiting for checkov's imports: see wait_ready)."""
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - wait_ready reads and closes it
        self._proc = subprocess.Popen(
            [self.python, str(SERVER), "--socket", str(self.socket_path), "--owner", str(self.owner),
             "--max-rss-mb", str(self.max_rss_mb)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors, cwd="/",
            env={**os.environ, **OFFLINE_ENV}, start_new_session=True,  # outlives a killed work horse
        )
        self.pid = self._proc.pid

    def wait_ready(self) -> None:
        """Wait until the spawned server listens; raises WarmUnavailable (with its error output) if it does not."""
        proc, errors = self._proc, self._errors
        assert proc is not None and errors is not None and proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            ready = bool(selector.select(timeout=self.start_timeout)) and proc.stdout.readline() == b"ready\n"
        proc.stdout.close()
        self._proc = self._errors = None
        try:
            if not ready:
                proc.kill()
                proc.wait()
                self.pid = None
                errors.seek(0)
                tail = errors.read().decode(errors="replace").strip()[-2000:]
                raise WarmUnavailable(f"the warm checkov process did not start: {tail or 'no output'}")
        finally:
            errors.close()
        self.starts += 1

    def ensure_started(self) -> None:
        """Start the server unless one answers on the socket."""
        with self._lock:
            if not self._listening():
                self.start()

    def _listening(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.connect(str(self.socket_path))
            return True
        except OSError:
            return False

    def close(self) -> None:
        """Stop the server (if this process started it) and remove its socket."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            self.pid = None
        self.socket_path.unlink(missing_ok=True)

    # scans
    def run(self, argv: list[str], cwd: Path, timeout: float) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) of `checkov <argv>` run in `cwd`.

        Starts the server when none listens; a scan whose fork died without answering is tried once more.
        Raises TimeoutError past `timeout`, WarmUnavailable when no server answers."""
        for _attempt in range(3):
            try:
                return self._request(argv, cwd, timeout)
            except (FileNotFoundError, ConnectionRefusedError):
                self.ensure_started()
            except ConnectionError:
                continue
        raise WarmUnavailable("the warm checkov process closed the connection without an answer")

    def _request(self, argv: list[str], cwd: Path, timeout: float) -> tuple[int, str, str]:
        deadline = time.monotonic() + timeout + 5  # the server's own alarm fires first
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout + 5)
            conn.connect(str(self.socket_path))
            conn.sendall(json.dumps({"argv": argv, "cwd": str(cwd), "timeout": timeout}).encode() + b"\n")
            chunks = []
            while True:
                conn.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    chunk = conn.recv(1 << 20)
                except TimeoutError:
                    raise TimeoutError("checkov timed out") from None
                if not chunk:
                    break
                chunks.append(chunk)
        data = b"".join(chunks)
        if not data.endswith(b"\n"):
            raise ConnectionResetError("no answer")
        answer = json.loads(data)
        if answer.get("timed_out"):
            raise TimeoutError("checkov timed out")
        return int(answer["exit"]), str(answer["stdout"]), str(answer["stderr"])


_owner: int | None = None


def adopt_owner() -> int:
    """Make this process the owner of the warm checkers it and its forks start (an rq worker, before forking)."""
    global _owner
    _owner = os.getpid()
    return _owner


def owner() -> int:
    """The process whose exit stops this process's warm checkers: the adopting worker, else this process."""
    return _owner or os.getpid()


_shared: WarmCheckov | None = None
_shared_lock = threading.Lock()


def shared(binary: str, max_rss_mb: float = 1024.0) -> WarmCheckov:
    """This process's warm checkov (a work horse forked after `warm_up` inherits its parent's)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.binary != binary:
            _shared = WarmCheckov(binary, owner=owner(), max_rss_mb=max_rss_mb)
        return _shared
