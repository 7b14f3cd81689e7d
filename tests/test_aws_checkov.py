"""checkov on the generated AWS Terraform: nothing fails except the documented, tier-scoped skips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.checks.skips import load_skips, skips_for
from bot.settings import Settings
from tests.conftest import require_tool
from tests.support.aws_specs import SPECS, make_plan, write_terraform

ENV = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


def _checkov() -> str:
    name = Settings().checkov_bin
    if shutil.which(name) is None and Path("/work/.venv-checkov/bin/checkov").exists():
        return "/work/.venv-checkov/bin/checkov"
    return require_tool(name)


# Its tests share one checkov run (the module fixture): keep them on one xdist worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_aws_checkov")


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Failed check ids per spec, from checkov runs without any skips (run in parallel)."""
    checkov = _checkov()
    root = tmp_path_factory.mktemp("checkov")
    running = {}
    for key in SPECS:
        directory = write_terraform(make_plan(key), root / key)
        command = [checkov, "-d", str(directory), "--framework", "terraform", "--skip-download", "--quiet",
                   "--compact", "-o", "json"]
        running[key] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    found = {}
    for key, proc in running.items():
        out, _ = proc.communicate(timeout=600)
        report = json.loads(out)
        report = report[0] if isinstance(report, list) else report
        found[key] = {f"{c['check_id']} {c['resource']}" for c in report["results"]["failed_checks"]}
    return found


def skip_ids(plan) -> list[str]:
    """Check ids skipped for this AWS plan."""
    return [s.check_id for s in skips_for("aws", plan.spec.tier.value)]


@pytest.mark.parametrize("key", [k for k in SPECS])
def test_only_documented_skips_fail(failures: dict[str, set[str]], key: str) -> None:
    allowed = set(skip_ids(make_plan(key)))
    unexpected = sorted(f for f in failures[key] if f.split()[0] not in allowed)
    assert not unexpected


def test_every_skip_is_needed_and_explained(failures: dict[str, set[str]]) -> None:
    failed_ids = {f.split()[0] for found in failures.values() for f in found}
    for skip in (s for s in load_skips() if s.clouds == ("aws",)):
        assert len(skip.reason) > 30, f"{skip.check_id}: say why"
        assert skip.check_id in failed_ids, f"{skip.check_id} is skipped but no generated spec fails it: drop it"


def test_skips_are_scoped_by_tier() -> None:
    assert "CKV_AWS_157" in skip_ids(make_plan("postgres-redis-s3-sqs"))
    assert "CKV_AWS_157" not in skip_ids(make_plan("prod"))
    assert "CKV_AWS_260" in skip_ids(make_plan("prod"))
