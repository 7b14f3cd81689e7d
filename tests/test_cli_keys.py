"""`dev-agent keys create|list`: keys are scoped to an installation, request keys need an owner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.api.keys import ApiKey, KeyStore
from bot.cli import EXIT_INVALID, app
from bot.settings import Settings, get_settings


def _run(tmp_path: Path, *args: str):
    get_settings.cache_clear()  # the CLI reads settings once per process: this run's state dir
    try:
        return CliRunner().invoke(app, ["keys", *args], env={"DEV_AGENT_STATE_DIR": str(tmp_path), "REDIS_URL": ""})
    finally:
        get_settings.cache_clear()


def test_create_records_the_scope_and_owner_and_list_shows_them(tmp_path: Path) -> None:
    created = _run(tmp_path, "create", "portal", "--scope", "request", "--scope", "read", "--installation", "4242",
                   "--repository", "octo/infra", "--owner", "alice")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    key = KeyStore(Settings(state_dir=tmp_path)).authenticate(token, "request")
    assert (key.name, key.installation, key.repositories, key.owner) == ("portal", 4242, ["octo/infra"], "alice")
    listed = _run(tmp_path, "list").stdout
    assert f"{key.id}\tportal\tread,request\tinstallation 4242 (octo/infra)\talice\tactive" in listed
    assert token not in listed


def test_create_refuses_a_key_without_installation_or_owner(tmp_path: Path) -> None:
    no_owner = _run(tmp_path, "create", "portal", "--scope", "request", "--installation", "4242")
    assert no_owner.exit_code == EXIT_INVALID and "--owner LOGIN" in no_owner.output
    no_installation = _run(tmp_path, "create", "reader", "--scope", "read")
    assert no_installation.exit_code != 0 and "--installation" in no_installation.output
    bad_repo = _run(tmp_path, "create", "r", "--scope", "read", "--installation", "1", "--repository", "../x")
    assert bad_repo.exit_code == EXIT_INVALID and "owner/name" in bad_repo.output
    assert KeyStore(Settings(state_dir=tmp_path)).list() == []


def test_list_flags_keys_made_before_scopes(tmp_path: Path) -> None:
    store = KeyStore(Settings(state_dir=tmp_path))
    _token, key = store.create("old", ["read"], installation=1)
    store._save(ApiKey.model_validate({**key.model_dump(), "installation": None}))
    assert "UNSCOPED (refused: re-create it)" in _run(tmp_path, "list").stdout


def test_a_name_the_database_cannot_hold_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    result = _run(tmp_path, "create", "x" * 101, "--scope", "read", "--installation", "1")
    assert result.exit_code == EXIT_INVALID and "1-100 printable characters" in result.output
    assert KeyStore(Settings(state_dir=tmp_path)).list() == []
