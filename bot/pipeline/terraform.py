"""Runner for the terraform CLI: offline provider mirror, timeouts, structured results.

Every command takes an argument list (no shell). The CLI config that points terraform at the local
filesystem mirror is written by `cli_config()` and passed through TF_CLI_CONFIG_FILE, so `init` never
reaches a registry. Used by the tests and by `dev-agent check` / `apply`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ToolError
from bot.settings import get_settings
from generators.hcl import block, render

MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", "~/.terraform.d/plugins",
                     "~/.local/share/terraform/plugins")
DEFAULT_TIMEOUT = 600.0


class TerraformError(ToolError):
    """terraform is missing or the provider mirror cannot be found."""


@dataclass(frozen=True)
class Result:
    """One terraform run: the command, its exit code, output and duration."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def summary(self) -> str:
        """The command and the tail of its error output, for logs and reports."""
        tail = (self.stderr or self.stdout).strip().splitlines()[-15:]
        state = "timed out" if self.timed_out else f"exit {self.returncode}"
        return f"terraform {' '.join(self.args)}: {state} in {self.seconds:.1f}s\n" + "\n".join(tail)


def terraform_bin() -> str:
    """Path of the terraform executable."""
    path = shutil.which(os.environ.get("DEV_AGENT_TERRAFORM_BIN", "terraform"))
    if path is None:
        raise TerraformError("terraform is not installed (scripts/bootstrap.sh installs it)")
    return path


def provider_mirror() -> Path | None:
    """The filesystem mirror holding `registry.terraform.io/...` providers, or None (then: the registry)."""
    configured = get_settings().terraform_plugin_mirror
    candidates = [str(configured)] if configured else list(MIRROR_CANDIDATES)
    for candidate in candidates:
        path = Path(candidate).expanduser()
        if (path / "registry.terraform.io").is_dir():
            return path
    return None


def state_home() -> Path:
    """Directory for the CLI config."""
    base = os.environ.get("DEV_AGENT_TERRAFORM_HOME") or Path.home() / ".cache" / "dev-agent" / "terraform"
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cli_config() -> Path:
    """Write (idempotently) the CLI config: install providers only from the mirror when there is one
    (offline), else from the registry as usual (e.g. on a CI runner).

    An unpacked mirror already is a shared cache: `init` symlinks `.terraform/providers` into it, so no
    `plugin_cache_dir` is set (terraform re-links cache entries on every init, which races in parallel runs).
    """
    mirror = provider_mirror()
    home = state_home()
    if mirror is None:
        text = "disable_checkpoint = true\n"
    else:
        text = render([
            block("provider_installation", filesystem_mirror=block("filesystem_mirror", path=str(mirror),
                                                                   include=["registry.terraform.io/*/*"])),
        ])
    path = home / f"terraformrc-{hashlib.sha256(text.encode()).hexdigest()[:12]}"  # content-addressed
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(path)
    return path


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Process environment for terraform: our CLI config, no prompts, no telemetry."""
    env = dict(os.environ)
    env.update({
        "TF_CLI_CONFIG_FILE": str(cli_config()),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    })
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    env.update(extra or {})
    return env


def run(directory: Path | str, args: list[str], timeout: float = DEFAULT_TIMEOUT,
        env: dict[str, str] | None = None) -> Result:
    """Run `terraform -chdir=<directory> <args>`; a timeout is reported, not raised."""
    command = [terraform_bin(), f"-chdir={directory}", *args]
    start = time.monotonic()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment(env),
                              check=False)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Result(args, -1, out, err, time.monotonic() - start, timed_out=True)
    return Result(args, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def fmt_check(directory: Path | str, timeout: float = 60) -> Result:
    """`terraform fmt -check -diff -recursive`: exit 0 when every file is canonical."""
    return run(directory, ["fmt", "-check", "-diff", "-recursive", "-no-color"], timeout)


def init(directory: Path | str, backend: bool = False, timeout: float = 300, env: dict[str, str] | None = None) -> Result:
    """`terraform init` from the mirror; `backend=False` skips the remote state backend."""
    args = ["init", "-input=false", "-no-color"]
    if not backend:
        args.append("-backend=false")
    return run(directory, args, timeout, env)


def validate(directory: Path | str, timeout: float = 120) -> Result:
    """`terraform validate -json` (needs `init` first)."""
    return run(directory, ["validate", "-no-color", "-json"], timeout)


def plan(directory: Path | str, out: str | None = None, detailed_exitcode: bool = False, destroy: bool = False,
         timeout: float = DEFAULT_TIMEOUT, env: dict[str, str] | None = None, parallelism: int = 20) -> Result:
    """`terraform plan`; with `detailed_exitcode` exit 2 means changes are pending."""
    args = ["plan", "-input=false", "-no-color", "-lock=false", f"-parallelism={parallelism}"]
    if out:
        args.append(f"-out={out}")
    if detailed_exitcode:
        args.append("-detailed-exitcode")
    if destroy:
        args.append("-destroy")
    return run(directory, args, timeout, env)


def apply(directory: Path | str, plan_file: str | None = None, timeout: float = DEFAULT_TIMEOUT,
          env: dict[str, str] | None = None, parallelism: int = 20) -> Result:
    """`terraform apply` of a saved plan (or auto-approved when no plan file is given)."""
    args = ["apply", "-input=false", "-no-color", "-lock=false", f"-parallelism={parallelism}"]
    args.append(plan_file) if plan_file else args.append("-auto-approve")
    return run(directory, args, timeout, env)


def destroy(directory: Path | str, timeout: float = DEFAULT_TIMEOUT, env: dict[str, str] | None = None,
            parallelism: int = 20) -> Result:
    """`terraform destroy -auto-approve`."""
    args = ["destroy", "-auto-approve", "-input=false", "-no-color", "-lock=false", f"-parallelism={parallelism}"]
    return run(directory, args, timeout, env)


def show_json(directory: Path | str, plan_file: str, timeout: float = 120) -> dict[str, Any]:
    """A saved plan as terraform's JSON representation."""
    result = run(directory, ["show", "-json", "-no-color", plan_file], timeout)
    if not result.ok:
        raise TerraformError(result.summary())
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def state_resources(directory: Path | str, timeout: float = 60) -> list[str]:
    """Addresses in the current state (`terraform state list`)."""
    result = run(directory, ["state", "list", "-no-color"], timeout)
    return result.stdout.split() if result.ok else []
