"""The review report: one markdown document per environment, split into GitHub-sized comments.

Sections: summary, before you merge (inputs still missing), spec, resources, cost, checkov findings, policy
verdicts, plan choices, risks, next steps. The first line is a hidden marker the bot uses to find (and update)
its own comments.
Every value that did not come from this module is escaped (bot.markdown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.cost.coverage import unpriced
from bot.cost.diff import changes, diff_reports
from bot.markdown import code_block, code_span, escape_cell, escape_text, table
from bot.pipeline.planning import Plan, machine_size, sqlserver_multi_az
from bot.pipeline.requirements import compliance_section, open_items, requirements_section
from bot.pipeline.results import CheckResult, PipelineResult, Verdict
from bot.request import markers
from bot.spec import Cloud, ComputeKind, DatabaseEngine, Exposure, Monitoring, Tier
from generators.terraform.tfvars import SAMPLE_IMAGE
from policies.terraform import resource_lines

GITHUB_COMMENT_LIMIT = 65_536
TABLE_CHUNK = 12_000  # a long table becomes several complete tables of at most about this size
PART_RESERVE = 400  # room for the marker, the part title and the footer
OUTCOME_ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


marker = markers.report_part  # the hidden first line of each comment (bot/request/markers.py)
APM_NAMES = {Monitoring.datadog: "Datadog", Monitoring.newrelic: "New Relic"}


@dataclass
class Block:
    """An unsplittable piece of the report; `fold` wraps it in <details> when the report is long."""

    text: str
    fold: str | None = None
    always_fold: bool = False

    def render(self, folded: bool) -> str:
        if (folded or self.always_fold) and self.fold:
            return f"<details>\n<summary>{self.fold}</summary>\n\n{self.text}\n\n</details>"
        return self.text


def _money(value: Any) -> str:
    if value is None or value == "":
        return "-"
    return f"${float(value):,.2f}"


def _price(value: Any) -> str:
    if value is None or value == "":
        return "-"
    price = float(value)
    return f"${price:,.2f}" if price >= 1 or price == 0 else "$" + f"{price:.6f}".rstrip("0").ljust(4, "0")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _chunked_table(
    headers: list[str],
    rows: list[list[str]],
    align: list[str] | None,
    fold: str | None,
    heading: str = "",
    always_fold: bool = False,
) -> list[Block]:
    """A table as blocks of complete tables (header repeated), none longer than TABLE_CHUNK."""
    blocks: list[Block] = []
    chunk: list[list[str]] = []
    size = 0
    for row in rows:
        row_size = sum(len(c) + 3 for c in row) + 2
        if chunk and size + row_size > TABLE_CHUNK:
            blocks.append(Block(table(headers, chunk, align), fold, always_fold))
            chunk, size = [], 0
        chunk.append(row)
        size += row_size
    if chunk or not blocks:
        blocks.append(Block(table(headers, chunk, align), fold, always_fold))
    if len(blocks) > 1 and fold:
        total, first = len(rows), 1
        for block in blocks:
            count = block.text.count("\n") - 1
            block.fold = f"{fold} ({first}–{first + count - 1} of {total})"
            first += count
    if heading:
        blocks.insert(0, Block(heading))
    return blocks


# --- sections ------------------------------------------------------------------------------------


def _checkov(checks: list[CheckResult]) -> CheckResult | None:
    """checkov's frameworks (Terraform, rendered manifests) as one result: all findings, summed counts."""
    runs = [c for c in checks if c.name.startswith("checkov")]
    if not runs:
        return None
    counts = {key: sum(c.counts.get(key, 0) for c in runs) for key in ("passed", "failed", "skipped")}
    return CheckResult(name="checkov", passed=all(c.passed for c in runs),
                       findings=[f for c in runs for f in c.findings], counts=counts,
                       skipped_reason=next((c.skipped_reason for c in runs if c.skipped_reason), None))


