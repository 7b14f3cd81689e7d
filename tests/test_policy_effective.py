"""Policy judges the values that will be used: no combination of spec fields passes a rule its effective value
breaks (property-based, over every field that feeds a spec rule)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pipeline.planning import effective_expiry, plan_environment
from bot.spec import SpecError, spec_from_data
from policies.engine import evaluate
from policies.schema import parse_policy

TODAY = dt.date(2026, 12, 6)
REGIONS = {
    "aws": ["us-east-1", "us-west-2", "eu-west-1"],
    "gcp": ["us-central1", "europe-west1"],
    "azure": ["westeurope", "eastus"],
}


def _policy(max_ttl: int | None, cap: float | None, allowed: dict[str, list[str]]):
    limits = f"{{max_ttl_days: {max_ttl if max_ttl else 'null'}, max_monthly_usd: {cap if cap else 'null'}}}"
    tiers = "".join(f"  {tier}: {limits}\n" for tier in ("dev", "staging", "prod"))
    clouds = "".join(f"  {cloud}:\n    regions: [{', '.join(regions)}]\n" for cloud, regions in allowed.items())
    return parse_policy(f"clouds:\n{clouds}tiers:\n{tiers}", "property.yaml")


@st.composite
def cases(draw):
    cloud = draw(st.sampled_from(sorted(REGIONS)))
    data = {
        "name": "shop-dev",
        "cloud": cloud,
        "region": draw(st.sampled_from(REGIONS[cloud])),
        "tier": draw(st.sampled_from(["dev", "staging", "prod"])),
        "ttl_days": draw(st.none() | st.integers(1, 365)),
        "expires_on": draw(st.none() | st.dates(TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=2000))),
        "budget_monthly_usd": draw(st.none() | st.floats(1, 50_000, allow_nan=False)),
    }
    allowed = {c: draw(st.lists(st.sampled_from(REGIONS[c]), min_size=1, unique=True)) for c in REGIONS}
    policy = _policy(draw(st.none() | st.integers(1, 120)), draw(st.none() | st.integers(10, 20_000)), allowed)
    cost = draw(st.none() | st.floats(0, 60_000, allow_nan=False))
    return data, policy, cost, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(cases())
def test_no_combination_of_fields_passes_a_rule_its_effective_value_breaks(case):
    data, policy, cost, through_plan = case
    try:
        spec = spec_from_data({k: v for k, v in data.items() if v is not None})
    except SpecError:
        return
    subject = plan_environment(spec, TODAY) if through_plan else spec
    verdicts = {
        v.rule: v
        for v in evaluate(policy, subject, cost=None if cost is None else {"totalMonthlyCost": cost}, today=TODAY)
    }
    tier = policy.tier(spec.tier)

    expires = effective_expiry(spec, TODAY)  # what the expiry job will act on
    if through_plan:
        assert subject.expires_on == expires
    if tier.max_ttl_days is not None and expires is not None:
        lifetime = (expires - TODAY).days
        broken = lifetime > tier.max_ttl_days or lifetime < 1
        assert (verdicts["ttl-within-tier"].outcome == "fail") == broken, (data, tier, verdicts["ttl-within-tier"])

    allowed = policy.clouds[spec.cloud].regions
    assert (verdicts["region-allowed"].outcome == "pass") == (spec.region in allowed)

    if cost is not None:
        limits = [x for x in (tier.max_monthly_usd, spec.budget_monthly_usd) if x is not None]
        over = any(cost > limit for limit in limits)
        assert (
            any(verdicts[r].outcome == "fail" for r in ("cost-within-tier", "cost-within-budget") if r in verdicts)
            == over
        )


def test_a_far_expiry_next_to_a_short_ttl_fails_the_tier_limit():
    """The reported bypass: `expires_on: 2999-01-01` next to `ttl_days: 7` passed `ttl-within-tier`."""
    policy = _policy(14, None, REGIONS)
    spec = spec_from_data(
        {
            "name": "shop-dev",
            "cloud": "aws",
            "region": "us-east-1",
            "tier": "dev",
            "ttl_days": 7,
            "expires_on": "2999-01-01",
        }
    )
    verdict = {v.rule: v for v in evaluate(policy, plan_environment(spec, TODAY), today=TODAY)}["ttl-within-tier"]
    assert verdict.outcome == "fail"
    assert "until 2999-01-01" in verdict.value and "remove expires_on" in verdict.fix
