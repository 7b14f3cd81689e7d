"""A WAF on GCP and Azure public entry points: Cloud Armor in front of Cloud Run, Front Door Premium's WAF in front of
Container Apps. Forced by HIPAA / PCI DSS, asked for in words, on by default in prod; the compliance control, the
requirements ledger, the estimate and the report say so, and say where none is built."""

from __future__ import annotations

import re

import pytest

from bot.cost import estimate_files
from bot.lifecycle.drift import drift_from_plan
from bot.pipeline.planning import plan_environment, waf_reason
from bot.pipeline.results import Requester
from bot.pipeline.run import run_pipeline
from bot.request.comments import REPORT_MARKER
from bot.settings import Settings
from bot.spec import spec_from_data
from bot.understanding.deterministic import parse
from bot.understanding.ledger import Status
from generators.build import generate_all
from policies.profiles import evaluate
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

REGION = {"gcp": "us-central1", "azure": "eastus"}
WAF_FILE = {"gcp": 'resource "google_compute_security_policy"', "azure": 'resource "azurerm_cdn_frontdoor_firewall_policy"'}


def _spec(cloud: str, **body):
    return spec_from_data({"name": "clinic-dev", "cloud": cloud, "region": REGION[cloud], **body})


def _files(spec) -> dict[str, str]:
    return generate_all(plan_environment(spec), Settings(anthropic_api_key=None))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"compliance": ["hipaa"]}, "HIPAA"),
        ({"compliance": ["pci-dss"]}, "PCI DSS"),
        ({"waf": True}, "requested"),
        ({"tier": "prod", "name": "clinic-prod"}, "prod tier"),
        ({}, None),  # dev without an ask: none (billed per month on these clouds)
        ({"tier": "staging", "compliance": ["soc2"]}, None),
        ({"compliance": ["hipaa"], "app": {"exposure": "internal"}}, None),  # no public entry point
        ({"compliance": ["hipaa"], "compute": {"kind": "containers", "schedule": "0 2 * * *"}}, None),
    ],
)
@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_when_the_public_entry_point_gets_a_waf(cloud: str, body: dict, reason: str | None) -> None:
    spec = _spec(cloud, **body)
    got = waf_reason(spec)
    assert (got is None) == (reason is None) and (reason is None or reason in got)
    text = "\n".join(t for p, t in _files(spec).items() if p.endswith(".tf"))
    assert (WAF_FILE[cloud] in text) == (reason is not None)
    choices = {c.key: c for c in plan_environment(spec).choices}
    assert ("waf" in choices) == (reason is not None)


@pytest.mark.parametrize(("cloud", "words"), [("gcp", "Cloud Armor"), ("azure", "Front Door")])
@pytest.mark.parametrize("framework", ["hipaa", "pci-dss"])
def test_the_waf_control_is_evidenced_on_containers_and_a_named_gap_on_kubernetes(
    cloud: str, words: str, framework: str
) -> None:
    for kind, met in (("containers", True), ("kubernetes", False)):
        spec = _spec(cloud, compliance=[framework], compute={"kind": kind})
        files = _files(spec)
        control = next(r for r in evaluate(spec, files) if "waf" in r.control)
        assert control.met is met, (kind, control)
        if met:
            path, line = control.evidence[0].rsplit(": ", 1)[1].rsplit(":", 1)
            text = files[path].splitlines()[int(line) - 1]
            assert path.endswith("/terraform/waf.tf") and re.search(r"security_policy|firewall_policy_id", text)
            assert words in control.evidence[0]
        else:  # the chart's ingress-nginx controller is an L4 load balancer: nothing to attach a WAF to
            assert "GKE" in control.gap or "AKS" in control.gap
    internal = _spec(cloud, compliance=[framework], app={"exposure": "internal"})
    control = next(r for r in evaluate(internal, _files(internal)) if "waf" in r.control)
    assert control.met and control.evidence == ["not applicable: no public endpoint"]


@pytest.mark.parametrize(("cloud", "words"), [("GCP us-central1", "gcp"), ("Azure eastus", "azure")])
def test_a_waf_asked_in_words_is_honoured_with_its_file_and_line(cloud: str, words: str) -> None:
    result = parse(f"FastAPI service on {cloud} behind a web application firewall")
    assert result.spec is not None and result.spec.waf is True
    report = run_pipeline(plan_environment(result.spec), Settings(anthropic_api_key=None), requester=Requester(),
                          requirements=result.requirements).report
    row = next(line for line in report.splitlines() if "| Web application firewall |" in line)
    assert "✅ honoured" in row and re.search(r"`environments/fastapi-dev/terraform/waf\.tf:\d+`", row), row


@pytest.mark.parametrize("words", ["no WAF needed", "without a WAF", "we don't need a WAF", "a WAF is not needed"])
def test_a_waf_declined_in_words_is_neither_built_nor_listed(words: str) -> None:
    result = parse(f"FastAPI service on GCP us-central1, {words}")
    assert result.spec is not None and result.spec.waf is False
    assert not [r for r in result.requirements if r.key == "component:waf"]


