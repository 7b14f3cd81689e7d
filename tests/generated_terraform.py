"""Helpers for the GCP/Azure generator tests: generate into a directory, parse it, run fmt and checkov; the
`generated` fixture and the fmt/checkov checks both modules run on every stack."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot import hclread
from bot.checks.skips import load_skips
from bot.pipeline.planning import Plan, plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.terraform.build import generate
from tests.conftest import require_tool

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 1, 15)


def plan_for(data: dict[str, Any]) -> Plan:
    return plan_environment(spec_from_data(data), today=TODAY)


def write(plan: Plan, out: Path, settings: Settings | None = None) -> Path:
    """Generate the Terraform of `plan` under `out`; returns the terraform directory."""
    files = generate(plan, settings or Settings())
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out / "environments" / plan.spec.name / "terraform"


def parse(tf_dir: Path) -> dict[str, dict[str, Any]]:
    """file name -> parsed HCL (hcl2 raises on anything that is not valid HCL)."""
    return {p.name: hclread.loads(p.read_text(encoding="utf-8"))
            for p in sorted(tf_dir.glob("*.tf"))}


def blocks(parsed: dict[str, dict[str, Any]], kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) of every `resource`/`data` block, or (name, "", body) for variable/output."""
    for doc in parsed.values():
        for entry in doc.get(kind, []):
            for first, inner in entry.items():
                if kind in {"resource", "data"}:
                    for name, body in inner.items():
                        yield first, name, body
                else:
                    yield first, "", inner


def resources(parsed: dict[str, dict[str, Any]], type_: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    return [r for r in blocks(parsed, "resource") if type_ is None or r[0] == type_]


def first(value: Any) -> Any:
    """Nested blocks parse as lists of one body."""
    return value[0] if isinstance(value, list) and value else value


def fmt_check(tf_dir: Path) -> subprocess.CompletedProcess[str]:
    terraform = require_tool("terraform")
    return subprocess.run([terraform, "fmt", "-check", "-list=true", str(tf_dir)], capture_output=True, text=True,
                          timeout=60, check=False)


def skip_ids(cloud: str) -> set[str]:
    """The documented checkov skips of one cloud."""
    return {skip.check_id for skip in load_skips() if skip.clouds == (cloud,)}


def unskipped(failures: list[str], cloud: str) -> list[str]:
    """Failures that no documented skip covers."""
    skips = skip_ids(cloud)
    return [f for f in failures if f.split()[0] not in skips]


def checkov_failures(tf_dir: Path) -> list[str]:
    """`check_id resource` of every failed checkov check (no skips: tests apply the skip list, so they
    can also tell whether every skip is still needed)."""
    checkov = require_tool("checkov")
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(
        [checkov, "-d", str(tf_dir), "--framework", "terraform", "--skip-download", "--compact", "-o", "json"],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert all(r["summary"]["parsing_errors"] == 0 for r in reports), result.stdout[:2000]
    assert sum(r["summary"]["passed"] for r in reports) > 0, "checkov ran no checks"
    return [f"{f['check_id']} {f['resource']}" for r in reports for f in r["results"]["failed_checks"]]


def checkov_all(dirs: dict[str, Path]) -> dict[str, list[str]]:
    """checkov_failures for several directories, two at a time (CI has two cores)."""
    require_tool("checkov")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(checkov_failures, tf_dir) for key, tf_dir in dirs.items()}
        return {key: future.result() for key, future in futures.items()}


def stacks_fixture(cloud: str, region: str, stacks: dict[str, dict[str, Any]]):
    """The module fixture `generated`: kind -> (terraform dir, parsed files) of every stack, planned on `cloud` in
    `region` and generated once."""

    @pytest.fixture(scope="module")
    def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
        out = tmp_path_factory.mktemp(cloud)
        result = {}
        for kind, data in stacks.items():
            tf_dir = write(plan_for({"cloud": cloud, "region": region, **data}), out / kind)
            result[kind] = (tf_dir, parse(tf_dir))
        return result

    return generated


class StackChecks:
    """What every generated stack of a cloud passes: `terraform fmt` and checkov with the documented skips only.
    A test module subclasses it as `TestStacks`, setting `cloud` and `stacks`, next to its `generated` fixture."""

    cloud: str
    stacks: dict[str, dict[str, Any]]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "kind" in metafunc.fixturenames:
            metafunc.parametrize("kind", list(self.stacks))

    @pytest.fixture(scope="class")
    @classmethod
    def checkov_results(cls, generated: dict[str, tuple[Path, dict]]) -> dict[str, list[str]]:
        """Failed checks per kind, from one checkov run over every stack."""
        return checkov_all({kind: tf_dir for kind, (tf_dir, _) in generated.items()})

    def test_fmt_canonical(self, generated: dict[str, tuple[Path, dict]], kind: str) -> None:
        result = fmt_check(generated[kind][0])
        assert result.returncode == 0, result.stdout + result.stderr

    def test_checkov_passes(self, checkov_results: dict[str, list[str]], kind: str) -> None:
        assert unskipped(checkov_results[kind], self.cloud) == []

    def test_every_checkov_skip_is_still_needed(self, checkov_results: dict[str, list[str]]) -> None:
        failed = {f.split()[0] for failures in checkov_results.values() for f in failures}
        assert skip_ids(self.cloud) - failed == set()