def compute_summary(plan: Plan) -> str:
    """What runs the app, in the unit its kind is sized in (the planned sizes, not the request's)."""
    compute, sizing = plan.spec.compute, plan.sizing
    replicas = (_plural(compute.min_replicas, "replica") if compute.min_replicas == compute.max_replicas
                else f"{compute.min_replicas}–{compute.max_replicas} replicas")
    nodes = (str(sizing.node_count) if sizing.node_count == sizing.node_max_count
             else f"{sizing.node_count}–{sizing.node_max_count}")
    if compute.kind == ComputeKind.functions:
        return f"functions, {sizing.function_memory_mb} MB memory per instance, scaled per request"
    machine = machine_size(sizing.node_instance_type)
    if compute.kind == ComputeKind.vm:
        return (f"{_plural(compute.min_replicas, 'VM')} of type {code_span(sizing.node_instance_type)}"
                + (f" ({machine})" if machine else ""))
    size = f"{sizing.container_cpu:g} vCPU / {sizing.container_memory_gb:g} GiB"
    if compute.kind == ComputeKind.kubernetes:
        return (f"kubernetes, {replicas} of {size} on {nodes} {code_span(sizing.node_instance_type)} node(s)"
                + (f" ({machine} each)" if machine else ""))
    return f"containers, {replicas} of {size}"


def _summary(result: PipelineResult, verdicts: list[Verdict]) -> list[Block]:
    spec, plan = result.plan.spec, result.plan
    failed = [v for v in verdicts if v.outcome == "fail"]
    warned = [v for v in verdicts if v.outcome == "warn"]
    checkov = _checkov(result.checks)
    checkov_failed = checkov.findings if checkov else []
    unaccepted = open_items(result.requirements, result.controls, result.accepted)
    if failed:
        status = f"❌ **Blocked**: {len(failed)} policy rule(s) failed"
    elif unaccepted:
        status = (f"⚠️ **Needs attention**: {_plural(len(unaccepted), 'requirement')} not supported and not accepted "
                  "(see Requirements and Risks)")
    elif checkov_failed or warned or any(not c.passed and not c.skipped_reason for c in result.checks):
        status = "⚠️ **Needs attention** before it is applied"
    else:
        status = "✅ **Ready for review**"
    where = f"{spec.cloud.value} {escape_text(spec.region)}, {spec.tier.value} tier"
    lines = [status, "", f"- **Environment**: {code_span(spec.name)} on {where}"]
    lines.append(f"- **Compute**: {compute_summary(plan)}")
    cost = result.monthly_cost
    if cost is not None:
        budget = (
            f" of a {_money(spec.budget_monthly_usd)} budget ({cost / spec.budget_monthly_usd:.0%})"
            if spec.budget_monthly_usd
            else ""
        )
        missing = unpriced(result.cost or {})
        partial = f" — **partial**: {len(missing)} item(s) unpriced, see the cost section" if missing else ""
        top = result.cost_max
        span = ""
        if top and top > cost + 0.005:
            span = f"\N{EN DASH}{_money(top)} (minimum to maximum replicas and nodes)"
        lines.append(f"- **Monthly estimate**: {_money(cost)}{span}{budget}{partial}")
        if result.previous_cost is not None:
            before = float(result.previous_cost.get("totalMonthlyCost") or 0)
            delta = cost - before
            lines.append(f"- **Change**: {_money(before)} → {_money(cost)} "
                         f"({'+' if delta >= 0 else '-'}{_money(abs(delta))}/month)")
    elif spec.budget_monthly_usd:
        lines.append(f"- **Budget**: {_money(spec.budget_monthly_usd)}/month (no estimate yet)")
    lines.append(
        f"- **Expires**: {plan.expires_on.isoformat()}" if plan.expires_on else "- **Expires**: never (no TTL)"
    )
    if checkov is not None:
        if checkov.skipped_reason:
            lines.append(f"- **checkov**: not run ({escape_text(checkov.skipped_reason)})")
        else:
            lines.append(f"- **checkov**: {checkov.counts['passed']} passed, {len(checkov_failed)} failed")
    if verdicts:
        lines.append(
            f"- **Policy**: {sum(v.outcome == 'pass' for v in verdicts)} passed, {_plural(len(warned), 'warning')}, "
            f"{len(failed)} failed"
        )
    return [Block("### Summary\n\n" + "\n".join(lines))]


