"""`/dev-agent make it cheaper`: the budget fitter re-run with the cheapest acceptable plan's cost as the budget.

The fitter (bot/pipeline/budget.py) never undoes what the request asked for nor what the tier needs, so "cheaper"
means: the smallest plan that still keeps every part and size the request names. When the plan is that already,
the answer says so and lists what the requester could give up instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bot.pipeline.budget import SIZING_FIELDS, BudgetError, default_estimate, fit_budget, total_of
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import prepare_plan
from bot.spec import EnvironmentSpec, Tier

ASKS_CHEAPER = re.compile(r"\b(cheaper|less expensive|spend less|save money|(cut|reduce|lower|decrease)\s+(the\s+)?"
                          r"(monthly\s+)?(costs?|price|bill|spend(ing)?))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cheaper:
    """What the fitter can do: the budget to set (None when the plan is the cheapest already), the estimates
    before and after, and the plan decisions that change (as the report names them: key, before, after, why)."""

    budget: int | None
    current: float
    cheapest: float
    steps: list[tuple[str, str, str, str]]


def asks_cheaper(text: str) -> bool:
    """Whether plain words ask for a cheaper environment ("make it cheaper please", "reduce the cost")."""
    return ASKS_CHEAPER.search(text) is not None


def cheaper_plan(spec: EnvironmentSpec, policy: Any) -> Cheaper:
    """The cheapest plan the fitter accepts for `spec`, compared with the plan `spec` gets now (both priced with
    the tier's default usage, as the fitter prices them)."""
    current = prepare_plan(spec, policy)
    current_cost = total_of(default_estimate(current))
    try:
        cheapest = total_of(default_estimate(fit_budget(
            plan_environment(spec.model_copy(update={"budget_monthly_usd": 0.01})), policy=policy)))
    except BudgetError as exc:
        cheapest = exc.cheapest_estimate
    if cheapest >= current_cost - 0.5:  # under 50 cents a month is no saving worth a re-plan
        return Cheaper(None, current_cost, cheapest, [])
    budget = math.ceil(cheapest)
    fitted = prepare_plan(spec.model_copy(update={"budget_monthly_usd": budget}), policy)  # what the re-plan gets
    old, new = current.sizing.model_dump(mode="json"), fitted.sizing.model_dump(mode="json")
    # why each option changed; a machine class moved down its ladder says it with its before -> after alone
    reasons = {c.key: c.reason for c in fitted.choices if c.key not in SIZING_FIELDS.values()}
    steps = [(fitted.label(key), str(old[key]), str(new[key]), reasons.get(key, ""))
             for key in new if new[key] != old.get(key)]
    return Cheaper(budget, current_cost, cheapest, steps)


def give_up_hints(spec: EnvironmentSpec) -> list[str]:
    """`set` commands that make this environment smaller, for an answer that cannot shrink it further."""
    hints = []
    if spec.compute.min_replicas > 1 or spec.compute.max_replicas > 1:
        hints.append("`/dev-agent set replicas=1` (one replica)")
    hints += [f"`/dev-agent set databases.{i}.high_availability=false` (a single-zone {db.engine.value})"
              for i, db in enumerate(spec.databases) if db.high_availability]
    if spec.cache is not None:
        hints.append("`/dev-agent set cache=none` (no cache)")
    if spec.search is not None:
        hints.append("`/dev-agent set search=none` (no search cluster)")
    if spec.queue is not None:
        hints.append("`/dev-agent set queue=none` (no queue)")
    if spec.tier == Tier.prod:
        hints.append("`/dev-agent set tier=staging` (staging sizes, no production floors)")
    elif spec.tier == Tier.staging:
        hints.append("`/dev-agent set tier=dev` (dev sizes)")
    return hints
