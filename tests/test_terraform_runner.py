"""The terraform runner: offline from the provider mirror when there is one, the registry otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pipeline import terraform
from bot.settings import get_settings
from generators.hcl import block, render
from tests.conftest import require_tool


@pytest.fixture()
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("DEV_AGENT_TERRAFORM_HOME", str(tmp_path / "home"))

    def use(mirror: Path | None) -> None:
        if mirror is None:
            monkeypatch.setattr(terraform, "MIRROR_CANDIDATES", (str(tmp_path / "nowhere"),))
            monkeypatch.delenv("DEV_AGENT_TERRAFORM_PLUGIN_MIRROR", raising=False)
        else:
            monkeypatch.setenv("DEV_AGENT_TERRAFORM_PLUGIN_MIRROR", str(mirror))
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_cli_config_uses_the_mirror_or_the_registry(settings_env, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io").mkdir(parents=True)
    settings_env(mirror)
    assert f'path    = "{mirror}"' in terraform.cli_config().read_text()
    settings_env(None)
    assert "provider_installation" not in terraform.cli_config().read_text()


def test_init_installs_the_aws_provider_offline(tmp_path: Path) -> None:
    require_tool("terraform")
    assert terraform.provider_mirror() is not None, "the AWS provider mirror is missing on this machine"
    (tmp_path / "versions.tf").write_text(render([block("terraform", required_providers=block(
        "required_providers", aws={"source": "hashicorp/aws", "version": "~> 5.100"}))]))
    result = terraform.init(tmp_path, backend=False)
    assert result.ok, result.summary()
    assert (tmp_path / ".terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0").is_dir()
