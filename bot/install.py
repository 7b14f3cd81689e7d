"""Where the generated workflows install dev-agent (and the validators) from: always pinned, never a bare name.

The `install` setting (DEV_AGENT_INSTALL, JSON) or the org policy file's `install:` key is one of
- `{"kind": "index", "version": "1.4.2", "sha256": "...", "index_url": "https://pypi.acme.internal/simple"}`:
  an exact version from the org's index, checked against its hash;
- `{"kind": "wheel", "url": "https://artifacts.acme.internal/dev_agent-1.4.2-py3-none-any.whl", "sha256": "..."}`;
- `{"kind": "container", "image": "ghcr.io/acme/dev-agent@sha256:..."}`: jobs run in that image (it carries
  dev-agent, Terraform and the validators), nothing is installed.
Dependencies and validators always come from `index_url` with the hashes of generators/workflows/locks/*.txt.
In sandbox mode with nothing configured, a wheel built from this very source is pinned by its sha256.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import tomllib
import zipfile
from functools import lru_cache
from pathlib import Path

from bot.install_source import InstallSource
from bot.settings import Settings
from policies.schema import load_policy

SOURCE_PACKAGES = ("bot", "generators", "policies")


def effective_install(settings: Settings) -> InstallSource | None:
    """The install source the workflows use: the setting, else the org policy's, else (sandbox mode only) a wheel
    of this source; None when nothing is configured (the workflows then stop with an error naming the setting)."""
    if settings.install is not None:
        return settings.install
    policy = load_policy(settings.policy_file)
    if policy.install is not None:
        return policy.install
    if settings.sandbox:
        return local_wheel()
    return None


def _source_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _source_files(root: Path) -> list[Path]:
    files = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
                files.append(path)
    return files


def _metadata(root: Path) -> tuple[str, str, str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requires = "".join(f"Requires-Dist: {r}\n" for r in project.get("dependencies", []))
    metadata = (f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
                f"Summary: {project.get('description', '')}\nRequires-Python: {project.get('requires-python', '')}\n"
                + requires)
    scripts = "".join(f"{k} = {v}\n" for k, v in project.get("scripts", {}).items())
    return project["version"], metadata, f"[console_scripts]\n{scripts}"


def build_wheel(out_dir: Path, root: Path | None = None) -> Path:
    """A reproducible wheel of the source tree (same files → same bytes → same sha256), without setuptools."""
    root = root or _source_root()
    version, metadata, entry_points = _metadata(root)
    dist_info = f"dev_agent-{version}.dist-info"
    entries: list[tuple[str, bytes]] = [(str(p.relative_to(root)).replace(os.sep, "/"), p.read_bytes())
                                        for p in _source_files(root)]
    entries += [(f"{dist_info}/METADATA", metadata.encode()),
                (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: dev-agent\nRoot-Is-Purelib: true\n"
                                       b"Tag: py3-none-any\n"),
                (f"{dist_info}/entry_points.txt", entry_points.encode())]
    record = "".join(f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
                     f"{len(data)}\n" for name, data in entries) + f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"dev_agent-{version}-py3-none-any.whl"
    with (tempfile.NamedTemporaryFile(dir=out_dir, suffix=".part", delete=False) as tmp,
          zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as wheel):
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    os.replace(tmp.name, target)
    return target


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def local_wheel() -> InstallSource:
    """Sandbox default: this source as a wheel under the user cache, pinned by its sha256 (file:// URL)."""
    root = _source_root()
    digest = hashlib.sha256()
    for path in [*_source_files(root), root / "pyproject.toml"]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dev-agent" / "wheels"
    out_dir = cache / digest.hexdigest()[:16]
    wheels = sorted(out_dir.glob("dev_agent-*-py3-none-any.whl"))
    wheel = wheels[0] if wheels else build_wheel(out_dir, root)
    return InstallSource(kind="wheel", url=wheel.resolve().as_uri(), sha256=sha256_of(wheel))
