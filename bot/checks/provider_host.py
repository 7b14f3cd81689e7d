"""Serve one Terraform provider in debug mode for as long as its owner process lives (standard library only).

    python provider_host.py --owner PID -- /path/to/terraform-provider-aws_v5.100.0_x5

A provider started with `-debug` listens on a local socket and prints the `TF_REATTACH_PROVIDERS` value that
lets terraform use it instead of starting the plugin itself. This host prints that value (one JSON line),
keeps reading the provider's output so it never blocks, and stops the provider when the owner exits.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time

REATTACH = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--owner", required=True, type=int)
    parser.add_argument("plugin", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [part for part in args.plugin if part != "--"]
    provider = subprocess.Popen([*command, "-debug"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    assert provider.stdout is not None
    try:
        for line in provider.stdout:
            found = REATTACH.search(line)
            if found:
                sys.stdout.write(found.group(1) + "\n")
                sys.stdout.flush()
                break
        else:
            return
        threading.Thread(target=_drain, args=(provider.stdout,), daemon=True).start()
        while _alive(args.owner) and provider.poll() is None:
            time.sleep(1.0)
    finally:
        if provider.poll() is None:
            provider.terminate()
            try:
                provider.wait(timeout=10)
            except subprocess.TimeoutExpired:
                provider.kill()


if __name__ == "__main__":
    main()
