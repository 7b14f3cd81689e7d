"""The warm checkers (checkov kept imported, Terraform initialised once) and the result cache give the results
the cold path gives: the same checks fail, with the same findings."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from bot.checks import provider_host, providers, run_checks, terraform_init, terraform_validate
from bot.checks.checkov import arguments
from bot.checks.progress import CheckEvent, watching
from bot.checks.tools import find_tool
from bot.checks.warm import WarmCheckov, owner
from bot.pipeline.planning import plan_environment
from bot.polling import wait_until
from bot.settings import Settings
from bot.spec import load_spec
from generators.build import generate_all
from generators.output import write_tree
from generators.paths import environment_dir
from tests.conftest import FIXTURES, require_tool

OPEN_BUCKET = '''
resource "aws_s3_bucket_public_access_block" "wide_open" {
  bucket                  = "wide-open"
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
'''
PRIVILEGED_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: debug\nversion: 0.1.0\n",
    "templates/pod.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: debug
      image: busybox
      securityContext:
        privileged: true
""",
}


def environment(repo: Path, spec: str = "aws-staging.yaml") -> Path:
    """A generated environment (and the repository's workflows) written under `repo`; its directory."""
    plan = plan_environment(load_spec(FIXTURES / "specs" / spec))
    write_tree(generate_all(plan, Settings()), repo)
    return repo / environment_dir(plan)


def broken_environment(repo: Path) -> Path:
    """The AWS staging environment with a checkov-failing Terraform file, a chart that does not render and a
    second chart that renders a privileged pod."""
    env = environment(repo)
    (env / "terraform" / "open.tf").write_text(OPEN_BUCKET.lstrip())
    deployment = env / "helm" / "payments-api" / "templates" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("{{ .Values.containerPort }}", "{{ .Values.containerPort"))
    for name, text in PRIVILEGED_CHART.items():
        (env / "helm" / "debug" / name).parent.mkdir(parents=True, exist_ok=True)
        (env / "helm" / "debug" / name).write_text(text)
    return env


def comparable(results: list) -> list[tuple]:
    return [(r.name, r.passed, r.details, r.findings, r.counts, r.skipped_reason) for r in results]


def test_warm_and_cold_checks_fail_exactly_alike(tmp_path: Path) -> None:
    require_tool("checkov")
    require_tool("terraform")
    env = broken_environment(tmp_path)
    # sandbox: the placeholder cloud ids are accepted (the `settings` check is tests/test_bootstrap.py's)
    cold = run_checks(env, tmp_path, Settings(warm_checks=False, check_cache=False, sandbox=True))
    warm = run_checks(env, tmp_path, Settings(warm_checks=True, check_cache=False, sandbox=True))
    assert comparable(warm) == comparable(cold)
    failed = {r.name: r for r in warm if not r.passed}
    assert set(failed) == {"checkov terraform", "checkov kubernetes", "helm lint", "helm render"}
    terraform_ids = {f["check_id"] for f in failed["checkov terraform"].findings}
    assert {"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"} <= terraform_ids
    resources = {f["resource"] for f in failed["checkov terraform"].findings}
    assert resources == {"aws_s3_bucket_public_access_block.wide_open"}
    assert "CKV_K8S_16" in {f["check_id"] for f in failed["checkov kubernetes"].findings}  # the privileged pod
    assert "payments-api" in failed["helm render"].details
    assert next(r for r in warm if r.name == "terraform validate").passed


