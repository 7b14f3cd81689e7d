"""The act harness (sandbox/actions.py) runs workflow files for real: events from the sandbox's webhooks,
checkout over smart HTTP, job outputs feeding a matrix, the workflow token against the sandbox API, stand-ins
that refuse what they cannot honour, and failures reported per job with their message."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import referencing

from generators.workflows.actions import uses
from sandbox import SandboxGitHub
from sandbox.actions import ActionsError, ActionsRunner, act_version
from sandbox.moto import MotoServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("act_runner")]

COMMON = Path(__file__).parent / "fixtures/github/webhooks/payload-schemas/api.github.com/common"

# Exercises what the generated workflows rely on: a job output read as a matrix, github.event fields,
# the stand-ins for checkout/setup-python/setup-terraform/AWS login, github.token, a job skipped by `if:`.
WORKFLOW = f"""\
name: harness
on:
  push:
    branches: [main]
permissions: {{}}
jobs:
  changes:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    outputs:
      targets: ${{{{ steps.list.outputs.targets }}}}
    steps:
      - uses: {uses("actions/checkout")}
        with:
          fetch-depth: 0
          persist-credentials: false
      - id: list
        env:
          BEFORE: ${{{{ github.event.before }}}}
        run: |
          git diff --name-only "$BEFORE" "$GITHUB_SHA" | sed -n 's|^notes/||p' \
            | jq -Rnc '[inputs | {{note: .}}]' > targets.json
          echo "targets=$(cat targets.json)" >> "$GITHUB_OUTPUT"
  comment:
    name: Comment ${{{{ matrix.note }}}}
    needs: changes
    if: needs.changes.outputs.targets != '[]'
    runs-on: ubuntu-24.04
    permissions:
      issues: write
    strategy:
      matrix:
        include: ${{{{ fromJSON(needs.changes.outputs.targets) }}}}
    steps:
      - uses: {uses("actions/checkout")}
        with:
          persist-credentials: false
      - uses: {uses("actions/setup-python")}
        with:
          python-version: "3.11"
      - uses: {uses("hashicorp/setup-terraform")}
        with:
          terraform_version: 1.11.4
          terraform_wrapper: false
      - uses: {uses("aws-actions/configure-aws-credentials")}
        with:
          role-to-assume: arn:aws:iam::123456789012:role/dev-agent-deployer
          aws-region: us-east-1
      - env:
          NOTE: ${{{{ matrix.note }}}}
          GITHUB_TOKEN: ${{{{ github.token }}}}
        run: |
          set -euo pipefail
          python="$(python -c 'import sys; print(sys.version.split()[0])')"
          body="$python $(terraform -version | sed -n 1p) $AWS_REGION: $(cat "notes/$NOTE")"
          jq -n --arg body "$body" '{{body: $body}}' | curl -sf -X POST -H "Authorization: token $GITHUB_TOKEN" \\
            -d @- "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/issues/1/comments" > /dev/null
  scheduled-only:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-24.04
    steps:
      - run: echo never
"""

FAILING = f"""\
name: failing
on: push
permissions: {{}}
jobs:
  old-python:
    runs-on: ubuntu-24.04
    steps:
      - uses: {uses("actions/setup-python")}
        with:
          python-version: "3.9"
  broken-step:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "::error::the input image is missing" && sleep 1 && exit 3  # act: docs/act.md (lost last lines)
  other-clouds:
    runs-on: ubuntu-24.04
    steps:
      - uses: {uses("google-github-actions/auth")}
        with:
          workload_identity_provider: projects/123456789/locations/global/workloadIdentityPools/github/providers/github
          service_account: deployer@acme-dev.iam.gserviceaccount.com
      - uses: {uses("azure/login")}
        with:
          client-id: 00000000-0000-0000-0000-000000000001
          tenant-id: 00000000-0000-0000-0000-000000000002
          subscription-id: 00000000-0000-0000-0000-000000000003
      - run: echo "clouds $GOOGLE_CLOUD_PROJECT $ARM_SUBSCRIPTION_ID $ARM_USE_OIDC"
  bad-azure-login:
    runs-on: ubuntu-24.04
    steps:
      - uses: {uses("azure/login")}
        with:
          client-id: 00000000-0000-0000-0000-000000000001
          tenant-id: my-tenant
          subscription-id: 00000000-0000-0000-0000-000000000003
"""

CLOCK = """\
name: clock
on:
  schedule:
    - cron: "41 5 * * *"
permissions: {}
jobs:
  today:
    runs-on: ubuntu-24.04
    steps:
      - run: python3 -c "import datetime; print('today is', datetime.date.today())"
"""

UNKNOWN_ACTION = """\
name: unknown
on: push
permissions: {}
jobs:
  x:
    runs-on: ubuntu-24.04
    steps:
      - uses: some-vendor/deploy-action@0123456789abcdef0123456789abcdef01234567
