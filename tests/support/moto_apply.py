"""What the AWS apply tests share (test_aws_components_apply, test_aws_alarms_apply, test_aws_sqlserver_apply): the
generated Terraform written for a moto server, then init / plan -out / apply of that plan, as the generated workflow
runs them. (tests/test_aws_apply.py times each step and checks the plan in between: it keeps its own loop.)"""

from __future__ import annotations

from pathlib import Path

from bot.pipeline import terraform
from bot.pipeline.planning import Plan
from sandbox.moto_override import write_override
from tests.support.aws_specs import write_terraform


def moto_directory(plan: Plan, directory: Path, endpoint: str) -> Path:
    """`plan`'s Terraform in `directory` for the moto server at `endpoint`: local state (no backend.tf) and the
    test-only override (sandbox/moto_override.py)."""
    directory = write_terraform(plan, directory)
    (directory / "backend.tf").unlink()  # local state: -backend=false
    write_override(endpoint, directory)
    return directory


def apply_reviewed(directory: Path, env: dict[str, str], timeout: float = 420) -> str | None:
    """terraform init, plan -out=tfplan and apply tfplan: None when all three pass, else "<step>: <summary>" of the
    step that failed (the later steps are not run)."""
    steps = [("init", lambda: terraform.init(directory)),
             ("plan", lambda: terraform.plan(directory, out="tfplan", env=env)),
             ("apply", lambda: terraform.apply(directory, "tfplan", env=env, timeout=timeout))]
    for step, call in steps:
        result = call()
        if not result.ok:
            return f"{step}: {result.summary()}"
    return None