def test_a_broken_configuration_fails_validate_warm_and_cold(tmp_path: Path) -> None:
    require_tool("terraform")
    env = environment(tmp_path)
    (env / "terraform" / "typo.tf").write_text('resource "aws_s3_bucket" "typo" {\n  buckett = "x"\n}\n'
                                               'resource "aws_s3_buckett" "typo" {\n}\n')
    outcomes = []
    for warm in (False, True):
        settings = Settings(warm_checks=warm, check_cache=False, checkov_bin="no-such-checkov")
        results = run_checks(env, tmp_path, settings)
        outcomes.append(next(r for r in results if r.name == "terraform validate"))
    assert outcomes[0] == outcomes[1]
    assert not outcomes[1].passed and 'Unsupported argument' in outcomes[1].details
    assert [(f["file"], f["line"]) for f in outcomes[1].findings] == [("typo.tf", 2), ("typo.tf", 4)]
    # the suggestion comes from the provider's whole schema: the warm path re-runs a failing narrowed validate
    assert any('Did you mean "aws_s3_bucket"' in f["detail"] for f in outcomes[1].findings), outcomes[1].findings


def _schema_types(directory: Path, prepared: Path, reattach: str) -> set[str]:
    """The resource types terraform sees through TF_REATTACH_PROVIDERS=`reattach`."""
    proc = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=directory, capture_output=True,
                          text=True, timeout=300, check=True,
                          env={**os.environ, **terraform_init.validate_env(prepared), "TF_REATTACH_PROVIDERS": reattach})
    schemas = json.loads(proc.stdout)["provider_schemas"]
    return {name for provider in schemas.values() for name in provider.get("resource_schemas", {})}


def test_validate_reads_the_provider_schema_narrowed_to_the_configuration(tmp_path: Path) -> None:
    """Terraform decodes the schema of every type the provider offers (~1,500 for AWS) on every run; through the
    warm provider's host it gets only the types the configuration names, and validates the same."""
    require_tool("terraform")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
                                      'data "aws_region" "here" {}\n')
    requirements = terraform_init.generator_requirements()[0]
    (tmp_path / "versions.tf").write_text(terraform_init.versions_tf(requirements))
    prepared = terraform_init.prepared(requirements, 600)
    (tmp_path / terraform_init.LOCK_FILE).write_bytes((prepared / terraform_init.LOCK_FILE).read_bytes())
    reattach = providers.reattach(prepared, owner())
    assert reattach is not None
    whole = _schema_types(tmp_path, prepared, providers.plain(reattach))
    with providers.narrowed(reattach, terraform_validate._words(tmp_path)) as narrow:
        narrowed = _schema_types(tmp_path, prepared, narrow)
    assert len(whole) > 1000 and "aws_instance" in whole
    assert narrowed == {"aws_s3_bucket"}


def test_the_narrowed_schema_keeps_what_is_not_a_type_and_the_named_types() -> None:
    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    def entry(name: str, schema: bytes) -> bytes:
        return field(1, name.encode()) + field(2, schema)

    provider, meta = field(1, b"\x08\x01"), field(5, b"")
    resources = [field(2, entry(name, b"\x08\x02")) for name in ("aws_s3_bucket", "aws_instance")]
    data = field(3, entry("aws_region", b""))
    function = field(7, entry("arn_parse", b""))
    response = provider + b"".join(resources) + data + function + meta
    parts = provider_host.schema_parts(response)
    assert provider_host.narrowed(parts, {"aws_s3_bucket", "logs"}) == provider + resources[0] + function + meta
    assert provider_host.narrowed(parts, {"aws_s3_bucket", "aws_instance", "aws_region"}) == response


def test_unchanged_inputs_are_not_checked_again(tmp_path: Path) -> None:
    require_tool("checkov")
    require_tool("terraform")
    repo = tmp_path / "repo"
    env = environment(repo)
    settings = Settings(check_cache_dir=tmp_path / "cache")
    events: list[CheckEvent] = []
    with watching(events.append):
        first = run_checks(env, repo, settings)
        ran = {e.name for e in events if not e.cached}
        events.clear()
        again = run_checks(env, repo, settings)  # a re-plan of an unchanged environment
        assert comparable(again) == comparable(first)
        assert [e.name for e in events if not e.cached] == []
        events.clear()
        values = env / "helm" / "payments-api" / "values.yaml"
        values.write_text(values.read_text() + "# amended\n")  # an amendment that changes only the chart
        run_checks(env, repo, settings)
    assert ran == {r.name for r in first}
    rerun = {e.name for e in events if not e.cached}
    assert rerun == {"checkov kubernetes", "helm lint", "helm render"}


