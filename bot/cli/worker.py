"""`dev-agent worker`: rq workers that run webhook jobs (any number of processes or machines)."""

from __future__ import annotations

import os

import typer
from rq import Worker

from bot.cli import EXIT_INVALID


class PreloadedWorker(Worker):
    """An rq worker that loads the bot once; the work horse it forks per job inherits it."""

    def work(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        from bot.jobs import preload

        preload()
        return super().work(*args, **kwargs)

    def main_work_horse(self, job, queue):
        """In the forked horse: write metrics to this worker's job files (one horse at a time per worker)."""
        from bot.metrics import name_process

        name_process(f"jobs-{os.getppid()}")
        return super().main_work_horse(job, queue)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        processes: int = typer.Option(1, min=1, max=64, help="Worker processes on this machine."),
        burst: bool = typer.Option(False, help="Exit when the queue is empty."),
        maintenance_interval: int = typer.Option(60, min=1, help="Seconds between recoveries of abandoned jobs."),
        metrics_port: int = typer.Option(0, min=0, max=65535, help="Serve the jobs' Prometheus metrics on this "
                                         "port at /metrics (needs PROMETHEUS_MULTIPROC_DIR); 0 = off."),
    ) -> None:
        """Run rq workers on the dev-agent queue (needs REDIS_URL)."""
        from redis import Redis
        from rq import Queue

        from bot.logs import configure_logging
        from bot.settings import get_settings

        configure_logging()
        if metrics_port and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            typer.echo("error: --metrics-port needs PROMETHEUS_MULTIPROC_DIR (a directory for the values of the "
                       "worker's processes: jobs run in forked work horses)", err=True)
            raise typer.Exit(EXIT_INVALID)
        settings = get_settings()
        if not settings.redis_url:
            typer.echo("error: set REDIS_URL; without it `dev-agent serve` runs jobs itself", err=True)
            raise typer.Exit(EXIT_INVALID)
        from bot.github_app import GitHubApp, GitHubAppError

        try:
            GitHubApp(settings)  # fail early and clearly on a missing App id or key
        except GitHubAppError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if metrics_port:
            _serve_metrics(metrics_port)
        redis = Redis.from_url(settings.redis_url)
        if processes == 1:
            rq_worker = PreloadedWorker([Queue(settings.queue_name, connection=redis)], connection=redis,
                                        maintenance_interval=maintenance_interval)
            rq_worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
            return
        from rq.worker_pool import WorkerPool

        pool = WorkerPool([settings.queue_name], connection=redis, num_workers=processes, worker_class=PreloadedWorker)
        pool.start(burst=burst, logging_level="WARNING")


def _serve_metrics(port: int) -> None:
    """/metrics of every process writing to PROMETHEUS_MULTIPROC_DIR (the horses run the jobs, not this one)."""
    from prometheus_client import start_http_server

    from bot.metrics import metrics_registry

    start_http_server(port, addr="0.0.0.0", registry=metrics_registry())  # all interfaces: scraped from outside the pod