def _before_merge(result: PipelineResult) -> list[Block]:
    """Terraform inputs nothing gives a value yet: the apply would stop at them, so the check fails until set."""
    missing = [f for c in result.checks if c.name == "inputs" for f in c.findings]
    if not missing:
        return []
    lines = []
    for m in missing:
        ways = [f"comment {code_span(m['set_command'])}"] if m.get("set_command") else []
        ways[:1] = [w[0].upper() + w[1:] for w in ways[:1]]
        if m.get("repository_variable"):
            ways.append(f"{'set' if ways else 'Set'} the repository variable {code_span(m['repository_variable'])} "
                        "for every environment "
                        f"(and the bot setting {code_span(m['setting'])})")
        # descriptions are bot.inputs constants (plain text, no markup), not user text
        lines.append(f"- {code_span(m['input'])}: {m['description']}. "
                     + (" or ".join(ways) or escape_text(m["how"])) + ".")
    intro = ("These Terraform inputs have no value yet; the check run fails until each is set "
             "(the apply would stop at them):")
    return [Block(f"### ⛔ Before you merge\n\n{intro}\n\n" + "\n".join(lines))]


def _spec_section(plan: Plan) -> list[Block]:
    return [
        Block("### Spec"),
        Block(code_block(plan.spec.to_yaml(), "yaml"), fold="environment.yaml", always_fold=True),
    ]


def _resources(files: dict[str, str]) -> list[Block]:
    rows = [
        [code_span(f"{type_}.{name}", True), escape_cell(type_), code_span(f"{path}:{line}", True)]
        for path, text in sorted(files.items())
        if path.endswith(".tf")
        for type_, name, line in resource_lines(text)
    ]
    if not rows:
        return [Block("### Resources\n\nNo Terraform resources were generated.")]
    return _chunked_table(
        ["Resource", "Type", "File"], rows, None, fold=f"{len(rows)} resources", heading=f"### Resources ({len(rows)})"
    )


def _cost(result: PipelineResult) -> list[Block]:
    if not result.cost:
        return [Block("### 💰 Monthly cost\n\nNo estimate was made.")]
    resources = [r for p in result.cost.get("projects", []) for r in (p.get("breakdown") or {}).get("resources", [])]
    total = result.monthly_cost or 0.0
    head = f"### 💰 Monthly cost: {_money(total)}"
    budget = result.plan.spec.budget_monthly_usd
    if budget:
        head += f" (budget {_money(budget)}, {'within' if total <= budget else 'OVER'})"
    priced = sorted(resources, key=lambda r: -float(r.get("monthlyCost") or 0))
    rows = [[code_span(r.get("name", "?"), True), _money(r.get("monthlyCost"))] for r in priced]
    rows.append(["**Total**", f"**{_money(total)}**"])
    blocks = _chunked_table(["Resource", "Monthly cost"], rows, ["l", "r"], fold=None, heading=head)
    if result.cost_max and result.cost_max > total + 0.005:
        top = _money(result.cost_max)
        blocks.append(Block(f"Range: **{_money(total)}\N{EN DASH}{top}** a month, from the minimum to the "
                            "maximum replicas and autoscaling nodes. Usage-based charges use the "
                            f"`{escape_text(result.plan.spec.tier.value)}` default usage file "
                            "(`bot/cost/usage_defaults/`), overridable with the environment's `cost-usage.yml`."))
    if result.previous_cost is not None:
        blocks += _change(result)
    saas = [APM_NAMES[t] for t in (Monitoring.datadog, Monitoring.newrelic) if t in result.plan.spec.monitoring]
    if saas:
        blocks.append(Block(f"{' and '.join(saas)} bill their agents, hosts and data ingest to your own account "
                            "(SaaS): not in this total."))
    missing = unpriced(result.cost)
    if missing:
        blocks.append(Block("> [!WARNING]\n> **The total is a partial sum**: these have no sourced price and are not "
                            "included, so the cost rules cannot pass:\n"
                            + "\n".join(f"> - {escape_text(m)}" for m in missing)))
    detail = []
    for r in priced:
        components = list(r.get("costComponents") or [])
        for sub in r.get("subresources") or []:
            components += [
                dict(c, name=f"{sub.get('name', '')}: {c.get('name', '')}") for c in sub.get("costComponents") or []
            ]
        for c in components:
            quantity = c.get("monthlyQuantity")
            detail.append(
                [
                    code_span(r.get("name", "?"), True),
                    escape_cell(c.get("name", "")),
                    f"{float(quantity):,.2f}" if quantity not in (None, "") else "-",
                    escape_cell(c.get("unit", "")),
                    _price(c.get("price")),
                    _money(c.get("monthlyCost")),
                ]
            )
    if detail:
        blocks += _chunked_table(
            ["Resource", "Component", "Monthly qty", "Unit", "Price", "Monthly cost"],
            detail,
            ["l", "l", "r", "l", "r", "r"],
            fold="Estimate details",
            always_fold=True,
        )
        blocks.append(
            Block(
                "<sub>Usage-based charges (requests, data transfer) are priced only where a usage "
                "value is known; `-` means not estimated.</sub>"
            )
        )
    return blocks


