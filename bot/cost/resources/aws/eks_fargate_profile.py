"""aws_eks_fargate_profile: pods x (vCPU, GB) from usage (defaults: 1 pod, 1 vCPU, 1 GB as Infracost)."""

from bot.cost.model import Ctx, Priced
from bot.cost.resources.aws.fargate import fargate_components


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    pods = u.num("monthly_pods") or 1
    vcpu = u.num("vcpu") or 1
    gb = u.num("memory_gb") or 1
    return Priced(ctx.address, fargate_components(ctx, "aws_eks", vcpu * pods, gb * pods))
