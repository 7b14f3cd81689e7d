"""Pre-initialised Terraform data directories, one per provider set, so `terraform validate` skips `init`.

`terraform init` of an environment only installs its providers (generated configurations call no modules).
So one directory per set of `required_providers` (and terraform binary and CLI config) is initialised once,
under the terraform state home, and every validate of a configuration with that set runs with
`TF_DATA_DIR` pointing at it and its dependency lock file copied in. A configuration the prepared directory
does not fit (an implicit provider, a module) is reported by `needs_own_init`; the check then runs `init`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from bot import hclread
from bot.checks.cache import tool_identity
from bot.errors import ToolError
from bot.pipeline import terraform
from generators.hcl import block, render
from generators.terraform.aws.versions import AWS_PROVIDER

LOCK_FILE = ".terraform.lock.hcl"
NEEDS_INIT = ("Missing required provider", "Inconsistent dependency lock file", "Module not installed",
              "required by this configuration but no version is selected", "Provider requirements cannot be satisfied",
              "Missing required provider plugin", "Failed to load plugin schemas")


class InitFailed(ToolError):
    """`terraform init` of a provider set failed (its summary is the message)."""


def provider_requirements(texts: list[str]) -> dict[str, Any] | None:
    """The `required_providers` of every `terraform` block of the files, or None when one does not parse."""
    found: dict[str, Any] = {}
    for text in texts:
        if "required_providers" not in text:  # parsing is the costly part; only these files can declare any
            continue
        try:
            parsed = hclread.loads(text if text.endswith("\n") else text + "\n")
        except Exception:  # noqa: BLE001 - an unparsable file: the hcl parse check reports it
            return None
        for settings in parsed.get("terraform") or []:
            for providers in settings.get("required_providers") or [] if isinstance(settings, dict) else []:
                if isinstance(providers, dict):
                    found.update(providers)
    return found


def generator_requirements() -> list[dict[str, Any]]:
    """The provider sets of the generated configurations that `terraform validate` checks (AWS)."""
    return [{"aws": dict(AWS_PROVIDER)}]


def versions_tf(requirements: dict[str, Any]) -> str:
    """A configuration that requires exactly these providers (what `init` installs)."""
    providers = block("required_providers", **dict(sorted(requirements.items())))
    return render([block("terraform", required_providers=providers)])


def prepared(requirements: dict[str, Any], timeout: float) -> Path:
    """The initialised directory of a provider set (its `.terraform/` and lock file), initialising it once.

    Safe across threads and processes: the first caller initialises under a file lock in a temporary
    directory and renames it into place. Raises InitFailed."""
    text = versions_tf(requirements)
    config = terraform.cli_config()
    identity = "\0".join([text, tool_identity(terraform.terraform_bin()), config.read_text()])
    key = hashlib.sha256(identity.encode()).hexdigest()[:24]
    root = terraform.state_home() / "validate"
    target = root / key
    if (target / LOCK_FILE).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / LOCK_FILE).is_file():
            return target
        work = root / f"{key}.{os.getpid()}.tmp"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        (work / "versions.tf").write_text(text)
        result = terraform.init(work, backend=False, timeout=timeout)
        if not result.ok:
            shutil.rmtree(work, ignore_errors=True)
            raise InitFailed(result.summary())
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    return target


def validate_env(directory: Path) -> dict[str, str]:
    """Environment for terraform commands in a copy of a configuration that uses `directory`."""
    return {"TF_DATA_DIR": str(directory / ".terraform")}


def needs_own_init(output: str) -> bool:
    """Whether validate's output says the prepared directory does not fit the configuration."""
    return any(marker in output for marker in NEEDS_INIT)
