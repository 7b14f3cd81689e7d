"""aws_wafv2_web_acl: the web ACL, its rules, rule groups and managed rule groups a month, and requests.

Rules inside rule groups are counted from usage (``rule_group_rules``, ``managed_rule_group_rules``), as
Infracost does; each rule group or managed rule group is billed like one rule."""

from typing import Any

from bot.cost.model import Component, Ctx, Priced


def _statement(rule: dict[str, Any]) -> dict[str, Any]:
    stmt = rule.get("statement")
    stmt = stmt[0] if isinstance(stmt, list) and stmt else stmt
    return stmt if isinstance(stmt, dict) else {}


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    rules = ctx.blocks("rule")
    groups = sum(1 for r in rules if _statement(r).get("rule_group_reference_statement"))
    managed = sum(1 for r in rules if _statement(r).get("managed_rule_group_statement"))
    if "rule_group_rules" in u and "managed_rule_group_rules" in u:  # Infracost: the rules plus those in groups
        rule_count = len(rules) + (u.num("rule_group_rules") or 0) + (u.num("managed_rule_group_rules") or 0)
    else:  # rules that are not rule group references (none in Infracost's view without usage)
        rule_count = sum(
            1
            for r in rules
            if not (
                _statement(r).get("rule_group_reference_statement") or _statement(r).get("managed_rule_group_statement")
            )
        )
    comps = [Component("Web ACL usage", "months", ctx.price("aws_waf", "web_acl"), 1.0)]
    if rule_count:
        comps.append(Component("Rules", "rules", ctx.price("aws_waf", "rule"), rule_count))
    if groups:
        comps.append(Component("Rule groups", "groups", ctx.price("aws_waf", "rule"), groups))
    if managed:
        comps.append(Component("Managed rule groups", "groups", ctx.price("aws_waf", "rule"), managed))
    comps.append(ctx.usage_comp("Requests", "1M requests", "aws_waf", "requests", "monthly_requests", scale=1e6))
    return Priced(ctx.address, comps)
