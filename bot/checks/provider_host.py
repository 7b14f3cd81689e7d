"""Serve one Terraform provider in debug mode for as long as its owner process lives (standard library + grpc).

    python provider_host.py --owner PID -- /path/to/terraform-provider-aws_v5.100.0_x5

A provider started with `-debug` listens on a local socket and prints the `TF_REATTACH_PROVIDERS` value that
lets terraform use it instead of starting the plugin itself. This host prints that value (one JSON line),
keeps reading the provider's output so it never blocks, and stops the provider when the owner exits.

Narrowed schemas: terraform asks the provider for its whole schema on every run and decodes all of it (the AWS
provider describes ~1,500 resource and data source types; decoding them is most of a `terraform validate`). With
grpc installed, the host also listens on a control socket (the entry's `Narrow` key): a client sends one JSON
line `{"names": [...]}` (every word of the configuration) and gets back `{"Network": "unix", "String": PATH}`, a
gRPC endpoint for this one run that forwards every call to the provider unchanged, except the schema, which it
answers from the provider's own answer (asked once) keeping only the types whose name is one of those words.
Terraform consults the schema of the types a configuration names, so the run's outcome is the same; the endpoint
closes when the client closes its control connection.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

try:
    import grpc
except ImportError:  # the host still serves the plain provider
    grpc = None

REATTACH = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")
SCHEMA_METHODS = {"/tfplugin5.Provider/GetSchema", "/tfplugin6.Provider/GetProviderSchema"}
# GetProviderSchema.Response maps of type name -> schema (resources, data sources, ephemeral, list, actions);
# provider, diagnostics, provider_meta, capabilities and functions are kept whole.
TYPE_MAPS = {2, 3, 8, 9, 10}
MESSAGE_LIMIT = 256 << 20  # terraform's and the plugin SDKs' gRPC message limit


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drain(stream: object) -> None:
    for _line in stream:  # type: ignore[attr-defined]
        pass


def _varint(data: bytes, index: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, index
        shift += 7


def _fields(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """Top-level protobuf fields of `data`: (number, payload of a length-delimited field else b"", raw bytes)."""
    found, index = [], 0
    while index < len(data):
        start = index
        tag, index = _varint(data, index)
        kind, payload = tag & 7, b""
        if kind == 0:
            _, index = _varint(data, index)
        elif kind == 1:
            index += 8
        elif kind == 5:
            index += 4
        elif kind == 2:
            length, index = _varint(data, index)
            payload, index = data[index:index + length], index + length
        else:
            raise ValueError(f"unsupported protobuf wire type {kind}")
        found.append((tag >> 3, payload, data[start:index]))
    return found


def schema_parts(response: bytes) -> list[tuple[str | None, bytes]]:
    """A GetProviderSchema response as (type name or None for what is always kept, raw field bytes)."""
    parts: list[tuple[str | None, bytes]] = []
    for number, payload, raw in _fields(response):
        key = None
        if number in TYPE_MAPS:
            key = next((p.decode() for n, p, _ in _fields(payload) if n == 1), "")
        parts.append((key, raw))
    return parts


def narrowed(parts: list[tuple[str | None, bytes]], names: set[str]) -> bytes:
    """The response keeping only the types named in `names` (and everything that is not a type)."""
    return b"".join(raw for key, raw in parts if key is None or key in names)


class Narrowing:
    """Per-run gRPC endpoints in front of one provider (see the module docstring)."""

    def __init__(self, upstream: dict[str, Any]):
        self.method = "/tfplugin6.Provider/GetProviderSchema" if upstream.get("ProtocolVersion") == 6 \
            else "/tfplugin5.Provider/GetSchema"
        address = upstream["Addr"]
        target = f"unix:{address['String']}" if address.get("Network") == "unix" else address["String"]
        options = [("grpc.max_send_message_length", MESSAGE_LIMIT), ("grpc.max_receive_message_length", MESSAGE_LIMIT)]
        self.options = options
        self.channel = grpc.insecure_channel(target, options=options)
        self.directory = tempfile.mkdtemp(prefix="dev-agent-narrow-")
        self.control = os.path.join(self.directory, "control.sock")
        self._schemas: dict[str, list[tuple[str | None, bytes]]] = {}
        self._lock = threading.Lock()

    def listen(self) -> None:
        """Accept runs on the control socket; ask the provider for its schema now, before the first run needs it."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(self.control)
        server.listen(16)
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        threading.Thread(target=self._prefetch, daemon=True).start()

    def _prefetch(self) -> None:
        with contextlib.suppress(grpc.RpcError, ValueError):
            self.schema(self.method, b"", set(), 120)

    def _accept(self, server: socket.socket) -> None:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        """One run: read the names, serve an endpoint until the client closes the connection."""
        with conn, conn.makefile("rb") as lines:
            try:
                names = set(json.loads(lines.readline())["names"])
            except (ValueError, KeyError, TypeError):
                return
            path = os.path.join(self.directory, f"{uuid.uuid4().hex[:12]}.sock")
            server = grpc.server(ThreadPoolExecutor(max_workers=8), options=self.options)
            server.add_generic_rpc_handlers([_Forward(self, names)])
            server.add_insecure_port(f"unix:{path}")
            server.start()
            try:
                conn.sendall(json.dumps({"Network": "unix", "String": path}).encode() + b"\n")
                while lines.read(4096):
                    pass
            finally:
                server.stop(None)
                with contextlib.suppress(OSError):
                    os.unlink(path)

    def schema(self, method: str, request: bytes, names: set[str], timeout: float | None) -> bytes:
        with self._lock:
            if method not in self._schemas:
                self._schemas[method] = schema_parts(self.forward(method, request, timeout))
            parts = self._schemas[method]
        return narrowed(parts, names)

    def forward(self, method: str, request: bytes, timeout: float | None) -> bytes:
        call: Callable[..., bytes] = self.channel.unary_unary(method)
        return call(request, timeout=timeout)


