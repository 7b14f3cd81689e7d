"""`dev-agent worker`: rq workers that run webhook jobs (any number of processes or machines)."""

from __future__ import annotations

import os
from typing import Any

import typer
from prometheus_client import start_http_server
from redis import Redis
from rq import Queue, Worker
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.worker_pool import WorkerPool

from bot.cli import EXIT_INVALID
from bot.github.app import GitHubApp, GitHubAppError
from bot.logs import configure_logging
from bot.metrics import initialise_series, metrics_registry, name_process
from bot.settings import get_settings


class PreloadedWorker(Worker):
    """An rq worker that loads the bot once (the work horse it forks per job inherits it) and recovers the
    jobs of killed workers within seconds (docs/operations.md, "Killed workers").

    rq finds an abandoned job when its heartbeat entry expires (here: heartbeat interval + grace, from
    settings, instead of rq's fixed 60 s) at a worker's maintenance pass (here: also while idle, not only
    every ~7 minutes), and then retries it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = get_settings()
        kwargs.setdefault("job_monitoring_interval", settings.job_heartbeat_seconds)
        kwargs.setdefault("maintenance_interval", settings.worker_maintenance_seconds)
        super().__init__(*args, **kwargs)
        self.abandon_grace_seconds = settings.job_abandon_grace_seconds
        self.push_exc_handler(retry_abandoned_at_once)  # type: ignore[no-untyped-call]  # rq leaves it untyped

    def work(self, *args: Any, **kwargs: Any) -> bool:
        # deferred: the job runner loads every handler (~60 ms); only a worker needs it
        from bot.jobs.delivery import preload

        preload()
        return super().work(*args, **kwargs)

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """In the forked horse: write metrics to this worker's job files (one horse at a time per worker)."""
        name_process(f"jobs-{os.getppid()}")
        super().main_work_horse(job, queue)

    @property
    def dequeue_timeout(self) -> int:
        """An idle worker wakes once per maintenance interval, so it recovers abandoned jobs while idle."""
        return max(1, min(super().dequeue_timeout, int(self.maintenance_interval)))

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """Heartbeat interval (capped by the job's remaining time) + the grace of settings."""
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = max(0, min(job.timeout - working_time, interval))
        return int(interval) + self.abandon_grace_seconds


def retry_abandoned_at_once(job: Job, exc_type: type, exc_value: BaseException, traceback: object) -> bool:
    """Retry a job abandoned by a killed worker now, not on its retry schedule.

    A scheduled retry waits for rq's scheduler, and the killed worker's scheduler lock blocks a new
    scheduler for a minute. Only this one retry is immediate; later failures keep their intervals.
    """
    if exc_type is AbandonedJobError and job.retries_left and job.retry_intervals:
        index = max(len(job.retry_intervals) - job.retries_left, 0)
        job.retry_intervals = [*job.retry_intervals[:index], 0, *job.retry_intervals[index + 1:]]
    return True


def register(app: typer.Typer) -> None:
    @app.command(epilog=(
        "Examples:\n\n"
        "  REDIS_URL=redis://localhost:6379/0 dev-agent worker --processes 4\n\n"
        "  PROMETHEUS_MULTIPROC_DIR=/tmp/dev-agent-metrics dev-agent worker --metrics-port 9101"))
    def worker(
        processes: int = typer.Option(1, min=1, max=64, metavar="N", help="Worker processes on this machine (1-64)."),
        burst: bool = typer.Option(False, help="Exit when the queue is empty."),
        maintenance_interval: int | None = typer.Option(
            None, min=1, metavar="SECONDS",
            help="Seconds between recoveries of abandoned jobs [default: DEV_AGENT_WORKER_MAINTENANCE_SECONDS]."),
        metrics_port: int = typer.Option(0, min=0, max=65535, metavar="PORT", help="Serve the jobs' Prometheus metrics on this "
                                         "port at /metrics (needs PROMETHEUS_MULTIPROC_DIR); 0 = off."),
    ) -> None:
        """Run rq workers on the dev-agent queue (needs REDIS_URL)."""
        if maintenance_interval is not None:  # every worker process reads it from its settings
            os.environ["DEV_AGENT_WORKER_MAINTENANCE_SECONDS"] = str(maintenance_interval)
        configure_logging()
        if metrics_port and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            typer.echo("error: --metrics-port needs PROMETHEUS_MULTIPROC_DIR (a directory for the values of the "
                       "worker's processes: jobs run in forked work horses)", err=True)
            raise typer.Exit(EXIT_INVALID)
        settings = get_settings()
        if not settings.redis_url:
            typer.echo("error: set REDIS_URL; without it `dev-agent serve` runs jobs itself", err=True)
            raise typer.Exit(EXIT_INVALID)

        try:
            GitHubApp(settings)  # fail early and clearly on a missing App id or key
        except GitHubAppError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if metrics_port:
            _serve_metrics(metrics_port)
        redis = Redis.from_url(settings.redis_url)
        if processes == 1:
            rq_worker = PreloadedWorker([Queue(settings.queue_name, connection=redis)], connection=redis)
            rq_worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
            return

        pool = WorkerPool([settings.queue_name], connection=redis, num_workers=processes, worker_class=PreloadedWorker)
        pool.start(burst=burst, logging_level="WARNING")


def _serve_metrics(port: int) -> None:
    """/metrics of every process writing to PROMETHEUS_MULTIPROC_DIR (the horses run the jobs, not this one)."""
    initialise_series()
    start_http_server(port, addr="0.0.0.0", registry=metrics_registry())  # all interfaces: scraped from outside the pod
