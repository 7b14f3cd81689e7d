"""Warm Terraform providers: `terraform validate` reattaches to providers already running for this worker.

Starting the AWS provider plugin and loading its schema is most of a validate (~1.5 s of ~3 s CPU). So the
providers of a prepared directory (terraform_init) are started once per worker in debug mode, each under
bot/checks/provider_host.py, which stops it when the worker exits; terraform finds them through
`TF_REATTACH_PROVIDERS`. Their addresses are kept in a small file next to the prepared directory, so the
work horses an rq worker forks (and any horse that has to restart a lost provider) share them.

`narrowed` gives one run endpoints whose schema answer keeps only the types the configuration names (see
provider_host.py): terraform then decodes a few dozen types instead of the provider's ~1,500.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import selectors
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.errors import ToolError

log = logging.getLogger(__name__)
HOST = Path(__file__).with_name("provider_host.py")
LOST = ("Failed to load plugin schemas", "connection refused", "transport is closing", "error reading from server",
        "plugin exited", "code = Unavailable")


class ProviderUnavailable(ToolError):
    """A provider did not start in debug mode."""


def plugins(prepared: Path) -> dict[str, Path]:
    """Provider address (`registry.terraform.io/hashicorp/aws`) -> executable, for every provider `init` installed."""
    base = prepared / ".terraform" / "providers"
    found: dict[str, Path] = {}
    for executable in sorted(base.glob("*/*/*/*/*/terraform-provider-*")):
        host, namespace, name = executable.relative_to(base).parts[:3]
        found[f"{host}/{namespace}/{name}"] = executable
    return found


def _alive(entry: dict[str, Any]) -> bool:
    address = (entry.get("Addr") or {}).get("String") or ""
    try:
        os.kill(int(entry.get("Pid") or 0), 0)
    except (ProcessLookupError, ValueError, PermissionError):
        return False
    return (entry.get("Addr") or {}).get("Network") != "unix" or Path(address).exists()


def _start(executable: Path, owner: int, timeout: float) -> dict[str, Any]:
    """Start one provider under its host; its TF_REATTACH_PROVIDERS entries."""
    proc = subprocess.Popen([sys.executable, "-I", str(HOST), "--owner", str(owner), "--", str(executable)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # outlives a killed work horse; stops with its owner
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        line = proc.stdout.readline() if selector.select(timeout=timeout) else b""
    proc.stdout.close()
    try:
        entries = json.loads(line)
    except ValueError:
        proc.kill()
        raise ProviderUnavailable(f"{executable.name} did not start in debug mode") from None
    return dict(entries)


def reattach(prepared: Path, owner: int, timeout: float = 120) -> str | None:
    """TF_REATTACH_PROVIDERS for the prepared directory's providers, started for `owner` unless running.

    None when the directory has no provider. Raises ProviderUnavailable."""
    executables = plugins(prepared)
    if not executables:
        return None
    record = prepared.parent / f"{prepared.name}.providers-{owner}.json"
    with open(record.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            entries = json.loads(record.read_text())
        except (OSError, ValueError):
            entries = {}
        if set(entries) != set(executables) or not all(_alive(e) for e in entries.values()):
            for entry in entries.values():
                _stop(entry)
            entries = {}
            for executable in executables.values():
                entries.update(_start(executable, owner, timeout))
            record.write_text(json.dumps(entries))
            _drop_records_of_exited_owners(prepared)
    return json.dumps(entries)


def _drop_records_of_exited_owners(prepared: Path) -> None:
    for path in prepared.parent.glob(f"{prepared.name}.providers-*"):
        try:
            os.kill(int(path.name.rsplit("-", 1)[1].split(".")[0]), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue


def forget(prepared: Path, owner: int) -> None:
    """Stop the providers recorded for `owner` (a validate lost them); the next `reattach` starts new ones."""
    record = prepared.parent / f"{prepared.name}.providers-{owner}.json"
    try:
        entries = json.loads(record.read_text())
    except (OSError, ValueError):
        return
    for entry in entries.values():
        _stop(entry)
    record.unlink(missing_ok=True)


def _stop(entry: dict[str, Any]) -> None:
    if not _alive(entry):  # never signal a recorded pid that no longer serves the recorded socket
        return
    with contextlib.suppress(ProcessLookupError, ValueError, PermissionError):
        os.kill(int(entry.get("Pid") or 0), 15)


def lost(output: str) -> bool:
    """Whether terraform's output says a reattached provider did not answer."""
    return any(marker in output for marker in LOST)


@contextlib.contextmanager
def narrowed(reattach: str, names: set[str], timeout: float = 10) -> Iterator[str]:
    """TF_REATTACH_PROVIDERS for one run whose providers answer the schema narrowed to the types in `names`.

    A provider whose host offers no narrowing (or does not answer) is reattached as it is."""
    entries: dict[str, dict[str, Any]] = json.loads(reattach)
    with contextlib.ExitStack() as sessions:
        for entry in entries.values():
            control = entry.pop("Narrow", None)
            if not control:
                continue
            try:
                conn = sessions.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
                conn.settimeout(timeout)
                conn.connect(control)
                conn.sendall(json.dumps({"names": sorted(names)}).encode() + b"\n")
                with conn.makefile("rb") as answer:
                    entry["Addr"] = dict(json.loads(answer.readline()))
            except (OSError, ValueError) as exc:
                log.warning("terraform validate with the whole provider schema: %s", exc)
        yield json.dumps(entries)


def plain(reattach: str) -> str:
    """TF_REATTACH_PROVIDERS of the providers themselves (the whole schema)."""
    entries: dict[str, dict[str, Any]] = json.loads(reattach)
    return json.dumps({address: {k: v for k, v in entry.items() if k != "Narrow"} for address, entry in entries.items()})
