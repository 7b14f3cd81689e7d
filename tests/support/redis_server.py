"""A real redis-server on a free port for tests (never fakeredis)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server without persistence; `stop()`/`start()` keep the same port (for outage tests)."""

    def __init__(self, password: str | None = None) -> None:
        self.password = password
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="redis-test-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on `self.port`; a first start moves to another port if this one was taken meanwhile."""
        for _ in range(5):
            if self._start_once():
                return
            if self.started_once:
                break
            self.port = free_port()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    started_once = False

    def _start_once(self) -> bool:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, *(["--requirepass", self.password] if self.password else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.client().info("server")["process_id"] == self.process.pid:  # ours, not a neighbour's
                    self.started_once = True
                    return True
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.02)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self):
        from redis import Redis

        return Redis.from_url(self.url)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    from tests.conftest import require_tool

    require_tool("redis-server")
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)
