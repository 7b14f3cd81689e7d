"""The policy file: the bundled one loads; bad files fail with file:line and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.spec import Cloud, Tier
from policies.schema import BUNDLED_POLICY, PolicyError, load_policy


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org-policy.yaml"
    path.write_text(text)
    return path


def test_bundled_policy_loads_with_every_tier_and_cloud():
    policy = load_policy()
    assert set(policy.tiers) == set(Tier) and set(policy.clouds) == set(Cloud)
    assert policy.tier(Tier.dev).max_monthly_usd == 500
    assert "owner" in policy.required_tags


def test_bundled_policy_allows_every_default_plan_size():
    from bot.pipeline.planning import DEFAULT_SIZING

    policy = load_policy()
    for (cloud, _tier), sizes in DEFAULT_SIZING.items():
        for key in ("node_instance_type", "db_instance_class", "cache_node_type"):
            assert policy.instance_type_allowed(cloud, sizes[key]), (cloud, sizes[key])


def test_unknown_key_names_file_and_line(tmp_path):
    path = write(tmp_path, BUNDLED_POLICY.read_text().replace("    max_monthly_usd: 1500", "    max_cots: 1500"))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "max_cots" in text)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert str(err.value).startswith(f"{path}:{line}: unknown key 'max_cots' in tiers.staging")


def test_unknown_top_level_key_and_guard_switch_are_refused(tmp_path):
    with pytest.raises(PolicyError, match=r"org-policy.yaml:3: unknown key 'guards'"):
        load_policy(write(tmp_path, "version: 1\nrequired_tags: [owner]\nguards:\n  no_public_database: false\n"))


def test_wrong_values_name_the_line(tmp_path):
    with pytest.raises(PolicyError, match=r"org-policy.yaml:3: tiers.dev.max_ttl_days: Input should be greater"):
        load_policy(write(tmp_path, "tiers:\n  dev:\n    max_ttl_days: 0\n"))
    with pytest.raises(PolicyError, match=r"org-policy.yaml:2: clouds.aws2"):
        load_policy(write(tmp_path, "clouds:\n  aws2:\n    regions: []\n"))


def test_broken_yaml_and_duplicate_keys(tmp_path):
    with pytest.raises(PolicyError, match=r"org-policy.yaml:\d+: not valid YAML"):
        load_policy(write(tmp_path, "tiers: [dev\n"))
    with pytest.raises(PolicyError, match=r"org-policy.yaml:2: duplicate key 'required_tags'"):
        load_policy(write(tmp_path, "required_tags: [a]\nrequired_tags: [b]\n"))
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")


def test_cli_reports_a_bad_policy_file_with_file_and_line_and_exit_3(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, "version: 1\nrequired_tags: [owner]\nmax_cots: 3\n")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "policy", str(path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert out.returncode == 3
    assert out.stderr.strip() == f"error: {path}:3: unknown key 'max_cots'"
    assert "Traceback" not in out.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "policy"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert ok.returncode == 0 and "dev: $500/month, 30 days" in ok.stdout
