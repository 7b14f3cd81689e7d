"""The apply's progress lines (the Actions log) in plain words, with terraform stubbed: plan's detailed exit code
as what it means, and Helm skipped where there is no Kubernetes cluster. Real terraform runs in
test_lifecycle_e2e.py."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.lifecycle.apply import apply_environment, outcome
from bot.pipeline import terraform
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from bot.store.audit import AuditLog
from bot.store.registry import Registry
from generators.build import generate_all
from generators.output import write_tree


def environment(tmp_path, compute: str):
    spec = spec_from_data({"name": "shop-dev", "service": "shop", "cloud": "aws", "region": "us-west-2",
                           "compute": {"kind": compute}, "ttl_days": 7})
    write_tree(generate_all(plan_environment(spec), Settings()), tmp_path / "repo")
    return tmp_path / "repo" / "environments" / "shop-dev"


def stub_terraform(monkeypatch, plan_exit: int) -> None:
    def run(directory, args, timeout=None, env=None):
        code = plan_exit if args[0] == "plan" else 0
        return terraform.Result(args, code, "{}" if args[0] == "output" else "", "" if code in (0, 2) else "Error: x", 0.0)
    monkeypatch.setattr(terraform, "run", run)


def apply(env_dir, settings) -> tuple[object, list[str]]:
    lines: list[str] = []
    return apply_environment(env_dir, settings, progress=lines.append), lines


@pytest.mark.parametrize(("step", "code", "timed_out", "words"), [
    ("terraform plan", 2, False, "changes to apply"),
    ("terraform plan", 0, False, "no changes"),
    ("terraform plan", 1, False, "failed (exit 1)"),
    ("terraform init", 0, False, "done"),
    ("terraform apply", 2, False, "failed (exit 2)"),  # only plan's -detailed-exitcode gives 2 a meaning
    ("terraform apply", -1, True, "timed out"),
])
def test_step_outcome_in_words(step, code, timed_out, words):
    assert outcome(step, terraform.Result([], code, "", "", 0.0, timed_out=timed_out)) == words


def test_ecs_apply_says_changes_to_apply_and_skips_helm(tmp_path, monkeypatch):
    settings = Settings(state_dir=tmp_path / "state")
    stub_terraform(monkeypatch, plan_exit=2)
    result, lines = apply(environment(tmp_path, "containers"), settings)
    assert result.status == "applied", result.message
    assert any(line.startswith("terraform plan: changes to apply in ") for line in lines), lines
    assert "helm: skipped (ECS environment, no Kubernetes cluster)" in lines
    assert not any("exit 2" in line or "helm deploy" in line or "No Helm chart" in line for line in lines), lines
    assert result.helm_note == "Helm: skipped (ECS environment, no Kubernetes cluster)."
    assert "helm" not in result.timings
    assert Registry(settings).get("shop-dev").status == "applied"
    assert [e.detail for e in AuditLog(settings).since(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))] == ["applied"]


def test_plan_without_changes_and_failed_plan(tmp_path, monkeypatch):
    env_dir = environment(tmp_path, "containers")
    stub_terraform(monkeypatch, plan_exit=0)
    result, lines = apply(env_dir, Settings(state_dir=tmp_path / "state"))
    assert result.status == "unchanged" and any(line.startswith("terraform plan: no changes in ") for line in lines)
    stub_terraform(monkeypatch, plan_exit=1)
    result, lines = apply(env_dir, Settings(state_dir=tmp_path / "state", revert_on_failure=False))
    assert result.status == "failed" and result.failed_step == "terraform plan"
    assert any(line.startswith("terraform plan: failed (exit 1) in ") for line in lines), lines


def test_kubernetes_apply_renders_the_chart_named_after_the_service(tmp_path, monkeypatch):
    stub_terraform(monkeypatch, plan_exit=2)
    result, lines = apply(environment(tmp_path, "kubernetes"), Settings(state_dir=tmp_path / "state"))
    assert result.status == "applied", result.message
    assert "helm deploy…" in lines and "helm" in result.timings
    assert result.helm_note.startswith("Helm chart rendered (") and "deploy skipped: no cluster configured" in result.helm_note