class _Forward(grpc.GenericRpcHandler if grpc is not None else object):  # type: ignore[misc]
    """Every unary call forwarded as bytes; the schema narrowed; streams (stdio, broker) not offered."""

    def __init__(self, narrowing: Narrowing, names: set[str]):
        self.narrowing = narrowing
        self.names = names

    def service(self, details: Any) -> Any:
        method = details.method
        if method.startswith("/plugin."):
            return None  # go-plugin's stdio/broker/controller: terraform runs without them (as UNIMPLEMENTED)

        def unary(request: bytes, context: Any) -> bytes:
            remaining = context.time_remaining()  # None or a huge number without a deadline
            timeout = remaining if remaining is not None and remaining < 86400 else None
            try:
                if method in SCHEMA_METHODS:
                    return self.narrowing.schema(method, request, self.names, timeout)
                return self.narrowing.forward(method, request, timeout)
            except grpc.RpcError as exc:
                context.abort(exc.code(), exc.details() or "")
                raise

        return grpc.unary_unary_rpc_method_handler(unary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--owner", required=True, type=int)
    parser.add_argument("plugin", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [part for part in args.plugin if part != "--"]
    provider = subprocess.Popen([*command, "-debug"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    assert provider.stdout is not None
    entries: dict[str, Any] = {}
    try:
        for line in provider.stdout:
            found = REATTACH.search(line)
            if found:
                entries = json.loads(found.group(1))
                if grpc is not None:
                    for entry in entries.values():
                        narrowing = Narrowing(entry)
                        narrowing.listen()
                        entry["Narrow"] = narrowing.control
                sys.stdout.write(json.dumps(entries) + "\n")
                sys.stdout.flush()
                break
        else:
            return
        threading.Thread(target=_drain, args=(provider.stdout,), daemon=True).start()
        while _alive(args.owner) and provider.poll() is None:
            time.sleep(1.0)
    finally:
        for entry in entries.values() if entries else ():
            if entry.get("Narrow"):
                shutil.rmtree(os.path.dirname(entry["Narrow"]), ignore_errors=True)
        if provider.poll() is None:
            provider.terminate()
            try:
                provider.wait(timeout=10)
            except subprocess.TimeoutExpired:
                provider.kill()


if __name__ == "__main__":
    main()