def _change(result: PipelineResult) -> list[Block]:
    """Cost before -> after per changed resource and the delta (bot.cost.diff, Infracost's diff)."""
    diff = diff_reports(result.previous_cost or {}, result.cost or {})
    rows = [[code_span(c.name, True), _money(c.before) if c.before is not None else "-",
             _money(c.after) if c.after is not None else "-", ("+" if c.delta >= 0 else "-") + _money(abs(c.delta))]
            for c in changes(diff)]
    before, delta = float(diff["pastTotalMonthlyCost"]), float(diff["diffTotalMonthlyCost"])
    rows.append(["**Total**", f"**{_money(before)}**", f"**{_money(before + delta)}**",
                 f"**{'+' if delta >= 0 else '-'}{_money(abs(delta))}**"])
    return _chunked_table(["Resource", "Before", "After", "Change"], rows, ["l", "r", "r", "r"], fold=None,
                          heading="#### Change in monthly cost")


def _findings(result: PipelineResult) -> list[Block]:
    checkov = _checkov(result.checks)
    if checkov is None:
        return [Block("### checkov\n\ncheckov was not run for this report.")]
    if checkov.skipped_reason:
        return [Block(f"### checkov\n\nNot run: {escape_text(checkov.skipped_reason)}")]
    failed, skipped = checkov.findings, checkov.counts["skipped"]
    head = f"### checkov: {checkov.counts['passed']} passed, {len(failed)} failed" + (f", {skipped} skipped" if skipped else "")
    if not failed:
        return [Block(head + "\n\nNo failed checks.")]
    rows = [
        [
            code_span(f.get("check_id", "?"), True),
            escape_cell(f.get("check_name", "")),
            code_span(f.get("resource", "?"), True),
            code_span(f.get("file", "?"), True),
        ]
        for f in failed
    ]
    return _chunked_table(
        ["Check", "Name", "Resource", "File:line"], rows, None, fold=f"{len(failed)} failed checks", heading=head
    )


def _verdicts(verdicts: list[Verdict]) -> list[Block]:
    if not verdicts:
        return [Block("### Policy\n\nNo policy was evaluated.")]
    order = {"fail": 0, "warn": 1, "pass": 2}
    rows = [
        [
            OUTCOME_ICONS.get(v.outcome, escape_cell(v.outcome)),
            code_span(v.rule, True),
            escape_cell(v.value),
            escape_cell(v.message),
            escape_cell(v.fix),
        ]
        for v in sorted(verdicts, key=lambda v: order.get(v.outcome, 3))
    ]
    return _chunked_table(["", "Rule", "Value", "Why", "Fix"], rows, None, fold=None, heading="### Policy")


