"""`curl /metrics` after a demo run: the issue -> PR flow of `dev-agent demo` (sandbox GitHub, the bot
in-process with its checks) moves every counter the operations runbook lists, served over HTTP."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.demo import (
    OWNER,
    REPO,
    SAMPLE_REQUEST,
    USER,
    WEBHOOK_SECRET,
    _bot,
    _bot_pull,
    demo_repository,
    serve_metrics,
)
from bot.github.branches import parse_branch
from bot.lifecycle.apply import apply_environment
from bot.lifecycle.destroy import destroy_environment
from tests.conftest import require_tool
from tests.support.bot_stack import wait_for
from tests.support.redis_server import free_port


def _samples(text: str) -> dict[str, float]:
    """Every sample line keyed by its name and labels."""
    samples = {}
    for line in text.splitlines():
        match = re.match(r"^(dev_agent_\w+(?:\{.*\})?) ([0-9.e+-]+)$", line)
        if match:
            samples[match.group(1)] = float(match.group(2))
    return samples


def _moved(before: dict[str, float], after: dict[str, float], name: str, **labels: str) -> float:
    """How much the samples of `name` whose labels include `labels` grew."""
    def total(samples: dict[str, float]) -> float:
        return sum(v for k, v in samples.items() if re.match(rf"^{name}(\{{|$)", k)
                   and all(f'{key}="{value}"' in k for key, value in labels.items()))
    return total(after) - total(before)


@pytest.fixture(scope="module")
def scrapes(tmp_path_factory):
    """/metrics before and after one demo-style request, with the model configured but unreachable."""
    from sandbox import SandboxGitHub

    url, stop = serve_metrics()
    try:
        before = _samples(httpx.get(url, timeout=10).text)
        with SandboxGitHub() as gh:
            app, settings = demo_repository(
                gh, tmp_path_factory.mktemp("state"), checkov_bin=require_tool("checkov"),
                anthropic_api_key="sk-ant-unused",
                anthropic_base_url=f"http://127.0.0.1:{free_port()}",  # nothing listens: the parser falls back
            )
            with _bot(settings) as bot_url:
                gh.set_webhook(f"{bot_url}/webhooks", WEBHOOK_SECRET, app)
                gh.open_issue(OWNER, REPO, "Environment request", SAMPLE_REQUEST, user=USER,
                              labels=["environment-request"])
                pull = wait_for(lambda: _bot_pull(gh, app), 300, what="the bot's pull request")
                branch = parse_branch(pull["head"]["ref"])
                assert branch is not None
                wait_for(lambda: _moved(before, _samples(httpx.get(url, timeout=10).text), "dev_agent_pull_requests_total"),
                         120, what="the job to finish")
                bot_metrics = httpx.get(f"{bot_url}/metrics", timeout=10).text  # also samples the queue depth
        missing = tmp_path_factory.mktemp("apply") / "environments" / "nope"
        assert apply_environment(missing, settings).status == "invalid"
        assert destroy_environment(missing, settings).status == "invalid"
        after = _samples(httpx.get(url, timeout=10).text)
    finally:
        stop()
    return before, after, bot_metrics, branch.environment


def test_every_listed_counter_moves(scrapes):
    before, after, _, environment = scrapes
    assert _moved(before, after, "dev_agent_webhooks_total", event="issues", outcome="accepted") >= 1
    for stage in ("parse", "generate", "check", "cost", "github"):
        assert _moved(before, after, "dev_agent_job_stage_seconds_count", stage=stage) >= 1, stage
    assert _moved(before, after, "dev_agent_github_api_calls_total") > 0
    assert after["dev_agent_github_rate_limit_remaining"] > 0
    assert _moved(before, after, "dev_agent_model_calls_total", outcome="unreachable") == 1
    assert _moved(before, after, "dev_agent_model_fallbacks_total", reason="unreachable") == 1
    assert _moved(before, after, "dev_agent_pull_requests_total", action="opened", kind="request") == 1
    assert _moved(before, after, "dev_agent_applies_total", action="apply", outcome="invalid") == 1
    assert _moved(before, after, "dev_agent_applies_total", action="destroy", outcome="invalid") == 1
    # this request's own series: other tests in the same process may have set gauges for other environments
    assert after[f'dev_agent_monthly_cost_usd{{environment="{OWNER}/{REPO}/{environment}"}}'] > 0


def test_the_bot_serves_the_same_counters(scrapes):
    _, after, bot_metrics, environment = scrapes
    served = _samples(bot_metrics)
    assert served["dev_agent_queue_depth"] == 0  # sampled at the scrape: the job has finished
    # this request's own series: other tests in the same process may have set gauges for other environments
    assert after[f'dev_agent_monthly_cost_usd{{environment="{OWNER}/{REPO}/{environment}"}}'] > 0
    # the registry's total at the scrape counts applied environments only: the demo's apply stopped (invalid)
    assert served["dev_agent_managed_monthly_cost_usd"] == 0
    for name in ('dev_agent_webhooks_total{event="issues",outcome="accepted"}', 'dev_agent_pull_requests_total{action="opened",kind="request"}',
                 'dev_agent_job_stage_seconds_count{stage="check"}'):
        assert 0 < served[name] <= after[name], name

