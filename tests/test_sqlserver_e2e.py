"""SQL Server through the bot, as a requester asks for it: "staging for billing-api: .NET, SQL Server 2022" on AWS,
Azure and GCP goes from an issue on the sandbox GitHub through `dev-agent serve` and an rq worker to a PR whose report
shows SQL Server honoured (the generated file and line), the edition chosen with its reason, and the database priced
(never $0 in silence)."""

from __future__ import annotations

import re

import pytest

from bot.request.comments import REPORT_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sqlserver_e2e")]

FORM = """### Description

{description}

### Environment name

{name}

### Cloud

{cloud}

### Region

{region}

### Tier

staging

### Monthly budget (USD)

2000
"""
# cloud -> (environment name, region, generated file, priced resource and its monthly cost)
CASES = {
    "aws": ("billing-aws", "us-east-1", "rds.tf", "aws_db_instance.sqlserver", "$171.66"),
    "azure": ("billing-azure", "eastus", "mssql.tf", "azurerm_mssql_database.sqlserver", "$29.42"),
    "gcp": ("billing-gcp", "us-central1", "cloud_sql.tf", "google_sql_database_instance.sqlserver", None),
}
WORDS = {"aws": "AWS us-east-1", "azure": "Azure eastus", "gcp": "GCP us-central1"}


@pytest.fixture(scope="module")
def stack(redis_server):  # noqa: F811
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github, BotStack(github, redis_server.url) as running:
        yield running


@pytest.mark.parametrize("cloud", list(CASES))
def test_a_sql_server_request_gets_a_pr_whose_report_shows_it_honoured_and_priced(stack: BotStack, cloud: str) -> None:
    name, region, file, resource, cost = CASES[cloud]
    description = f"staging for billing-api: .NET, SQL Server 2022, {WORDS[cloud]}"
    body = FORM.format(description=description, name=name, cloud=cloud, region=region)
    stack.sandbox.open_issue(stack.owner, stack.repo, f"Environment: {name}", body, user="alice",
                             labels=["environment-request"])
    pull = stack.wait_for_pull(name, timeout=240)
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), 180, what="report")[0]["body"]
    requirements = report[report.index("### Requirements"):report.index("### Summary")]
    assert re.search(rf"\| ✅ honoured \| SQL Server database \| `SQL Server 2022` \| "
                     rf"`environments/{name}/terraform/{re.escape(file)}:\d+` \|", requirements), requirements
    assert "is not offered" not in report and "Should it use PostgreSQL" not in report
    assert re.search(r"\| `sqlserver_edition` \| SQL Server 2022 web \| "
                     r"cheapest edition for staging without Express's 10 GB cap", report)
    costs = report[report.index("### 💰 Monthly cost"):]
    row = next(line for line in costs.splitlines() if line.startswith(f"| `{resource}`"))
    amount = row.rsplit("|", 2)[-2].strip()
    assert amount != "$0.00" and (cost is None or amount == cost), row
    assert "partial sum" not in report  # every SQL Server component had a price
    tf = stack.file_on(pull["head"]["ref"], f"environments/{name}/terraform/{file}")
    assert {"aws": 'engine                          = "sqlserver-web"', "azure": 'resource "azurerm_mssql_server"',
            "gcp": '"SQLSERVER_2022_WEB"'}[cloud] in tf