def _choices(plan: Plan) -> list[Block]:
    if not plan.choices:
        return []
    rows = [[code_span(plan.label(c.key), True), escape_cell(c.value), escape_cell(c.reason)] for c in plan.choices]
    return _chunked_table(["Decision", "Value", "Why"], rows, None, fold=None, heading="### Plan choices")


# A public app on GCP/Azure VMs gets no entry point from the internet (no public IP, no load balancer is generated
# for VMs there; AWS VMs sit behind an ALB): said as a risk while the Terraform has none of these.
PUBLIC_ENTRY = (r'^resource "(google_compute_global_forwarding_rule|google_compute_forwarding_rule|google_compute_address|'
                r'azurerm_public_ip|azurerm_lb|azurerm_application_gateway|azurerm_cdn_frontdoor_endpoint)"')
PRIVATE_VM = {
    Cloud.gcp: "No public entry point: the app is public in the spec, but its GCP VMs get no public IP and dev-agent "
               "generates no load balancer for VMs on GCP, so nobody on the internet can reach it. It is reachable "
               f"through Identity-Aware Proxy TCP forwarding only ({code_span('gcloud compute start-iap-tunnel <vm> <port>')}). "
               "For a public HTTPS endpoint run it as containers (Cloud Run): "
               f"{code_span('/dev-agent set compute.kind=containers')}.",
    Cloud.azure: "No public entry point: the app is public in the spec, but its Azure VMs get no public IP and "
                 "dev-agent generates no load balancer (nor Bastion) for VMs on Azure, so it is reachable from inside "
                 "the VNet only. For a public HTTPS endpoint run it as containers (Container Apps): "
                 f"{code_span('/dev-agent set compute.kind=containers')}.",
}


