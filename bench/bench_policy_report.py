"""Throughput of policy evaluation, budget fitting (fake estimator) and report rendering; prints numbers.

Run: /work/.venv/bin/python bench/bench_policy_report.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.pipeline.budget import fit_budget
from bot.pipeline.planning import plan_environment
from bot.pipeline.report import render_report
from bot.pipeline.results import CheckResult, PipelineResult
from bot.spec import spec_from_data
from generators.hcl import Ref, block, render
from policies.engine import evaluate
from policies.schema import load_policy

TAGS = {"environment": "bench-dev", "tier": "dev", "owner": "team", "managed-by": "dev-agent"}


def terraform(resources: int) -> dict[str, str]:
    blocks = [block("provider", "aws", region="us-east-1", default_tags=block("default_tags", tags=TAGS))]
    for i in range(resources):
        blocks.append(
            block(
                "resource",
                "aws_security_group",
                f"sg{i}",
                vpc_id=Ref("aws_vpc.main.id"),
                ingress=[block("ingress", from_port=443, to_port=443, protocol="tcp", cidr_blocks=["0.0.0.0/0"])],
            )
        )
        blocks.append(
            block("resource", "aws_db_instance", f"db{i}", instance_class="db.t3.micro", storage_encrypted=True)
        )
    return {"main.tf": render(blocks)}


def rate(label: str, count: int, fn) -> None:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<45} {count / elapsed:10.1f} /s   ({elapsed / count * 1000:.2f} ms each)")


def main() -> None:
    policy = load_policy()
    spec = spec_from_data(
        {
            "name": "bench-dev",
            "cloud": "aws",
            "region": "us-east-1",
            "budget_monthly_usd": 60,
            "databases": [{"engine": "postgres"}],
            "cache": {"engine": "redis"},
        }
    )
    plan = plan_environment(spec)
    files = terraform(20)
    cost = {
        "totalMonthlyCost": "55",
        "projects": [
            {
                "breakdown": {
                    "resources": [
                        {"name": f"aws_db_instance.db{i}", "monthlyCost": "2.75", "costComponents": []}
                        for i in range(20)
                    ]
                }
            }
        ],
    }
    findings = [
        {"check_id": f"CKV_AWS_{i}", "check_name": "name", "resource": "r", "file": "/main.tf", "line": i}
        for i in range(50)
    ]
    result = PipelineResult(
        plan=plan, files=files, cost=cost, checks=[CheckResult(name="checkov", passed=False, findings=findings)]
    )
    verdicts = evaluate(policy, plan, files, cost)
    prices = {"db.t3.micro": 12.4, "db.t3.small": 24.8, "cache.t3.micro": 12.4, "cache.t3.small": 24.8}

    def fake(p):
        return 30 + prices[p.sizing.db_instance_class] + prices[p.sizing.cache_node_type]

    rate("policy evaluate (40 resources, parsed)", 50, lambda: evaluate(policy, plan, files, cost))
    rate("policy evaluate (spec + estimate only)", 2000, lambda: evaluate(policy, plan, None, cost))
    rate("fit_budget (fake estimator)", 500, lambda: fit_budget(plan, fake))
    rate("render_report (50 findings)", 500, lambda: render_report(result, verdicts))
    big = result.model_copy(update={"checks": [CheckResult(name="checkov", passed=False, findings=findings * 100)]})
    rate("render_report (5000 findings, split)", 10, lambda: render_report(big, verdicts))


if __name__ == "__main__":
    main()
