"""Write a generated file tree atomically: everything is staged in a temp dir first, then moved into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


def safe_relative(path: str) -> PurePosixPath:
    """Reject absolute paths and `..` so generated files stay inside the output directory."""
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"refusing to write outside the output directory: {path!r}")
    return rel


def write_tree(files: dict[str, str], out_dir: Path, replace_dir: str | None = None) -> list[Path]:
    """Write `files` (relative path -> text) under `out_dir`.

    `replace_dir` (e.g. `environments/payments-api-staging`) is swapped in whole, so files a re-plan
    no longer produces disappear; other files are replaced one by one. If anything fails while
    staging, `out_dir` is left exactly as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dev-agent-staging-", dir=out_dir))
    try:
        for path, text in files.items():
            target = staging / safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if replace_dir is not None:
            rel = safe_relative(replace_dir)
            final = out_dir / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                trash = staging / ".previous"
                os.replace(final, trash)
            os.replace(staging / rel, final)
        for path in files:
            rel = safe_relative(path)
            if replace_dir is not None and str(rel).startswith(str(safe_relative(replace_dir)) + "/"):
                continue
            (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out_dir / rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / safe_relative(p) for p in sorted(files)]
