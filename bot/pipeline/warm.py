"""Warm a worker before it forks its work horses: every cache a job fills, filled once.

An rq worker forks a fresh work horse per job, and a horse starts from its parent's memory: what the parent has
not loaded, every job loads again (the price catalog, the policy, the understanding tables, python-hcl2's parser,
the generators' templates, the lazily imported modules). That was ~0.8 s of CPU per job, more than the whole
pipeline after it. `warm_up` reads one sample request and builds one sample environment per cloud (no checks,
no GitHub, no model call), so each job finds all of it already in memory.
"""

from __future__ import annotations

import importlib
import logging
import time

from bot.pipeline.run import build_environment
from bot.request.derive import derive_spec
from bot.request.state import RequestState
from bot.settings import Settings
from bot.spec import spec_from_data

log = logging.getLogger(__name__)

SAMPLES = [
    ("aws", "us-west-2", "A staging environment for payments-api, a FastAPI service on Kubernetes with PostgreSQL 16 "
                         "and Redis, on AWS in us-west-2, budget $400 a month, for 14 days."),
    ("gcp", "europe-west1", "A dev environment for orders on GCP in europe-west1: containers, PostgreSQL, Redis and "
                            "Pub/Sub."),
    ("azure", "westeurope", "A dev environment for search on Azure in westeurope with MongoDB, Redis and Service Bus."),
]


def warm_up(settings: Settings) -> None:
    """Read one sample request and build one sample environment per cloud (what a job does, minus the checks,
    GitHub and the model); a failure only costs the first job its warm start."""
    started = time.perf_counter()
    offline = settings.model_copy(update={"anthropic_api_key": None})  # never a model call at start-up
    for cloud, region, text in SAMPLES:
        try:
            derive_spec({"number": 1, "title": "Environment: warm-up", "body": text}, RequestState(issue=1), offline)
            spec = spec_from_data({"name": f"warm-up-{cloud}", "service": "warm-up", "cloud": cloud,
                                   "region": region, "tier": "staging"})
            build_environment(spec, offline, run_checks=False)
        except Exception as exc:  # noqa: BLE001 - a sample that fails to build must not stop the worker
            log.warning("pipeline warm-up for %s failed: %s", cloud, exc)
    if settings.anthropic_api_key is not None and settings.anthropic_api_key.get_secret_value():
        importlib.import_module("bot.understanding.claude")  # the anthropic SDK: slow to import, used by every job
    log.info("pipeline warmed up in %.1f s", time.perf_counter() - started)
