"""One environment's life through the generated workflows, run by act: the sandbox GitHub with the bot
in-process (as `dev-agent demo` runs it), moto, and GitHub Actions (sandbox/actions.py).

request → the bot's PR → merge → `dev-agent-apply.yml` (push) → `dev-agent-drift.yml` (schedule) →
`dev-agent-expire.yml` (schedule, days later) → merge of the destroy PR → `dev-agent-destroy.yml`
(pull_request closed). The workflow files are the ones the bot committed, run unmodified.
"""

from __future__ import annotations

import base64
import contextlib
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import yaml

from bot.demo import OWNER, REPO, USER, WEBHOOK_SECRET, _bot, _bot_pull, answer_inputs, demo_repository
from bot.github.branches import parse_branch
from bot.polling import wait_until
from sandbox import SandboxGitHub
from sandbox.actions import ActionsRunner, WorkflowRun
from sandbox.moto import MotoServer


@dataclass
class ActStack:
    """The running pieces, and the steps of the life cycle as a user (and the schedule) trigger them."""

    gh: SandboxGitHub
    app: dict
    moto: MotoServer
    actions: ActionsRunner

    @property
    def token(self) -> str:
        return self.gh.token_for(USER)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.gh.request(method, f"/repos/{OWNER}/{REPO}{path}", self.token, **kwargs)

    def aws(self, service: str, region: str) -> Any:  # boto3 client
        return boto3.client(service, region_name=region, endpoint_url=self.moto.url, aws_access_key_id="test",
                            aws_secret_access_key="test")

    def request(self, text: str, answer: bool = True) -> dict:
        """Open the request issue; the bot's environment PR once its report is posted (and, with `answer`, once
        the inputs it lists under "Before you merge" are set with `/dev-agent set`, as the demo does)."""
        self.gh.open_issue(OWNER, REPO, "Environment request", text, user=USER, labels=["environment-request"])
        pull = wait_until(lambda: _bot_pull(self.gh, self.app), 600, interval=0.5, what="the bot's pull request",
                          error=AssertionError)
        return answer_inputs(self.gh, self.app, pull, self.moto.url, lambda _line: None) if answer else pull

    def set(self, number: int, assignment: str) -> dict:
        """Comment `/dev-agent set <assignment>` on the PR; the PR once the bot has pushed the re-plan."""
        before = self.api("GET", f"/pulls/{number}")["head"]["sha"]
        self.gh.comment(OWNER, REPO, number, f"/dev-agent set {assignment}", user=USER)

        def replanned() -> dict | None:
            pull = self.api("GET", f"/pulls/{number}")
            return pull if pull["head"]["sha"] != before else None

        return wait_until(replanned, 600, interval=0.5, what="the bot's re-plan", error=AssertionError)

    def report(self, number: int) -> str:
        return "\n".join(c["body"] for c in self.comments(number)
                         if c["user"]["login"] == self.app["bot_login"] and "dev-agent:report" in c["body"])

    def plan(self, number: int) -> WorkflowRun:
        """dev-agent-plan.yml for the push that made the PR's current head (opened or synchronize)."""
        head = self.api("GET", f"/pulls/{number}")["head"]["sha"]
        return self.actions.run("dev-agent-plan.yml", "pull_request", self.actions.pull_request_head(number, head))

    def push_edit(self, number: int, path: str, edit: Callable[[str], str], workdir: Path) -> str:
        """The user edits one file on the PR's branch and pushes (git over smart HTTP); the new head sha."""
        branch = self.api("GET", f"/pulls/{number}")["head"]["ref"]
        clone = workdir / "user-clone"
        url = self.gh.clone_url(OWNER, REPO, self.token)
        git = ["git", "-c", f"user.name={USER}", "-c", f"user.email={USER}@example.com"]
        subprocess.run([*git, "clone", "--quiet", "--branch", branch, url, str(clone)], check=True, timeout=120)
        target = clone / path
        target.write_text(edit(target.read_text()))
        subprocess.run([*git, "-C", str(clone), "commit", "--quiet", "-am", f"edit {path} by hand"], check=True)
        subprocess.run([*git, "-C", str(clone), "push", "--quiet", "origin", branch], check=True, timeout=120)
        return subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], check=True, capture_output=True,
                              text=True).stdout.strip()

    def merge(self, number: int) -> str:
        return self.gh.merge_pull(OWNER, REPO, number, user=USER, merge_method="merge")["sha"]

    def apply(self, merged_sha: str) -> WorkflowRun:
        return self.actions.run("dev-agent-apply.yml", "push", self.actions.push(merged_sha))

    def scheduled(self, workflow: str, days_later: int = 0) -> WorkflowRun:
        """A scheduled run of `workflow` at the default branch head, with the cron line the file declares."""
        head = self.api("GET", "/branches/main")["commit"]["sha"]
        text = self.api("GET", f"/contents/.github/workflows/{workflow}", params={"ref": head})
        document = yaml.safe_load(base64.b64decode(text["content"]))
        cron = document.get("on", document.get(True))["schedule"][0]["cron"]  # YAML 1.1 reads `on` as true
        return self.actions.run(workflow, "schedule", self.actions.schedule(cron), head, days_later=days_later)

    def destroy(self, number: int) -> WorkflowRun:
        """Merge the destroy PR and run the destroy workflow on its `pull_request` closed event."""
        self.merge(number)
        return self.actions.run("dev-agent-destroy.yml", "pull_request", self.actions.pull_request_closed(number))

    def comments(self, number: int) -> list[dict]:
        return self.api("GET", f"/issues/{number}/comments", params={"per_page": 100})

    def open_pulls(self) -> list[dict]:
        return self.api("GET", "/pulls", params={"state": "open"})

    @staticmethod
    def environment(pull: dict) -> str:
        return parse_branch(pull["head"]["ref"]).environment


@contextlib.contextmanager
def act_stack(workdir: Path, **settings: Any) -> Iterator[ActStack]:
    """The stack for one life cycle (bot checks off unless `run_checks=True` is passed)."""
    with SandboxGitHub() as gh:
        app, bot_settings = demo_repository(gh, workdir / "state", **{"run_checks": False, **settings})
        with _bot(bot_settings) as bot_url, MotoServer() as moto, \
                ActionsRunner(gh, f"{OWNER}/{REPO}", workdir / "actions", moto_url=moto.url, actor=USER) as actions:
            gh.set_webhook(f"{bot_url}/webhooks", WEBHOOK_SECRET, app)
            moto.create_state_bucket(bot_settings.state_bucket, bot_settings.state_region)
            yield ActStack(gh, app, moto, actions)