def risks(result: PipelineResult) -> list[str]:
    """Risks a reviewer should accept knowingly, derived from the plan, spec, Terraform and estimate."""
    plan, spec = result.plan, result.plan.spec
    found = [f"Not met: {escape_text(item)}. A reviewer who accepts it: {code_span(f'/dev-agent override {key} <reason>')}."
             for item, key in open_items(result.requirements, result.controls, result.accepted)]
    if spec.databases and not plan.sizing.db_multi_az:
        found.append("Single-AZ database: an outage of its zone takes it down.")
    elif any(db.engine == DatabaseEngine.sqlserver and not sqlserver_multi_az(plan, db) for db in spec.databases):
        found.append("Single-zone SQL Server: its edition (Express or Web) cannot fail over, so an outage of its zone "
                     "takes it down (`/dev-agent set db_edition=standard` for a standby in a second zone).")
    text = "\n".join(t for p, t in result.files.items() if p.endswith(".tf"))
    if spec.databases and (
        plan.sizing.db_backup_retention_days == 0 or re.search(r"^\s*backup_retention_period\s*=\s*0\s*$", text, re.M)
    ):
        found.append("The database has no automated backups: data lost is lost for good.")
    for bucket in spec.buckets:
        if not bucket.versioning:
            found.append(
                f"Bucket {code_span(bucket.name)} has versioning off: overwritten or deleted objects cannot be recovered."
            )
    http_only = re.search(r'^resource "aws_lb_listener" "http"', text, re.M) and not re.search(
        r'^resource "aws_lb_listener" "https"', text, re.M)
    if spec.app.exposure == Exposure.public and spec.compute.schedule is None and re.search(
        r'^resource "(aws_lb|aws_alb|google_compute_global_forwarding_rule|azurerm_application_gateway|'
        r'azurerm_lb|google_cloud_run_v2_service|azurerm_container_app)"',
        text,
        re.M,
    ):
        found.append(
            "Public ingress: the app is reachable from the internet through its load balancer or public endpoint"
            + (" over plain HTTP." if http_only else " (HTTPS).")
        )
    if (spec.app.exposure == Exposure.public and spec.compute.kind == ComputeKind.vm and spec.cloud in PRIVATE_VM
            and not re.search(PUBLIC_ENTRY, text, re.M)):
        found.append(PRIVATE_VM[spec.cloud])
    if spec.app.exposure == Exposure.internal and spec.compute.kind == ComputeKind.kubernetes:
        found.append("Internal load balancer (Kubernetes Service): plain HTTP on port 80, reachable from the "
                     "environment's network only; terminate TLS in the app or behind an internal ingress controller.")
    if Monitoring.datadog in spec.monitoring and spec.compute.kind == ComputeKind.kubernetes:
        found.append("Datadog on Kubernetes: the pods send to the Datadog Agent DaemonSet on their node (DD_AGENT_HOST "
                     "= the node's IP, ports 8126/8125); the cluster operator installs that Agent with the API key, "
                     "the chart does not.")
    apm = [tool for tool in (Monitoring.datadog, Monitoring.newrelic) if tool in spec.monitoring]
    if apm and spec.cloud == Cloud.aws and spec.compute.kind == ComputeKind.functions:
        found.append("APM on Lambda: the function is a container image, which takes no layers; the image must carry "
                     f"the {' and '.join(APM_NAMES[t] for t in apm)} Lambda extension and wrap its handler "
                     "(docs/monitoring.md). The function gets the key's secret ARN, never the key.")
    if apm and spec.compute.kind == ComputeKind.vm:
        found.append(f"APM on VMs: the boot script installs the {' and '.join(APM_NAMES[t] for t in apm)} agent from "
                     "the vendor's download site (outbound HTTPS); if that fails the app starts without it.")
    if http_only:
        found.append("No TLS certificate: the load balancer serves plain HTTP (allowed in dev only); comment "
                     f"{code_span('/dev-agent set certificate_arn=arn:aws:acm:...')} to serve HTTPS.")
    if re.search(r'^resource "google_compute_managed_ssl_certificate"', text, re.M):
        found.append("Cloud Armor load balancer: its Google-managed certificate is issued only once the app's host name "
                     f"({code_span('var.domain')}) has a DNS A record pointing at the {code_span('load_balancer_ip')} "
                     "output; until then HTTPS to it fails (Cloud Run admits load balancer traffic only).")
    if re.search(r'^resource "aws_cloudfront_distribution"', text, re.M):
        found.append(f"CloudFront: after apply, point {code_span('cdn_domain')}'s DNS record at the "
                     f"{code_span('cdn_domain_name')} output (DNS is not generated); the load balancer's certificate "
                     f"({code_span('certificate_arn')}) must cover {code_span('cdn_domain')} too, or CloudFront answers "
                     "502 (it checks the origin's certificate against the forwarded host name).")
    if re.search(r"host_name\s*=\s*azurerm_container_app\.", text):
        found.append("Front Door WAF: the Container App's own host name still answers from the internet around the WAF "
                     "(Container Apps ingress cannot admit Front Door only); publish the "
                     f"{code_span('front_door_url')} output, never the app's own.")
    if any(p.endswith("/dev-agent.auto.tfvars.json") and SAMPLE_IMAGE in t for p, t in result.files.items()):
        found.append(f"The app runs a public sample image ({code_span(SAMPLE_IMAGE.split('@')[0])}, pinned by "
                     f"digest) until you comment {code_span('/dev-agent set image=<registry>/<name>:<tag>')}.")
    if spec.cache and plan.sizing.cache_nodes == 1 and spec.tier != Tier.dev:
        found.append("Single cache node: a node failure empties the cache.")
    if plan.sizing.nat_gateways == 1 and plan.sizing.availability_zones > 1 and spec.tier != Tier.dev:
        found.append("One NAT gateway for all zones: outbound traffic depends on a single zone.")
    if plan.expires_on is None and spec.tier != Tier.prod:
        found.append("No expiry: it keeps running (and costing) until someone destroys it.")
    cost, budget = result.monthly_cost, spec.budget_monthly_usd
    if cost is not None and budget and 0.9 * budget <= cost <= budget:
        found.append(f"The estimate is {cost / budget:.0%} of the budget: usage-based charges may push it over.")
    return found


