"""terraform runs offline from the provider mirror through a CLI config the tool writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from bot.tfcli import run_terraform, write_cli_config
from tests.aws_fixture import aws_terraform_files
from tests.conftest import require_tool


def test_cli_config_points_at_the_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    text = write_cli_config(Settings(terraform_plugin_mirror=mirror)).read_text()
    assert "filesystem_mirror" in text and f'path = "{mirror}"' in text
    text = write_cli_config(Settings(terraform_plugin_mirror=tmp_path / "absent")).read_text()
    assert "provider_installation" not in text


def test_init_installs_the_aws_provider_offline(tmp_path: Path) -> None:
    require_tool("terraform")
    settings = Settings()
    if not settings.terraform_plugin_mirror.is_dir():
        pytest.fail(f"provider mirror {settings.terraform_plugin_mirror} is missing")
    for name, text in aws_terraform_files().items():
        (tmp_path / name).write_text(text)
    init = run_terraform(["init", "-backend=false", "-no-color"], tmp_path, settings)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / ".terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0").is_dir()
