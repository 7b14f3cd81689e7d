"""aws_eks_cluster: standard or extended support (versions past standard support, a data table)."""

from bot.cost.model import Ctx, Priced

# Kubernetes versions in EKS extended support (AWS EKS version calendar, checked 2025-06-01).
EXTENDED_SUPPORT = {"1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31"}


def price(ctx: Ctx) -> Priced:
    version = str(ctx.get("version") or "")
    policy = str(ctx.get("upgrade_policy.support_type", "EXTENDED")).upper()
    if version in EXTENDED_SUPPORT and policy != "STANDARD":  # STANDARD: upgraded when standard support ends
        return Priced(ctx.address, [ctx.hourly("EKS cluster (extended support)", "aws_eks", "cluster.extended")])
    return Priced(ctx.address, [ctx.hourly("EKS cluster", "aws_eks", "cluster")])
