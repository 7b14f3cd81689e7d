"""Job functions run by rq workers or the in-process thread: one delivery -> its handlers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from bot.checks import warm_up
from bot.github.app import GitHubApp, RedisTokens
from bot.github.authz import org_policy_refusal
from bot.github.installations import InstallationStore, SqlInstallations
from bot.handlers import writer_for
from bot.jobs.handlers import load_handlers
from bot.logs import correlated
from bot.pipeline.run import build_environment
from bot.pipeline.warm import warm_up as warm_pipeline
from bot.request.markers import StateKeyring, state_keyring
from bot.settings import Settings, get_settings
from bot.store.audit import AuditLog
from bot.store.db import open_database
from bot.store.locks import MemoryLocks, RedisLocks
from bot.store.protocols import AuditStore, RegistryStore
from bot.store.registry import JobRecord, Registry

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What handlers need (it fits bot.jobs.context.HandlerContext). `pipeline` and `github` are injectable seams
    (tests, the demo)."""

    settings: Settings
    locks: RedisLocks | MemoryLocks
    installations: InstallationStore
    github: Callable[[int], Any]  # installation id -> PyGithub client
    pipeline: Callable[..., Any] = field(default=build_environment)
    # (login, action, member_of) -> refusal or None; bot.github.authz.org_policy_refusal by default
    org_policy: Callable[[str, str, Callable[[str], bool]], str | None] = field(default=None)  # type: ignore[assignment]
    registry: RegistryStore = field(default=None)  # type: ignore[assignment]  # Registry(settings) when not given
    audit: AuditStore = field(default=None)  # type: ignore[assignment]  # AuditLog(settings) when not given
    job_id: str = ""
    identity: Callable[[], str] | None = None  # the App's bot login (GET /app); settings.bot_login when not given
    state_keys: StateKeyring | None = None  # from settings when not given

    def authors(self) -> frozenset[str]:
        """Whose comments, issues and PRs count as the bot's own: only the App's bot user (bot/request/markers.py)."""
        return frozenset({self.identity() if self.identity else self.settings.bot_login})

    def keyring(self) -> StateKeyring:
        if self.state_keys is None:
            self.state_keys = state_keyring(self.settings)
        return self.state_keys

    def __post_init__(self) -> None:
        if self.org_policy is None:
            self.org_policy = lambda login, action, member_of: org_policy_refusal(self.settings, login, action, member_of)
        if self.registry is None:
            self.registry = Registry(self.settings)
        if self.audit is None:
            self.audit = AuditLog(self.settings)


def build_context(settings: Settings, redis: Any = None) -> JobContext:
    """A context from settings: Redis-backed when `redis` is given, in-memory otherwise."""
    app = GitHubApp(settings, tokens=RedisTokens(redis) if redis is not None else None)
    locks = RedisLocks(redis, settings.lock_ttl_seconds) if redis is not None else MemoryLocks(settings.lock_ttl_seconds)
    database = open_database(settings)
    return JobContext(settings=settings, locks=locks, installations=SqlInstallations(database), github=app.client,
                      registry=Registry(settings, database), audit=AuditLog(settings, database), identity=app.bot_login)


_worker_context: JobContext | None = None
_worker_lock = threading.Lock()


def worker_context() -> JobContext:
    """The per-process context of an rq worker (built once, from the environment)."""
    global _worker_context
    with _worker_lock:
        if _worker_context is None:
            from redis import Redis  # deferred: the redis client is only needed in an rq worker

            settings = get_settings()
            _worker_context = build_context(settings, Redis.from_url(settings.redis_url) if settings.redis_url else None)
        return _worker_context


def preload() -> JobContext:
    """Import handlers, build the worker context, warm the checks and the pipeline up before forking, so each job
    starts warm."""
    load_handlers()
    context = worker_context()
    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = pool.submit(warm_up, context.settings)  # the warm checkov (one per worker), Terraform's providers
        identity = pool.submit(context.authors)  # GET /app once per worker, not once per job
        warm_pipeline(context.settings)  # caches and imports every job uses (bot/pipeline/warm.py)
        checks.result()
        try:
            identity.result()
        except Exception as exc:  # noqa: BLE001 - GitHub unreachable now: each job asks for itself
            log.warning("the App's identity is not known yet: %s", exc)
    return context


def process_delivery(delivery_id: str, event: str, payload: dict[str, Any], ctx: JobContext | None = None) -> int:
    """The rq job: route one delivery to its handlers. Returns how many handlers ran."""
    base = ctx or worker_context()
    job_ctx = replace(base, job_id=f"delivery-{delivery_id}")
    repository = (payload.get("repository") or {}).get("full_name")
    issue_url = (payload.get("issue") or {}).get("html_url")
    job = JobRecord(id=job_ctx.job_id, kind=f"{event}.{payload.get('action') or ''}".rstrip("."),
                    repository=repository if isinstance(repository, str) else None, status="running",
                    links={"issue": issue_url} if isinstance(issue_url, str) else {})
    with correlated(delivery_id):
        log.info("processing delivery %s (%s.%s)", delivery_id, event, payload.get("action"))
        announced = job_ctx.registry.job(job.id) is not None  # the API recorded it when filing the request
        job_ctx.registry.put_job(job)
        try:
            ran = load_handlers().dispatch(job_ctx, event, payload)
        except Exception as exc:
            job_ctx.registry.put_job(job.model_copy(update={"status": "failed", "detail": type(exc).__name__}))
            if _last_rq_attempt():
                _mark_failed(job_ctx, payload)
            raise
        if ran == 0 and not announced:  # nothing to do (a bot's own event, an unrelated label...): not a job
            job_ctx.registry.drop_job(job.id)
        else:
            job_ctx.registry.put_job(job.model_copy(update={"status": "done", "detail": f"{ran} handler(s)"}))
        return ran


def _last_rq_attempt() -> bool:
    from rq import get_current_job  # deferred: rq (and its redis client) is only needed inside an rq worker

    job = get_current_job()
    return job is not None and not job.retries_left


def _mark_failed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """After the last retry, react 😕 on what triggered the job so nobody waits on 👀 forever."""
    issue, comment = payload.get("issue") or {}, payload.get("comment") or {}
    if not isinstance(issue.get("number"), int):
        return
    try:
        writer_for(ctx, payload).react(issue["number"], "confused", comment_id=comment.get("id"))
    except Exception:
        log.exception("could not mark the failed delivery on #%s", issue["number"])
