"""`dev-agent demo`: the whole product on one machine, with no GitHub, cloud account or API key.

It starts the sandbox GitHub, the bot (web + in-process worker), a moto server and GitHub Actions (act, see
sandbox/actions.py) on free ports, opens an issue with a sample request, waits for the bot's PR, runs the
generated `dev-agent-plan.yml` for the PR through act against moto (it posts the real terraform plan into the
bot's report; the bot sets its plan check), shows the report, merges it, runs the generated `dev-agent-apply.yml`
for the push to main, which applies the change set reviewed on the PR, shows each job's result and the outputs
the workflow posted, and cleans everything up.
"""

from __future__ import annotations

import base64
import re
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import start_http_server

from bot.checks.progress import watching
from bot.cost import estimate_files
from bot.cost.defaults import tier_usage
from bot.github.branches import parse_branch
from bot.metrics import metrics_registry
from bot.pipeline.planning import plan_environment
from bot.polling import wait_until
from bot.request import markers
from bot.review import section
from bot.review.tfplan import PlanSummary
from bot.settings import Settings
from bot.spec import spec_from_data
from policies.engine import evaluate, worst
from policies.schema import load_policy

SAMPLE_REQUEST = (
    "dev environment for payments-api: FastAPI on Python 3.12 in containers on AWS us-west-2, "
    "an S3 bucket for uploads, 1-2 replicas, $150/month, 7 days"
)
OWNER, REPO, USER = "acme", "platform-environments", "octocat"
WEBHOOK_SECRET = "demo-webhook-secret"
Progress = Callable[[str], None]


