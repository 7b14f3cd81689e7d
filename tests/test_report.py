"""The review report: sections, marker, escaping of hostile text, splitting under GitHub's limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.checks.checkov import framework_result
from bot.markdown import code_span, escape_cell, escape_text
from bot.pipeline.planning import plan_environment
from bot.pipeline.report import GITHUB_COMMENT_LIMIT, compute_summary, render_report
from bot.pipeline.results import CheckResult, PipelineResult, Verdict
from bot.spec import spec_from_data
from generators import readme
from generators.hcl import Ref, block, render

NASTY = "<!-- hide --> <script>x</script> **bold** [link](http://evil) `tick` a|b @octocat/team\n# heading"


def make_result(
    findings=None, component_name="Database instance (on-demand, Single-AZ, db.t3.micro)", verdicts=None
) -> PipelineResult:
    spec = spec_from_data(
        {
            "name": "payments-api-staging",
            "cloud": "aws",
            "region": "us-west-2",
            "tier": "staging",
            "databases": [{"engine": "postgres"}],
            "budget_monthly_usd": 400,
            "ttl_days": 14,
        }
    )
    plan = plan_environment(spec)
    files = {
        "environments/payments-api-staging/terraform/main.tf": render(
            [
                block("resource", "aws_db_instance", "main", instance_class="db.t3.small", storage_encrypted=True),
                block("resource", "aws_lb", "app", internal=False, subnets=[Ref("aws_subnet.public.id")]),
            ]
        )
    }
    cost = {
        "version": "0.2",
        "totalMonthlyCost": "61.07",
        "projects": [
            {
                "name": "env",
                "breakdown": {
                    "resources": [
                        {
                            "name": "aws_db_instance.main",
                            "monthlyCost": "44.64",
                            "costComponents": [
                                {
                                    "name": component_name,
                                    "unit": "hours",
                                    "monthlyQuantity": "730",
                                    "price": "0.034",
                                    "monthlyCost": "24.82",
                                },
                                {
                                    "name": "Storage (general purpose SSD, gp2)",
                                    "unit": "GB",
                                    "monthlyQuantity": "20",
                                    "price": "0.115",
                                    "monthlyCost": "2.30",
                                },
                            ],
                        },
                        {
                            "name": "aws_lb.app",
                            "monthlyCost": "16.43",
                            "costComponents": [
                                {
                                    "name": "Application load balancer",
                                    "unit": "hours",
                                    "monthlyQuantity": "730",
                                    "price": "0.0225",
                                    "monthlyCost": "16.43",
                                },
                                {
                                    "name": "Load balancer capacity units",
                                    "unit": "LCU",
                                    "monthlyQuantity": None,
                                    "price": "5.84",
                                    "monthlyCost": None,
                                },
                            ],
                        },
                    ]
                },
            }
        ],
    }
    if findings is None:  # what bot.checks.checkov makes of checkov's JSON for both frameworks
        checks = [
            framework_result("checkov terraform", _checkov_report("terraform", 40, "CKV_AWS_118",
                             "Ensure enhanced monitoring is enabled", "aws_db_instance.main", "/tf/main.tf"),
                             Path("/tf"), []),
            framework_result("checkov kubernetes", _checkov_report("kubernetes", 17, "CKV_K8S_21",
                             "The default namespace should not be used", "Deployment.default.app", "/k8s/app.yaml"),
                             Path("/k8s"), []),
        ]
    else:
        checks = [CheckResult(name="checkov terraform", passed=not findings, findings=findings,
                              counts={"passed": 0, "failed": len(findings), "skipped": 0})]
    verdicts = (
        verdicts
        if verdicts is not None
        else [
            Verdict(rule="cost-within-budget", outcome="pass", value="$61.07 <= $400.00"),
            Verdict(
                rule="ttl-within-tier",
                outcome="warn",
                value="no TTL",
                message="should expire",
                fix="set ttl_days <= 90",
            ),
        ]
    )
    return PipelineResult(plan=plan, files=files, checks=checks, cost=cost, verdicts=verdicts)


def _checkov_report(framework: str, passed: int, check_id: str, check_name: str, resource: str, path: str) -> dict:
    failed = {"check_id": check_id, "check_name": check_name, "resource": resource, "file_abs_path": path,
              "file_line_range": [1, 9], "guideline": None}
    return {"check_type": framework, "results": {"failed_checks": [failed]},
            "summary": {"resource_count": 5, "passed": passed, "failed": 1, "skipped": 0, "parsing_errors": 0}}


def test_report_has_every_section_and_the_marker_first():
    [body] = render_report(make_result())
    assert body.startswith("<!-- dev-agent:report env=payments-api-staging -->\n")
    for heading in (
        "### Summary",
        "### Spec",
        "### Resources (2)",
        "### 💰 Monthly cost: $61.07",
        "### checkov: 57 passed, 2 failed",
        "### Policy",
        "### Plan choices",
        "### Risks",
        "### Next steps",
    ):
        assert heading in body, heading
    assert "| `aws_db_instance.main` | $44.64 |" in body and "| **Total** | **$61.07** |" in body
    assert "| `CKV_AWS_118` | Ensure enhanced monitoring is enabled | `aws_db_instance.main` | `main.tf:1` |" in body
    assert "| `CKV_K8S_21` | The default namespace should not be used | `Deployment.default.app` | `app.yaml:1` |" in body
    assert "- **checkov**: 57 passed, 2 failed" in body
    assert "| `aws_lb.app` | aws\\_lb | `environments/payments-api-staging/terraform/main.tf:6` |" in body
    assert "Single-AZ database" in body and "Public ingress" in body
    assert "⚠️ | `ttl-within-tier` | no TTL | should expire | set ttl\\_days &lt;= 90 |" in body
    assert "budget $400.00, within" in body
    assert "name: payments-api-staging" in body  # the spec as YAML


def test_hostile_text_cannot_escape_its_cell_or_hide_the_report():
    findings = [{"check_id": "CKV_X|1", "check_name": NASTY, "resource": "a`b|c", "file": "/x.tf", "line": 3}]
    verdicts = [Verdict(rule="required-tags", outcome="fail", value=NASTY, message=NASTY, fix=NASTY)]
    [body] = render_report(make_result(findings=findings, component_name=NASTY, verdicts=verdicts))
    assert body.count("<!--") == 1, "only our marker may open an HTML comment"
    assert "<script>" not in body and "](http" not in body and "**bold**" not in body
    assert "@octocat" not in body  # mention defused
    assert "\n# heading" not in body
    for line in body.splitlines():
        if line.startswith("| ") and "required-tags" in line:
            assert len(re.findall(r"(?<!\\)\|", line)) == 6  # 5 cells: pipes inside text are escaped
    assert "``a`b\\|c``" in body


def test_markdown_helpers():
    assert escape_text("a <b> & c") == "a &lt;b&gt; &amp; c"
    assert escape_text("x\ny") == "x y"
    assert escape_cell("") == " "
    assert code_span("a``b") == "```a``b```"
    assert code_span("`x") == "`` `x ``"
    assert code_span("a|b", in_table=True) == "`a\\|b`"


def _tables(body: str) -> list[list[str]]:
    tables, current = [], []
    for line in body.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_huge_report_is_split_under_the_limit_without_cutting_a_table():
    findings = [
        {
            "check_id": f"CKV_AWS_{i}",
            "check_name": "Ensure something reasonably long is configured " * 2,
            "resource": f"aws_security_group.rule_{i}",
            "file": "/network.tf",
            "line": i,
            "result": "failed",
        }
        for i in range(3000)
    ]
    bodies = render_report(make_result(findings=findings))
    assert len(bodies) >= 3
    assert bodies[0].startswith("<!-- dev-agent:report env=payments-api-staging -->\n")
    for index, body in enumerate(bodies[1:], 2):
        assert body.startswith(f"<!-- dev-agent:report env=payments-api-staging part={index}/{len(bodies)} -->\n")
    rows = 0
    for body in bodies:
        assert len(body) <= GITHUB_COMMENT_LIMIT
        assert body.count("<details>") == body.count("</details>")
        for rows_of_table in _tables(body):
            assert re.match(r"^\| (---:?|\s)", rows_of_table[1]) or set(rows_of_table[1]) <= set("|-: "), rows_of_table[
                :2
            ]
            widths = {len(re.findall(r"(?<!\\)\|", line)) for line in rows_of_table}
            assert len(widths) == 1, "every row of a table has the header's columns"
            if rows_of_table[0].startswith("| Check |"):
                rows += len(rows_of_table) - 2
    assert rows == 3000, "every finding is reported exactly once"
    assert "<summary>3000 failed checks (1–" in "".join(bodies)
    joined = "".join(bodies)
    assert "### Next steps" in joined and "### Summary" in bodies[0]


def test_unlimited_render_is_one_document_for_report_md():
    findings = [
        {"check_id": f"CKV_{i}", "check_name": "n" * 60, "resource": "r", "file": "/f.tf", "line": i}
        for i in range(2000)
    ]
    [body] = render_report(make_result(findings=findings), limit=None)
    assert len(body) > GITHUB_COMMENT_LIMIT and body.count("dev-agent:report") == 1


def test_risks_follow_the_plan():
    result = make_result()
    result.plan.sizing.db_multi_az = True
    result.plan.expires_on = None
    result.files["environments/payments-api-staging/terraform/db.tf"] = render(
        [block("resource", "aws_db_instance", "other", backup_retention_period=0)]
    )
    [body] = render_report(result)
    risks = body.split("### Risks", 1)[1].split("###", 1)[0]
    assert "Single-AZ database" not in risks
    assert "no automated backups" in risks and "No expiry" in risks


def _planned(text: str, overrides: list | None = None) -> str:
    from bot.pipeline.results import Requester
    from bot.pipeline.run import run_pipeline
    from bot.settings import Settings
    from bot.understanding.deterministic import parse

    understanding = parse(text)
    assert understanding.spec is not None, understanding.questions
    result = run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                          requester=Requester(overrides=overrides or []), requirements=understanding.requirements)
    return result.report


def test_report_opens_with_requirements_and_is_not_ready_over_unsupported_asks():
    # Sentry: no DSN wiring is generated, so the ask stays open
    report = _planned("FastAPI with postgres on an EC2 VM in AWS us-east-1, Sentry, and open port 22 to the internet")
    assert report.index("### Requirements") < report.index("### Summary")
    requirements = report[report.index("### Requirements"):report.index("### Summary")]
    assert "✅ honoured | PostgreSQL database | `postgres` | `environments/fastapi-dev/terraform/rds.tf:" in requirements
    assert "⚠️ unsupported | Sentry error tracking" in requirements and "⛔ refused" in requirements
    assert "Ready for review" not in report and "not supported and not accepted" in report
    risks = report[report.index("### Risks"):report.index("### Next steps")]
    assert "Sentry" in risks and "None identified" not in risks
    assert "/dev-agent override requirement:monitoring:sentry" in risks


def test_an_accepted_requirement_no_longer_blocks_ready():
    import datetime as dt

    from policies.schema import Override

    grant = Override(rule="requirement:monitoring:sentry", by="lead", teams=[], reason="agent baked into the VM image",
                     at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    report = _planned("FastAPI with postgres on an EC2 VM in AWS us-east-1, Sentry", [grant])
    assert "not supported and not accepted" not in report
    assert "(accepted)" in report and "agent baked into the VM image" in report


def test_compliance_section_lists_controls_with_evidence_or_gap_and_never_says_compliant():
    report = _planned("HIPAA FastAPI with postgres and redis on AWS us-east-1")
    section = report[report.index("### Compliance"):]
    section = section[:section.index("\n### ", 1)]
    assert "helps meet" in section and "compliant" not in report.lower().replace("compliance", "")
    assert "✅ evidence | `hipaa` | Data in transit" in section and "elasticache.tf:" in section
    assert "⚠️ gap | `hipaa` | API activity" in section and "CloudTrail" in section


README_FACTS = {
    "kubernetes": ["| Per replica | 0.5 vCPU, 1 GiB |", "| Nodes | 1-2 x t3.medium \\(2 vCPU / 4 GiB each\\) |"],
    "containers": ["| Per replica | 0.5 vCPU, 1 GiB |"],
    "vm": ["| Compute | 2 VMs of type t3.medium \\(2 vCPU / 4 GiB\\) |"],
    "functions": ["| Compute | functions, 512 MB memory, scaled per request |"],
}


@pytest.mark.parametrize(("compute", "summary", "node_choice"), [
    ({"kind": "kubernetes", "min_replicas": 2, "max_replicas": 4},
     "kubernetes, 2–4 replicas of 0.5 vCPU / 1 GiB on 1–2 `t3.medium` node(s) (2 vCPU / 4 GiB each)", True),
    ({"kind": "containers", "min_replicas": 2, "max_replicas": 4}, "containers, 2–4 replicas of 0.5 vCPU / 1 GiB", False),
    ({"kind": "vm", "min_replicas": 2, "max_replicas": 2}, "2 VMs of type `t3.medium` (2 vCPU / 4 GiB)", True),
    ({"kind": "functions"}, "functions, 512 MB memory per instance, scaled per request", False),
])
def test_compute_summary_and_plan_choices_match_the_environment_kind(compute, summary, node_choice) -> None:
    """No node choices where nothing has nodes; the summary shows the planned size (a VM's type, not 0.5 vCPU)."""
    plan = plan_environment(spec_from_data({"name": "kinds-dev", "cloud": "aws", "region": "us-west-2",
                                            "compute": compute}))
    assert compute_summary(plan) == summary
    facts = [line for line in readme.render(plan).splitlines() if line.startswith(("| Compute", "| Nodes", "| Per"))]
    assert facts == README_FACTS[compute["kind"]]
    assert ("node_instance_type" in {c.key for c in plan.choices}) is node_choice
    assert "db_multi_az" not in {c.key for c in plan.choices}  # no database, no database choice


@pytest.mark.parametrize(("request_text", "machine_row", "absent"), [
    ("flask app with postgres on a single VM on GCP us-central1",
     "| `vm_instance_type` | e2-medium | default VM type for dev on gcp |", "node_instance_type"),
    ("flask app with postgres on an Azure VM in westeurope",
     "| `vm_instance_type` | Standard\\_B2s | default VM type for dev on azure |", "node_instance_type"),
    ("flask app with postgres on EKS in us-east-1",
     "| `node_instance_type` | t3.medium | default node type for dev on aws |", "vm_instance_type"),
    ("flask app with postgres on ECS Fargate in us-east-1", None, "_instance_type"),
])
def test_plan_choices_name_the_machine_by_what_it_is(request_text, machine_row, absent):
    """A VM's machine type is a VM type in the report and the README (VMs have no nodes); containers choose none;
    memory reads GiB."""
    report = _planned(request_text)
    choices = report[report.index("### Plan choices"):]
    choices = choices[:choices.index("\n### ", 1)]
    if machine_row:
        assert machine_row in choices, choices
    assert absent not in choices, choices
    assert re.search(r"\d GB\b", report.split("### Spec")[0].split("### Summary")[1]) is None  # summary: GiB, never GB


@pytest.mark.parametrize(("request_text", "says"), [
    ("flask app on a single VM on GCP us-central1", "its GCP VMs get no public IP"),
    ("flask app on an Azure VM in westeurope", "its Azure VMs get no public IP"),
    ("internal-only flask app on a single VM on GCP us-central1", None),  # asked to be private: nothing to warn about
    ("flask app on an EC2 VM in AWS us-east-1", None),  # behind its public ALB
])
def test_a_public_app_on_gcp_or_azure_vms_is_said_to_be_unreachable(request_text, says):
    """GCP/Azure VMs get no public IP or load balancer: the report says the 'public' app is private, and how to
    reach it or get a public endpoint, instead of letting the reviewer assume an endpoint."""
    report = _planned(request_text)
    risks = report[report.index("### Risks"):]
    risks = risks[:risks.index("\n### ", 1)]
    if says:
        assert "No public entry point" in risks and says in risks, risks
        assert "`/dev-agent set compute.kind=containers`" in risks
    else:
        assert "No public entry point" not in risks, risks
    if "EC2" in request_text:
        assert "Public ingress" in risks
