"""Check runs, created and updated by GitHub Apps through installation tokens."""

from __future__ import annotations

from datetime import datetime

from ..context import Ctx
from ..errors import ApiError, forbidden, invalid, not_found
from ..model import CheckRun, now
from ..routing import route

STATUSES = ("queued", "in_progress", "completed", "waiting", "requested", "pending")
CONCLUSIONS = ("action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out")


def _time(value, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise invalid("CheckRun", field, "invalid") from None


def _apply(run: CheckRun, body: dict) -> None:
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"].strip():
            raise invalid("CheckRun", "name", "missing_field")
        run.name = body["name"]
    for key in ("details_url", "external_id"):
        if key in body:
            setattr(run, key, body[key])
    if body.get("started_at"):
        run.started_at = _time(body["started_at"], "started_at")
    status, conclusion = body.get("status"), body.get("conclusion")
    if status is not None and status not in STATUSES:
        raise invalid("CheckRun", "status", "invalid")
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise invalid("CheckRun", "conclusion", "invalid")
    if conclusion is not None:
        run.status, run.conclusion = "completed", conclusion
        run.completed_at = _time(body.get("completed_at"), "completed_at") or now()
    elif status == "completed":
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "CheckRun", "code": "custom", "message": "conclusion is required when status is completed"}],
        )
    elif status is not None:
        run.status = status
    if "output" in body:
        output = body["output"]
        if not isinstance(output, dict) or not output.get("title") or not output.get("summary"):
            raise invalid("CheckRun", "output", "missing_field", "output needs title and summary")
        if len(output["summary"]) > 65535 or len(output.get("text") or "") > 65535:
            raise invalid("CheckRun", "output", "invalid", "output summary and text are limited to 65535 characters")
        run.output = {
            **output,
            "annotations": (run.output.get("annotations") or []) + (output.get("annotations") or []),
        }


def _installation(ctx: Ctx):
    if ctx.identity.kind != "installation":
        raise forbidden("You must authenticate via a GitHub App.")
    return ctx.identity.app


@route("POST", "/repos/{owner}/{repo}/check-runs")
def create_check_run(ctx: Ctx):
    repo = ctx.repo("checks", "write")
    app = _installation(ctx)
    body = ctx.json()
    head_sha = body.get("head_sha")
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise invalid("CheckRun", "name", "missing_field")
    if not isinstance(head_sha, str) or repo.git.object_type(head_sha) != "commit":
        raise ApiError(422, "No commit found for SHA: " + str(head_sha))
    suite = (
        next((r.suite_id for r in repo.check_runs.values() if r.app.id == app.id and r.head_sha == head_sha), None)
        or ctx.state.new_id()
    )
    run = CheckRun(ctx.state.new_id(), suite, app, head_sha, body["name"])
    _apply(run, body)
    repo.check_runs[run.id] = run
    return 201, ctx.shapes.check_run(repo, run)


@route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
def get_check_run(ctx: Ctx):
    repo = ctx.repo("checks")
    run = repo.check_runs.get(ctx.int_param("check_run_id"))
    if run is None:
        raise not_found()
    return 200, ctx.shapes.check_run(repo, run)


@route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
def update_check_run(ctx: Ctx):
    repo = ctx.repo("checks", "write")
    app = _installation(ctx)
    run = repo.check_runs.get(ctx.int_param("check_run_id"))
    if run is None or run.app.id != app.id:
        raise not_found()
    _apply(run, ctx.json())
    return 200, ctx.shapes.check_run(repo, run)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
def list_check_runs(ctx: Ctx):
    repo = ctx.repo("checks")
    sha = repo.git.resolve_commit(ctx.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}")
    name, status = ctx.query.get("check_name"), ctx.query.get("status")
    runs = [
        r
        for r in repo.check_runs.values()
        if r.head_sha == sha and (not name or r.name == name) and (not status or r.status == status)
    ]
    runs.sort(key=lambda r: r.id, reverse=True)
    page = ctx.paginate(runs)
    return 200, {"total_count": len(runs), "check_runs": [ctx.shapes.check_run(repo, r) for r in page]}