"""


def _commit(gh: SandboxGitHub, files: dict[str, str]) -> str:
    """Commit `files` on alice/notes main through the REST API (a push: the sandbox sends `push`)."""
    token = gh.token_for("alice")
    main = gh.request("GET", "/repos/alice/notes/git/ref/heads/main", token)["object"]["sha"]
    base = gh.request("GET", f"/repos/alice/notes/git/commits/{main}", token)["tree"]["sha"]
    tree = gh.request("POST", "/repos/alice/notes/git/trees", token, {"base_tree": base, "tree": [
        {"path": p, "mode": "100644", "type": "blob", "content": t} for p, t in files.items()]})
    commit = gh.request("POST", "/repos/alice/notes/git/commits", token,
                        {"message": "notes", "tree": tree["sha"], "parents": [main]})
    gh.request("PATCH", "/repos/alice/notes/git/refs/heads/main", token, {"sha": commit["sha"]})
    return commit["sha"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("act")
    with SandboxGitHub() as gh, MotoServer() as moto:
        gh.create_user("alice")
        gh.create_repo("alice", "notes", files={".github/workflows/harness.yml": WORKFLOW,
                                                ".github/workflows/failing.yml": FAILING,
                                                ".github/workflows/unknown.yml": UNKNOWN_ACTION,
                                                ".github/workflows/clock.yml": CLOCK,
                                                "README.md": "notes\n"})
        gh.open_issue("alice", "notes", "Notes", user="alice")
        with ActionsRunner(gh, "alice/notes", workdir, moto_url=moto.url) as runner:
            sha = _commit(gh, {"notes/one": "first", "notes/two": "second"})
            push = runner.push(sha)
            run = runner.run("harness.yml", "push", push)
            failing = runner.run("failing.yml", "push", push)
            later = runner.run("clock.yml", "schedule", runner.schedule("41 5 * * *"), days_later=9)
            comments = gh.request("GET", "/repos/alice/notes/issues/1/comments", gh.token_for("alice"))
            yield {"gh": gh, "runner": runner, "push": push, "sha": sha, "run": run, "failing": failing,
                   "later": later, "comments": comments}


def test_the_workflow_runs_its_jobs_from_the_push_webhook(world):
    run = world["run"]
    assert run.conclusion == "success", run.log[-4000:]
    assert {(j.name, j.result) for j in run.jobs} == {
        ("changes", "success"), ("Comment one", "success"), ("Comment two", "success"),
        ("scheduled-only", "skipped")}
    assert f"checked out {world['sha']} of alice/notes from {world['gh'].url}" in run.log
    assert run.lines()[0].startswith("harness.yml (push): success")
    assert "  Comment one: success" in run.lines()


def test_jobs_use_the_workflow_token_host_tools_and_moto_region(world):
    comments = world["comments"]
    assert sorted(c["body"].rsplit(": ", 1)[1] for c in comments) == ["first", "second"]
    assert {c["user"]["login"] for c in comments} == {"github-actions[bot]"}
    assert all(c["body"].startswith("3.11.") and "Terraform v1.11" in c["body"] and "us-east-1" in c["body"]
               for c in comments)


def test_failures_are_reported_per_job_with_their_message(world):
    failing = world["failing"]
    assert failing.conclusion == "failure"
    assert failing.job("old-python").result == "failure"
    assert failing.job("broken-step").result == "failure"
    old_python = "\n".join(line for line in failing.log.splitlines() if line.startswith("[old-python]"))
    assert "the workflow asks for Python 3.9, the host has 3.11" in failing.log, old_python  # what the job printed
    assert "the input image is missing" in failing.log
    assert failing.job("bad-azure-login").result == "failure"
    assert "azure login stand-in: tenant-id 'my-tenant' is not a GUID" in failing.log


def test_the_other_clouds_logins_check_their_inputs_and_export_what_the_real_ones_do(world):
    failing = world["failing"]
    assert failing.job("other-clouds").result == "success", failing.log[-3000:]
    assert "[other-clouds] clouds acme-dev 00000000-0000-0000-0000-000000000003 true" in failing.log


def test_an_action_without_a_stand_in_is_refused_by_name(world):
    with pytest.raises(ActionsError, match="uses some-vendor/deploy-action, which has no local stand-in"):
        world["runner"].run("unknown.yml", "push", world["push"])


def test_push_payload_has_githubs_shape(world):
    push = world["push"]
    assert push["ref"] == "refs/heads/main" and push["after"] == world["sha"]
    assert not push["created"] and not push["deleted"] and not push["forced"]
    registry = referencing.Registry().with_resources(
        (f"common/{p.name}", referencing.Resource.from_contents(json.loads(p.read_text()),
                                                                 default_specification=referencing.jsonschema.DRAFT7))
        for p in COMMON.glob("*.schema.json"))
    for schema, value in [("commit", push["head_commit"]), *(("commit", c) for c in push["commits"]),
                          ("committer", push["pusher"]), ("repository", push["repository"]), ("user", push["sender"])]:
        validator = jsonschema.Draft7Validator({"$ref": f"common/{schema}.schema.json"}, registry=registry)
        assert [e.message for e in validator.iter_errors(value)] == [], schema
    assert sorted(push["head_commit"]["added"]) == ["notes/one", "notes/two"]


def test_a_scheduled_run_can_happen_days_later(world):
    later = world["later"]
    assert later.conclusion == "success" and later.job("today").result == "success", later.log[-3000:]
    assert f"[today] today is {dt.date.today() + dt.timedelta(days=9)}" in later.log


def test_act_version_is_the_pinned_release():
    assert act_version() == "0.2.89"
