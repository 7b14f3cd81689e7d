"""`dev-agent apply` and `dev-agent destroy` through the CLI write audit events (who, when, what, which PR) to
the real audit store; refused runs (bad input, state locked) change nothing and write none.
The environment's Terraform is one `terraform_data` resource (no provider, no cloud) with
a local state file, so both runs take seconds."""

from __future__ import annotations

import datetime as dt
import fcntl
import json

from bot.lifecycle.expire import open_destroy_pull
from bot.lifecycle.github import connect
from bot.settings import Settings
from bot.store.audit import AuditLog
from generators.hcl import Ref, block, render
from sandbox import SandboxGitHub
from tests.conftest import require_tool
from tests.support.lifecycle_stack import environment_files, make_repo

ENV = "audit-dev"
MARKER = {
    "terraform/marker.tf": render([block("resource", "terraform_data", "marker", input="audit")]),
    "terraform/outputs.tf": render([block("output", "marker_id", value=Ref("terraform_data.marker.id"),
                                          description="Marker id.")]),
}


def test_apply_and_destroy_record_who_when_what_and_the_pull_request(tmp_path):
    require_tool("terraform")
    with SandboxGitHub() as gh:
        repo = make_repo(gh, "alice", "infra", tmp_path)
        issue = gh.open_issue("alice", "infra", f"dev env for {ENV}", user="alice")["number"]
        files = environment_files(ENV, dt.date.today() + dt.timedelta(days=7), Settings(), terraform=MARKER)
        pull = repo.merge_environment(ENV, files, issue, f"dev-agent: {ENV}")
        state_file = tmp_path / "terraform.tfstate"
        override = tmp_path / "state_override.tf"
        override.write_text(render([block("terraform", backend=block("backend", "local", path=str(state_file)))]))
        state_dir = tmp_path / "state"
        audit = AuditLog(Settings(state_dir=state_dir))

        def in_state() -> list[tuple[str, str]]:
            return [(r["type"], r["name"]) for r in json.loads(state_file.read_text())["resources"]]

        start = dt.datetime.now(dt.UTC)

        applied = repo.dev_agent("apply", f"environments/{ENV}", "--override", str(override), state_dir=state_dir,
                                 GITHUB_ACTOR="alice")
        assert applied.returncode == 0, applied.stderr
        head = repo.writer().ref_sha("heads/main")
        [event] = audit.since(start)
        assert (event.action, event.actor, event.environment, event.repository, event.pull_request) == (
            "apply", "alice", ENV, repo.full_name, pull)
        assert event.detail == f"applied {head[:12]}" and start <= event.at <= dt.datetime.now(dt.UTC)

        # Runs that change nothing write nothing: bad input, and a state lock held by another run.
        refused = repo.dev_agent("destroy", "environments", state_dir=state_dir, GITHUB_ACTOR="mallory")
        assert refused.returncode == 3 and "not an environment directory" in refused.stderr
        with open(state_file, "r+") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = repo.dev_agent("destroy", f"environments/{ENV}", "--override", str(override),
                                    state_dir=state_dir, GITHUB_ACTOR="mallory")
        assert locked.returncode == 1 and "locked by another run; nothing was destroyed" in locked.stderr
        assert in_state() == [("terraform_data", "marker")]
        assert [e.action for e in audit.since(start)] == ["apply"]

        # The destroy workflow runs for a merged destroy PR, whose number Actions puts in GITHUB_REF.
        destroy_url = open_destroy_pull(connect(repo.token, repo.full_name, gh.url), ENV, "Done with it.", issue)
        destroy_pull = int(destroy_url.rsplit("/", 1)[1])
        gh.merge_pull("alice", "infra", destroy_pull, user="alice")
        destroyed = repo.dev_agent("destroy", f"environments/{ENV}", "--override", str(override), state_dir=state_dir,
                                   GITHUB_ACTOR="bob", GITHUB_REF=f"refs/pull/{destroy_pull}/merge")
        assert destroyed.returncode == 0, destroyed.stderr
        assert in_state() == []
        events = audit.since(start)
        assert [(e.action, e.actor, e.pull_request, e.detail) for e in events] == [
            ("apply", "alice", pull, f"applied {head[:12]}"), ("destroy", "bob", destroy_pull, "destroyed")]
