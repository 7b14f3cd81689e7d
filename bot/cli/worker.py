"""`dev-agent worker`: rq workers that run webhook jobs (any number of processes or machines)."""

from __future__ import annotations

import typer
from rq import Worker

from bot.cli import EXIT_INVALID


class PreloadedWorker(Worker):
    """An rq worker that loads the bot once; the work horse it forks per job inherits it."""

    def work(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        from bot.jobs import preload

        preload()
        return super().work(*args, **kwargs)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        processes: int = typer.Option(1, min=1, max=64, help="Worker processes on this machine."),
        burst: bool = typer.Option(False, help="Exit when the queue is empty."),
        maintenance_interval: int = typer.Option(60, min=1, help="Seconds between recoveries of abandoned jobs."),
    ) -> None:
        """Run rq workers on the dev-agent queue (needs REDIS_URL)."""
        from redis import Redis
        from rq import Queue

        from bot.logs import configure_logging
        from bot.settings import get_settings

        configure_logging()
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
        redis = Redis.from_url(settings.redis_url)
        if processes == 1:
            rq_worker = PreloadedWorker([Queue(settings.queue_name, connection=redis)], connection=redis,
                                        maintenance_interval=maintenance_interval)
            rq_worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
            return
        from rq.worker_pool import WorkerPool

        pool = WorkerPool([settings.queue_name], connection=redis, num_workers=processes, worker_class=PreloadedWorker)
        pool.start(burst=burst, logging_level="WARNING")