def test_the_warm_checkov_restarts_when_killed_or_past_its_memory_ceiling(tmp_path: Path) -> None:
    require_tool("checkov")
    binary = find_tool(Settings().checkov_bin)
    assert binary is not None
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text(OPEN_BUCKET)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    warm = WarmCheckov(binary, max_rss_mb=1)  # every scan leaves the process past its ceiling: it exits
    try:
        outputs = []
        for directory in ("a", "b", "a"):
            code, stdout, _ = warm.run(arguments([tmp_path / directory], [], frameworks=["terraform"]), tmp_path, 300)
            outputs.append((code, stdout))
        assert warm.starts == 3
        assert "aws_s3_bucket_public_access_block.wide_open" in outputs[0][1]
        assert "aws_sqs_queue.q" in outputs[1][1] and "wide_open" not in outputs[1][1]  # no state from scan 1
        assert outputs[2] == outputs[0]
        warm.max_rss_mb = 100_000
        warm.start()
        assert warm.pid is not None
        os.kill(warm.pid, signal.SIGKILL)
        code, stdout, _ = warm.run(arguments([tmp_path / "b"], [], frameworks=["terraform"]), tmp_path, 300)
        assert (code, stdout) == outputs[1] and warm.starts == 5
    finally:
        warm.close()


def test_the_warm_checkov_exits_with_its_owner(tmp_path: Path) -> None:
    require_tool("checkov")
    binary = find_tool(Settings().checkov_bin)
    assert binary is not None
    owner = subprocess.Popen(["sleep", "600"])
    warm = WarmCheckov(binary, owner=owner.pid)
    try:
        warm.start()
        assert warm.socket_path.exists()
        owner.kill()
        owner.wait()
        wait_until(lambda: not warm.socket_path.exists(), 30, interval=0.2, what="the server to exit",
                   error=AssertionError)
    finally:
        warm.close()


@pytest.mark.parametrize("cached", [False, True])
def test_progress_names_every_check_once(tmp_path: Path, cached: bool) -> None:
    env = environment(tmp_path, "gcp-prod.yaml")
    settings = Settings(check_cache_dir=tmp_path / "cache", checkov_bin="no-such-checkov")
    if cached:
        run_checks(env, tmp_path, settings)
    events: list[CheckEvent] = []
    with watching(events.append):
        results = run_checks(env, tmp_path, settings)
    assert sorted(e.name for e in events) == sorted(r.name for r in results)
    lines = {e.name: e.describe() for e in events}
    assert lines["checkov terraform"].startswith("checkov terraform: failed in ")  # never cached: tool missing
    if cached:
        assert lines["hcl parse"] == "hcl parse: passed (unchanged, from cache)"
    else:
        assert re.fullmatch(r"hcl parse: passed in \d+\.\d s", lines["hcl parse"])
    assert lines["terraform validate"].startswith("terraform validate: skipped")  # no google provider offline


def test_validate_starts_a_new_provider_when_the_warm_one_is_gone(tmp_path: Path) -> None:
    require_tool("terraform")
    env = environment(tmp_path)
    prepared = terraform_init.prepared(terraform_init.generator_requirements()[0], 600)
    before = json.loads(providers.reattach(prepared, owner()) or "{}")
    (lost,) = [entry["Pid"] for entry in before.values()]
    os.kill(lost, signal.SIGKILL)
    wait_until(lambda: not Path(f"/proc/{lost}").exists(), 30, interval=0.1, what="the provider to die",
               error=AssertionError)
    settings = Settings(check_cache=False, checkov_bin="no-such-checkov")
    validate = next(r for r in run_checks(env, tmp_path, settings) if r.name == "terraform validate")
    assert validate.passed, validate.details
    after = json.loads(providers.reattach(prepared, owner()) or "{}")
    assert [entry["Pid"] for entry in after.values()] != [lost]