@dataclass
class DemoResult:
    """What `dev-agent demo --json` prints."""

    pr_url: str | None = None
    files: list[str] = field(default_factory=list)
    monthly_cost: float | None = None
    checkov_failed: int | None = None
    policy: str | None = None
    pr_plan: dict[str, Any] = field(default_factory=dict)
    apply: dict[str, Any] = field(default_factory=dict)
    runner: str | None = None
    workflows: list[dict[str, str]] = field(default_factory=list)
    head_sha: str = ""
    report: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (self.error is None and self.apply.get("status") == "applied"
                and self.apply.get("matches_review") is True)

    def summary(self) -> dict[str, Any]:
        return {"pr_url": self.pr_url, "files": self.files, "monthly_cost": self.monthly_cost,
                "checkov_failed": self.checkov_failed, "policy": self.policy, "pr_plan": self.pr_plan,
                "apply": self.apply,
                "runner": self.runner, "workflows": self.workflows, "error": self.error}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _bot(settings: Settings) -> Iterator[str]:
    """The bot's web app with its in-process worker, served by uvicorn in a thread; yields its URL."""
    import uvicorn  # deferred: the ASGI server is only needed to serve

    from bot.intake.web import build_runtime  # deferred: the FastAPI app (~230 ms to import) is only needed to serve

    runtime = build_runtime(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(runtime.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, interval=0.2, what="the bot to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def demo_repository(gh: Any, state_dir: Path, **settings: Any) -> tuple[dict[str, Any], Settings]:
    """The demo's repository in the sandbox GitHub `gh`, with the dev-agent App installed; returns the App and
    the bot's settings for it (`settings` adds to or replaces the demo's)."""
    app = gh.create_app("dev-agent")
    gh.create_user(USER)
    gh.create_org(OWNER)
    gh.create_repo(OWNER, REPO)
    gh.add_collaborator(OWNER, REPO, USER, "admin")
    gh.add_team_member(OWNER, "platform", USER)  # the bundled policy's `apply` list: the demo's merge is authorised
    gh.install(app, f"{OWNER}/{REPO}")
    return app, Settings(**{
        "github_api_url": gh.url, "github_app_id": app["id"], "github_private_key": app["private_key_pem"],
        "webhook_secret": WEBHOOK_SECRET, "bot_login": app["bot_login"], "redis_url": None,
        "state_dir": state_dir, "run_checks": True, "sandbox": True, **settings,
    })


def run_demo(request: str = SAMPLE_REQUEST, progress: Progress = print, workdir: Path | None = None,
             show_report: Progress | None = None) -> DemoResult:
    """Run the demo end to end; never raises for a failed step (the result says what failed).

    `show_report` gets the PR report's markdown (default: `progress`)."""
    from sandbox import SandboxGitHub  # deferred: the sandbox GitHub is not part of the workflows' install

    # deferred: the sandbox GitHub is not part of the workflows' install
    from sandbox.actions import ActionsRunner, act_version
    from sandbox.moto import MotoServer  # deferred: the sandbox GitHub is not part of the workflows' install

    result = DemoResult()
    with tempfile.TemporaryDirectory(prefix="dev-agent-demo-", dir=workdir) as tmp, SandboxGitHub() as gh:
        root = Path(tmp)
        app, settings = demo_repository(gh, root / "state")
        progress(f"sandbox GitHub at {gh.url}; repository {OWNER}/{REPO} with the dev-agent App installed")
        try:
            with _bot(settings) as bot_url, MotoServer() as moto, \
                    ActionsRunner(gh, f"{OWNER}/{REPO}", root / "actions", moto_url=moto.url, actor=USER) as actions:
                gh.set_webhook(f"{bot_url}/webhooks", WEBHOOK_SECRET, app)
                result.runner = f"act {act_version()}"
                moto.create_state_bucket(settings.state_bucket, settings.state_region)
                progress(f"bot at {bot_url}; moto (local AWS) at {moto.url}; GitHub Actions: {result.runner}")
                issue = gh.open_issue(OWNER, REPO, "Environment request", request, user=USER,
                                      labels=["environment-request"])
                progress(f"opened issue #{issue['number']}: {request}")
                progress("waiting for the bot to plan, generate, check, cost and open the PR…")
                with watching(lambda event: progress(f"  check {event.describe()}")):
                    pull = wait_until(lambda: _bot_pull(gh, app), 600, interval=0.2, what="the bot's pull request")
                result.pr_url = pull["html_url"]
                progress(f"pull request #{pull['number']}: {pull['html_url']}")
                pull = answer_inputs(gh, app, pull, moto.url, progress)
                progress(f"GitHub Actions runs {PLAN_WORKFLOW} for the pull request's head ({pull['head']['sha'][:12]}) "
                         f"with {result.runner} against moto: the real terraform plan, posted into the bot's report…")
                plan_run = actions.run(PLAN_WORKFLOW, "pull_request",
                                       actions.pull_request_head(pull["number"], pull["head"]["sha"]))
                result.workflows.append(plan_run.summary())
                result.pr_plan = _reviewed(gh, app, pull, plan_run, progress)
                _report_into(result, gh, app, pull)
                (show_report or progress)(result.report)
                if result.pr_plan.get("check") != "success":  # a reviewer would not merge this
                    raise RuntimeError(f"no passing plan on the pull request ({PLAN_WORKFLOW}: "
                                       f"{result.pr_plan.get('error') or result.pr_plan.get('check')})")
                merged = gh.merge_pull(OWNER, REPO, pull["number"], user=USER, merge_method="merge")
                progress(f"merged #{pull['number']}; GitHub Actions runs dev-agent-apply.yml for the push to main "
                         f"({merged['sha'][:12]}) with {result.runner} against moto…")
                run = actions.run(APPLY_WORKFLOW, "push", actions.push(merged["sha"]))
                result.workflows.append(run.summary())
                result.apply = _applied(gh, pull, run, progress)
                if result.apply["status"] == "applied" and result.apply["matches_review"] is not True:
                    result.error = "the apply did not compare its plan with the one reviewed on the pull request"
        except Exception as exc:  # noqa: BLE001 - the demo reports any failed step instead of a traceback
            result.error = f"{type(exc).__name__}: {exc}"
    return result


def _bot_pull(gh: Any, app: dict[str, Any]) -> dict[str, Any] | None:
    """The bot's environment PR once its report comment is there."""
    token = gh.token_for(USER)
    pulls = gh.request("GET", f"/repos/{OWNER}/{REPO}/pulls", token, params={"state": "open"})
    for pull in pulls:
        if parse_branch(pull["head"]["ref"]) is not None and _report_comment(gh, app, pull["number"]):
            found: dict[str, Any] = pull
            return found
    return None


def _environment(pull: dict[str, Any]) -> str:
    """The environment of the bot's PR (`_bot_pull` only returns a PR whose head branch is the bot's)."""
    branch = parse_branch(pull["head"]["ref"])
    if branch is None:
        raise ValueError(f"{pull['head']['ref']!r} is not a dev-agent branch")
    return branch.environment


def _report_comment(gh: Any, app: dict[str, Any], number: int) -> str | None:
    comments = gh.request("GET", f"/repos/{OWNER}/{REPO}/issues/{number}/comments", gh.token_for(USER),
                          params={"per_page": 100})
    bodies = [c["body"] for c in comments if c["user"]["login"] == app["bot_login"] and "dev-agent:report" in c["body"]]
    return "\n".join(bodies) or None


def _report_into(result: DemoResult, gh: Any, app: dict[str, Any], pull: dict[str, Any]) -> None:
    """Fill the summary from the PR: files, the report, and the check run's numbers."""
    token = gh.token_for(USER)
    files = gh.request("GET", f"/repos/{OWNER}/{REPO}/pulls/{pull['number']}/files", token, params={"per_page": 100})
    result.pr_url = pull["html_url"]
    result.head_sha = pull["head"]["sha"]
    result.files = sorted(f["filename"] for f in files)
    result.report = _report_comment(gh, app, pull["number"]) or ""
    env_dir = next(f for f in result.files if f.endswith("/environment.yaml")).rsplit("/", 1)[0]
    result.monthly_cost, result.checkov_failed, result.policy = _figures(gh, pull, env_dir)


def _figures(gh: Any, pull: dict[str, Any], env_dir: str) -> tuple[float | None, int | None, str | None]:
    """Monthly cost, failed checkov checks and the policy outcome, recomputed from the PR's files."""
    token = gh.token_for(USER)
    tree = gh.request("GET", f"/repos/{OWNER}/{REPO}/git/trees/{pull['head']['sha']}", token, params={"recursive": "1"})
    files = {}
    for entry in tree["tree"]:
        if entry["type"] == "blob" and entry["path"].startswith(env_dir + "/"):
            blob = gh.request("GET", f"/repos/{OWNER}/{REPO}/git/blobs/{entry['sha']}", token)
            files[entry["path"]] = base64.b64decode(blob["content"]).decode()
    spec = spec_from_data(yaml.safe_load(files[f"{env_dir}/environment.yaml"]))
    cost = estimate_files({p: t for p, t in files.items() if "/terraform/" in p}, tier_usage(spec.tier.value))
    verdicts = evaluate(load_policy(None), plan_environment(spec), files, cost)
    runs = gh.request("GET", f"/repos/{OWNER}/{REPO}/commits/{pull['head']['sha']}/check-runs", token)
    failed = None
    for run in runs.get("check_runs", []):
        summary = (run.get("output") or {}).get("summary") or ""
        failed = summary.count("CKV")
    return float(cost["totalMonthlyCost"]), failed, worst(verdicts)


BEFORE_YOU_MERGE = "### ⛔ Before you merge"
MISSING_INPUT = re.compile(r"^- `(?P<name>[a-z_]+)`: ", re.MULTILINE)


def missing_inputs(report: str) -> list[str]:
    """The inputs the report lists under "Before you merge"."""
    if BEFORE_YOU_MERGE not in report:
        return []
    return MISSING_INPUT.findall(report.split(BEFORE_YOU_MERGE, 1)[1].split("\n### ", 1)[0])


def _input_value(name: str, spec: dict[str, Any], moto_url: str) -> str:
    """What the demo's user answers for an input: an image in the account's registry, a certificate made in moto."""
    import boto3  # deferred: boto3 (~300 ms to import) is only needed when talking to AWS

    region = spec["region"]
    if name == "certificate_arn":
        acm = boto3.client("acm", region_name=region, endpoint_url=moto_url, aws_access_key_id="demo",
                           aws_secret_access_key="demo")
        return str(acm.request_certificate(DomainName=f"{spec['name']}.demo.internal")["CertificateArn"])
    if name == "image":
        return f"123456789012.dkr.ecr.{region}.amazonaws.com/{spec.get('service') or spec['name']}:1.0.0"
    raise ValueError(f"the demo has no value for the input {name!r}")


def answer_inputs(gh: Any, app: dict[str, Any], pull: dict[str, Any], moto_url: str, progress: Progress) -> dict[str, Any]:
    """Answer "Before you merge" as a reviewer does, with `/dev-agent set <input>=...` on the PR; the PR once the
    bot's report no longer lists any input."""
    token = gh.token_for(USER)
    env, number = _environment(pull), pull["number"]
    for name in missing_inputs(_report_comment(gh, app, number) or ""):
        content = gh.request("GET", f"/repos/{OWNER}/{REPO}/contents/environments/{env}/environment.yaml", token,
                             params={"ref": pull["head"]["sha"]})["content"]
        value = _input_value(name, yaml.safe_load(base64.b64decode(content)), moto_url)
        progress(f"the report asks for `{name}` before the merge; commenting `/dev-agent set {name}={value}`")
        gh.comment(OWNER, REPO, number, f"/dev-agent set {name}={value}", user=USER)
        before = pull["head"]["sha"]

        def answered(before: str = before, name: str = name) -> dict[str, Any] | None:
            fresh = gh.request("GET", f"/repos/{OWNER}/{REPO}/pulls/{number}", token)
            report = _report_comment(gh, app, number) or ""
            return fresh if fresh["head"]["sha"] != before and name not in missing_inputs(report) else None

        pull = wait_until(answered, 600, interval=0.5, what=f"the bot to re-plan with {name}")
    return pull


PLAN_WORKFLOW = "dev-agent-plan.yml"
APPLY_WORKFLOW = "dev-agent-apply.yml"
REVIEWED = "the plan is the one reviewed on the pull request"  # dev-agent apply's line (bot/lifecycle/apply.py)
CHANGED = "the plan changed since review"


def _reviewed(gh: Any, app: dict[str, Any], pull: dict[str, Any], run: Any, progress: Progress) -> dict[str, Any]:
    """The plan dev-agent-plan.yml posted on the PR, as the bot's report and its plan check show it: the demo's
    `pr_plan` summary (counts, the check's conclusion)."""
    name, sha = _environment(pull), pull["head"]["sha"]
    for line in run.lines():
        progress(line)
    out: dict[str, Any] = {"source": PLAN_WORKFLOW, "workflow": run.summary()}
    if run.conclusion != "success":
        job = next((j for j in run.jobs if j.name == f"Plan {name}"), None)
        for step, lines in (job.output.items() if job else []):
            for line in lines[-20:]:
                progress(f"  | [{step}] {line}")
        return {**out, "error": f"{PLAN_WORKFLOW} failed"}

    def checked() -> dict[str, Any] | None:
        runs = gh.request("GET", f"/repos/{OWNER}/{REPO}/commits/{sha}/check-runs", gh.token_for(USER),
                          params={"check_name": markers.plan_check(name)})["check_runs"]
        return next((r for r in runs if r["conclusion"] and r["app"]["slug"] == app["slug"]), None)

    check = wait_until(checked, 120, interval=0.5, what="the bot's plan check")
    data = section.decode_data(_report_comment(gh, app, pull["number"]) or "", name)
    counts = PlanSummary(changes=data["changes"]).counts if data else {}
    progress(f"  check {check['name']}: {check['conclusion']} ({check['output']['title']})")
    return {**counts, **out, "check": check["conclusion"]}


OUTPUT_ROW = re.compile(r"^\| `(?P<key>[^`]+)` \| `(?P<value>[^`]*)` \|$", re.MULTILINE)


def _applied(gh: Any, pull: dict[str, Any], run: Any, progress: Progress) -> dict[str, Any]:
    """Show what the apply workflow did (its Apply step's lines, each job's result, the outputs it posted on the
    PR) and return the demo's apply summary."""
    name = _environment(pull)
    job = next((j for j in run.jobs if j.name == f"Apply {name}"), None)
    for line in (job.output.get("Apply", []) if job else []):
        progress(f"  | {line}")
    for line in run.lines():
        progress(line)
    comments = gh.request("GET", f"/repos/{OWNER}/{REPO}/issues/{pull['number']}/comments", gh.token_for(USER),
                          params={"per_page": 100})
    posted = [c["body"] for c in comments if markers.applied(name) in c["body"]]
    outputs = {m["key"]: m["value"] for m in OUTPUT_ROW.finditer(posted[-1])} if posted else {}
    succeeded = job is not None and job.result == "success" and bool(posted) and "applied" in posted[-1]
    status = "applied" if succeeded else "failed"
    said = "\n".join(job.output.get("Apply", []) if job else [])
    matches = True if REVIEWED in said else False if CHANGED in said else None
    if outputs:
        progress("outputs (from the apply comment github-actions[bot] posted on the PR):")
        for key, value in sorted(outputs.items()):
            progress(f"  {key} = {value}")
    progress(f"{name}: {status}")
    return {"status": status, "environment": name, "outputs": outputs, "matches_review": matches,
            "workflow": run.summary()}


def serve_metrics(port: int = 0) -> tuple[str, Callable[[], None]]:
    """Serve what this process counted (the demo runs the bot in-process) at /metrics; returns URL and stop."""
    server, thread = start_http_server(port, addr="127.0.0.1", registry=metrics_registry())

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{server.server_port}/metrics", stop
