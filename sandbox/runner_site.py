"""The packages a workflow job's Python sees under act: dev-agent's runtime dependencies, as installed here.

A fresh runner would download every pinned dependency of `.github/dev-agent/requirements.txt`; under act the
setup-python stand-in gives the job a fresh venv whose `.pth` adds this directory instead. It holds links to
the installed distributions of dev-agent's dependency closure (runtime only: no test tools, not dev-agent
itself), so pip finds the pins satisfied and installs only the dev-agent wheel, and to pip (the venv is made
without ensurepip, which takes ~20 s on a busy runner).

The plan jobs also install checkov (96 pinned packages) into a venv of their own: 3-4 minutes per run. As a
runner image's warm tool cache would, :func:`checkov_site` hands the stand-in this host's checkov (the same pinned
version, in `.venv-checkov`), which it seeds that venv with, so the workflow's own hash-pinned install finds the
pins satisfied.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import os
import shutil
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT_DISTRIBUTION = "dev-agent"


def runtime_closure(root: str = ROOT_DISTRIBUTION) -> list[metadata.Distribution]:
    """Installed distributions `root` needs at run time (markers evaluated; extras only where a requirement asks
    for them, e.g. `pyjwt[crypto]`), without `root`."""
    found: dict[str, metadata.Distribution] = {}
    extras_seen: dict[str, set[str]] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        raw, extras = todo.pop()
        name = canonicalize_name(raw)
        if name in found and extras <= extras_seen[name]:
            continue
        dist = found.get(name) or metadata.distribution(name)
        found[name] = dist
        extras_seen[name] = extras_seen.get(name, set()) | extras
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": e}) for e in {"", *extras}):
                todo.append((requirement.name, frozenset(requirement.extras)))
    found.pop(canonicalize_name(root))
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def _top_level(dist: metadata.Distribution) -> set[str]:
    """Entries of site-packages a distribution owns (packages, modules, its .dist-info); scripts are skipped."""
    names = set()
    for file in dist.files or []:
        parts = Path(file).parts
        if parts and parts[0] != ".." and not parts[0].endswith(".pth") and parts[0] != "__pycache__":
            names.add(parts[0])
    return names


def runner_site_packages(cache: Path | None = None) -> Path:
    """A directory of links to the runtime dependencies (built once per set of versions; safe in parallel)."""
    dists = [*runtime_closure(), metadata.distribution("pip")]
    key = hashlib.sha256("\n".join(f"{d.metadata['Name']}=={d.version}@{d.locate_file('')}" for d in dists)
                         .encode()).hexdigest()[:16]
    base = cache or Path(os.environ.get("DEV_AGENT_ACT_CACHE") or Path.home() / ".cache" / "dev-agent" / "act")
    target = base / f"site-{key}"
    if target.is_dir():
        return target
    base.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="site-", dir=base))
    for dist in dists:
        site = Path(str(dist.locate_file("")))
        for name in _top_level(dist):
            link = building / name
            if not link.exists() and (site / name).exists():
                link.symlink_to(site / name)
    try:
        building.rename(target)
    except OSError:  # another process built it first
        shutil.rmtree(building, ignore_errors=True)
    return target


def checkov_site() -> Path | None:
    """site-packages of the checkov on PATH (`.venv-checkov`, scripts/env.sh) when it is a venv of this Python
    version; None otherwise (the job then installs checkov itself)."""
    found = shutil.which("checkov")
    if found is None:
        return None
    site = (Path(found).resolve().parent.parent / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
            / "site-packages")
    return site if (site / "checkov").is_dir() else None
