"""schedule.tf: a scheduled job (compute.schedule): Cloud Scheduler runs the Cloud Run job, or calls the function, on
the spec's cron (UTC) as its own service account, which may only invoke that one job or function. Nothing else can
reach the job: a Cloud Run job has no endpoint, and the function's ingress is internal-only (Cloud Scheduler in the
same project counts as internal)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import resource_name, stable_suffix

SCHEDULER_SA = Ref("google_service_account.scheduler.email")


def applies(plan: Plan) -> bool:
    return plan.spec.compute.schedule is not None


def _target(ctx: Context) -> tuple[Block, Block]:
    """(the IAM grant that lets the scheduler's account start the job, the scheduler's http_target)."""
    member = Call("format", "serviceAccount:%s", SCHEDULER_SA)
    if ctx.spec.compute.kind == ComputeKind.functions:
        url = Ref("google_cloudfunctions2_function.app.url")
        grant = block("resource", "google_cloud_run_v2_service_iam_member", "scheduler",
                      name=Ref("google_cloudfunctions2_function.app.name"), location=Ref("var.region"),
                      role="roles/run.invoker", member=member)
        target = block("http_target", http_method="POST", uri=url,
                       oidc_token=block("oidc_token", service_account_email=SCHEDULER_SA, audience=url))
        return grant, target
    grant = block("resource", "google_cloud_run_v2_job_iam_member", "scheduler",
                  name=Ref("google_cloud_run_v2_job.app.name"), location=Ref("var.region"),
                  role="roles/run.invoker", member=member)
    target = block("http_target", http_method="POST",
                   uri=Call("format", "https://run.googleapis.com/v2/projects/%s/locations/%s/jobs/%s:run",
                            Ref("var.project_id"), Ref("var.region"), Ref("google_cloud_run_v2_job.app.name")),
                   oauth_token=block("oauth_token", service_account_email=SCHEDULER_SA,
                                     scope="https://www.googleapis.com/auth/cloud-platform"))
    return grant, target


def build(ctx: Context) -> list[Block]:
    grant, target = _target(ctx)
    digest = stable_suffix(ctx.name + "/scheduler")
    return [
        block("resource", "google_service_account", "scheduler",
              account_id=resource_name(ctx.name, max_length=30 - len(digest) - 7) + "-sched-" + digest,
              display_name=f"{ctx.name} scheduler", description="Cloud Scheduler starts the environment's job as this."),
        grant,
        block("resource", "google_cloud_scheduler_job", "job", name=resource_name(ctx.name, "schedule"),
              region=Ref("var.region"), description=f"Runs the job on `{ctx.spec.compute.schedule}` (UTC)",
              schedule=ctx.spec.compute.schedule, time_zone="Etc/UTC", attempt_deadline="320s",
              retry_config=block("retry_config", retry_count=2), http_target=target,
              depends_on=[Ref(f"{grant.labels[0]}.scheduler")]),
        block("output", "schedule", value=Ref("google_cloud_scheduler_job.job.schedule"),
              description="When the job runs (UTC)."),
    ]
