"""Wall time of `dev-agent apply` against bare `terraform init && terraform apply` on the same config, one run.

Both apply the same small environment (VPC + security group) to a fresh local state in moto; then the
report call (comment on the PR and the issue, applied ref) is timed against the sandbox GitHub.
Run: python bench/apply.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.lifecycle.apply import apply_environment
from bot.lifecycle.github import GitHubTarget
from bot.lifecycle.outputs import APPLY_MARKER, success_comment
from bot.pipeline import terraform
from bot.settings import Settings
from sandbox import SandboxGitHub
from tests.support.lifecycle_stack import Moto, environment_files

NAME = "bench-apply"


def write_environment(root: Path) -> Path:
    for path, text in environment_files(NAME, dt.date.today() + dt.timedelta(days=7), Settings()).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root / "environments" / NAME


def bare_apply(env_dir: Path, override_text: str) -> float:
    tf_dir = env_dir / "terraform"
    (tf_dir / "moto_override.tf").write_text(override_text)
    start = time.monotonic()
    for args in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        result = terraform.run(tf_dir, args)
        if not result.ok:
            raise SystemExit(result.summary())
    return time.monotonic() - start


def dev_agent_apply(env_dir: Path, override: Path, settings: Settings) -> float:
    start = time.monotonic()
    result = apply_environment(env_dir, settings, None, [override])
    if result.exit_code != 0:
        raise SystemExit(result.message)
    return time.monotonic() - start


def report_call(gh: SandboxGitHub) -> float:
    from github import Auth, Github

    from bot.github.writer import RepositoryWriter

    user = gh.create_user("bench")
    gh.create_repo("bench", "svc")
    issue = gh.open_issue("bench", "svc", "bench", user="bench")["number"]
    client = Github(base_url=gh.url, auth=Auth.Token(user["token"]), seconds_between_requests=0, seconds_between_writes=0)
    target = GitHubTarget(writer=RepositoryWriter(client, "bench/svc"), default_branch="main")
    head = target.writer.ref_sha("heads/main")
    start = time.monotonic()
    body = success_comment(NAME, {"vpc_id": "vpc-123"}, {"terraform apply": 1.0}, "deploy skipped")
    target.writer.upsert_comment(issue, APPLY_MARKER.format(name=NAME), body)
    target.writer.set_ref(f"dev-agent/applied/{NAME}", head)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    bare, ours = [], []
    with tempfile.TemporaryDirectory() as tmp, Moto() as moto:
        root = Path(tmp)
        settings = Settings(state_dir=root / "state")
        terraform.cli_config()
        for index in range(rounds):
            bare_dir = write_environment(root / f"bare{index}")
            bare.append(bare_apply(bare_dir, moto.override(root / f"bare{index}.tfstate")))
            ours_dir = write_environment(root / f"ours{index}")
            override = root / f"ours{index}_override.tf"
            override.write_text(moto.override(root / f"ours{index}.tfstate"))
            ours.append(dev_agent_apply(ours_dir, override, settings))
            shutil.rmtree(bare_dir.parents[1], ignore_errors=True)
    with SandboxGitHub() as gh:
        report = report_call(gh)
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare terraform init+apply : median {b:6.2f}s  runs {', '.join(f'{x:.2f}' for x in bare)}")
    print(f"dev-agent apply (no report): median {o:6.2f}s  runs {', '.join(f'{x:.2f}' for x in ours)}")
    print(f"overhead                  : {o - b:+6.2f}s ({(o - b) / b * 100:+.1f}%; target <= 5%)")
    print(f"report call (sandbox)     : {report:6.2f}s (comment + applied ref)")


if __name__ == "__main__":
    main()