def _risks(result: PipelineResult) -> list[Block]:
    found = risks(result)
    return [Block("### Risks\n\n" + ("\n".join(f"- {r}" for r in found) if found else "None identified."))]


def next_steps(result: PipelineResult, verdicts: list[Verdict]) -> list[str]:
    """What to do next, most pressing first."""
    steps = []
    failed = [v for v in verdicts if v.outcome == "fail"]
    if failed:
        rules = ", ".join(code_span(v.rule) for v in failed)
        steps.append(
            f"Fix the failed policy rules ({rules}); an org rule can instead be overridden by an authorised person with a reason."
        )
    checkov = _checkov(result.checks)
    if checkov and checkov.findings:
        steps.append("Fix or justify each failed checkov check.")
    if any(c.name == "inputs" and not c.passed for c in result.checks):
        steps.append("Set the inputs listed under *Before you merge*; the check turns green once each has a value.")
    other = [c for c in result.checks if not c.passed and not c.skipped_reason and not c.name.startswith("checkov")
             and c.name != "inputs"]
    if other:
        steps.append("Fix the failing checks: " + ", ".join(escape_text(c.name) for c in other) + ".")
    unaccepted = open_items(result.requirements, result.controls, result.accepted)
    if unaccepted:
        count = _plural(len(unaccepted), "unsupported requirement")
        steps.append(f"Settle the {count}: change the request, or accept each "
                     "knowingly with `/dev-agent override requirement:<key> <reason>`.")
    if not steps:
        steps.append("Review the files, the cost and the risks, then approve the pull request; merging applies it.")
    if result.plan.expires_on:
        steps.append(f"It will be destroyed after {result.plan.expires_on.isoformat()} unless its TTL is extended.")
    return steps


def _next_steps(result: PipelineResult, verdicts: list[Verdict]) -> list[Block]:
    return [Block("### Next steps\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(next_steps(result, verdicts), 1)))]


# --- assembly ------------------------------------------------------------------------------------


def _requirements(result: PipelineResult) -> list[Block]:
    return [Block(requirements_section(result.requirements))]


def _compliance(result: PipelineResult) -> list[Block]:
    section = compliance_section(result.controls, result.accepted)
    return [Block(section)] if section else []


def _sections(result: PipelineResult, verdicts: list[Verdict]) -> list[Block]:
    return [
        *_requirements(result),
        *_summary(result, verdicts),
        *_before_merge(result),
        *_spec_section(result.plan),
        *_resources(result.files),
        *_cost(result),
        *_findings(result),
        *_verdicts(verdicts),
        *_compliance(result),
        *_choices(result.plan),
        *_risks(result),
        *_next_steps(result, verdicts),
    ]


def _pack(texts: list[str], capacity: int) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if parts[-1] and size + len(text) + 2 > capacity:
            parts.append([])
            size = 0
        parts[-1].append(text)
        size += len(text) + 2
    return parts


FOOTER = "<sub>Written by dev-agent; this comment is updated when the environment changes.</sub>"


def render_report(
    result: PipelineResult,
    policy_verdicts: Iterable[Verdict] | None = None,
    *,
    limit: int | None = GITHUB_COMMENT_LIMIT,
) -> list[str]:
    """The report as comment bodies of at most `limit` characters (one body when `limit` is None)."""
    verdicts = list(result.verdicts if policy_verdicts is None else policy_verdicts)
    env = result.plan.spec.name
    title = f"## dev-agent review: {code_span(env)}"
    blocks = _sections(result, verdicts)
    texts = [b.render(folded=False) for b in blocks]
    whole = "\n\n".join([marker(env), title, *texts, FOOTER])
    if limit is None or len(whole) <= limit:
        return [whole + "\n"]
    texts = [b.render(folded=True) for b in blocks]
    groups = _pack(texts, limit - PART_RESERVE - len(title))
    bodies = []
    for index, group in enumerate(groups, 1):
        head = title + (f" (part {index}/{len(groups)})" if len(groups) > 1 else "")
        bodies.append("\n\n".join([marker(env, index, len(groups)), head, *group, FOOTER]) + "\n")
    return bodies