def test_a_waf_asked_where_none_is_built_stays_open_with_the_reason() -> None:
    result = parse("FastAPI on GKE in GCP us-central1 with a WAF")
    row = next(r for r in result.requirements if r.key == "component:waf")
    assert row.status == Status.unsupported and "Kubernetes ingress-nginx" in row.reason
    assert "`waf` field" in row.reason


def test_the_waf_is_priced() -> None:
    def lines(cloud: str) -> dict[str, float]:
        files = _files(_spec(cloud, compliance=["hipaa"]))
        report = estimate_files({p: t for p, t in files.items() if p.endswith(".tf")})
        return {f"{r['name']}/{c['name']}": float(c["monthlyCost"])
                for project in report["projects"] for r in project["breakdown"]["resources"]
                for c in r.get("costComponents") or [] if c.get("monthlyCost") is not None}

    gcp = lines("gcp")
    assert gcp["google_compute_security_policy.main/Security policy"] == 5.0
    assert gcp["google_compute_security_policy.main/Rules"] == 9.0  # 8 preconfigured rules + the default rule
    assert gcp["google_compute_global_forwarding_rule.app/Forwarding rule"] == pytest.approx(18.25)
    azure = lines("azure")
    assert azure["azurerm_cdn_frontdoor_profile.main/Base fee (premium)"] == 330.0


def test_the_report_names_what_the_reviewer_must_know() -> None:
    for cloud, needle in (("gcp", "DNS A record pointing at the `load_balancer_ip`"),
                          ("azure", "Container App's own host name still answers")):
        result = parse(f"HIPAA FastAPI service on {'GCP us-central1' if cloud == 'gcp' else 'Azure eastus'}")
        report = run_pipeline(plan_environment(result.spec), Settings(anthropic_api_key=None), requester=Requester(),
                              requirements=result.requirements).report
        risks = report[report.index("### Risks"):report.index("### Next steps")]
        assert needle in risks, risks


@pytest.mark.parametrize(
    ("address", "before", "after"),
    [
        ("google_compute_security_policy.main", {"rule": [{"action": "deny(403)"}]}, {"rule": [{"action": "allow"}]}),
        ("azurerm_cdn_frontdoor_firewall_policy.main", {"mode": "Prevention"}, {"mode": "Detection"}),
    ],
)
def test_a_waf_weakened_by_hand_is_security_drift(address: str, before: dict, after: dict) -> None:
    change = {"address": address, "change": {"actions": ["update"], "before": before, "after": after}}
    [drifted] = drift_from_plan({"resource_drift": [change]})
    assert drifted.security and drifted.address == address


# --- through the bot: an issue on the sandbox GitHub, `dev-agent serve` and an rq worker -----------------------------

@pytest.fixture(scope="module")
def stack(redis_server, tmp_path_factory):  # noqa: F811
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github, BotStack(github, redis_server.url) as running:
        yield running


FORM = """### Description

{description}

### Environment name

{name}

### Cloud

{cloud}

### Region

{region}

### Tier

dev

### Monthly budget (USD)

800
"""


@pytest.mark.parametrize(
    ("name", "cloud", "words", "evidence"),
    [
        ("clinic-gcp", "gcp", "HIPAA FastAPI service with Postgres on GCP us-central1, behind a WAF",
         "Cloud Armor WAF policy"),
        ("clinic-azure", "azure", "HIPAA FastAPI service on Azure eastus with a web application firewall",
         "Front Door WAF policy"),
    ],
)
def test_a_hipaa_request_through_the_bot_shows_the_waf_control_met(stack: BotStack, name: str, cloud: str,
                                                                    words: str, evidence: str) -> None:
    body = FORM.format(description=words, name=name, cloud=cloud, region=REGION[cloud])
    issue = stack.sandbox.open_issue(stack.owner, stack.repo, f"Environment: {name}", body, user="alice",
                                     labels=["environment-request"])
    pull = stack.wait_for_pull(name, timeout=180)
    report = wait_for(lambda: stack.bot_comments(pull["number"], REPORT_MARKER), 120, what="report")[0]["body"]
    requirements = report[report.index("### Requirements"):report.index("### Summary")]
    assert re.search(r"✅ honoured \| Web application firewall \| `(WAF|web application firewall)` \| "
                     rf"`environments/{name}/terraform/waf\.tf:\d+`", requirements), requirements
    compliance = report[report.index("### Compliance"):]
    row = next(line for line in compliance.splitlines() if "Public endpoints sit behind a web application firewall" in line)
    assert row.startswith("| ✅ evidence | `hipaa`") and evidence in row, row
    assert re.search(rf"environments/{name}/terraform/waf\\?\.tf:\d+", row), row
    waf_tf = stack.file_on(pull["head"]["ref"], f"environments/{name}/terraform/waf.tf")
    assert ("google_compute_security_policy" in waf_tf) or ("azurerm_cdn_frontdoor_firewall_policy" in waf_tf)
    assert issue["number"]
