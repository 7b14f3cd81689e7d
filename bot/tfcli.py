"""Run terraform offline: a CLI config that installs providers only from the filesystem mirror.

The mirror is in unpacked layout, so `terraform init` links the provider instead of copying it (fast).
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from bot.settings import Settings, get_settings


def cache_dir() -> Path:
    """Where the CLI config is written."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dev-agent" / "terraform"


def _hcl_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_cli_config(settings: Settings | None = None) -> Path:
    """Write (or refresh) the terraform CLI config and return its path.

    Providers come only from the filesystem mirror when it exists (offline); without one (e.g. on a CI
    runner) terraform installs them from the registry as usual.
    """
    settings = settings or get_settings()
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    text = "disable_checkpoint = true\n"
    if settings.terraform_plugin_mirror.is_dir():
        text += (
            "\nprovider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path = {_hcl_string(str(settings.terraform_plugin_mirror))}\n"
            "  }\n"
            "}\n"
        )
    config = root / "terraformrc"
    if not config.exists() or config.read_text(encoding="utf-8") != text:
        tmp = root / f".terraformrc.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, config)
    return config


def run_terraform(args: list[str], cwd: Path, settings: Settings | None = None,
                  timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`terraform <args>` in `cwd` with the offline CLI config; never prompts. Raises FileNotFoundError if
    terraform is not installed and subprocess.TimeoutExpired on timeout."""
    settings = settings or get_settings()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(write_cli_config(settings)),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    return subprocess.run(
        ["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout or settings.tool_timeout_seconds, check=False,
    )
