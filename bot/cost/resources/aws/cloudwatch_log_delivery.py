"""aws_cloudwatch_log_delivery: vended logs CloudWatch Logs delivers to S3 (CloudFront standard logging v2), per GB
from usage (``monthly_delivered_gb``). Deliveries to a log group or Firehose are refused (none is generated)."""

from bot.cost.model import Ctx, Priced


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [
        ctx.usage_comp("Vended logs delivered to S3", "GB", "aws_cloudwatch", "logs.vended_s3", "monthly_delivered_gb"),
    ])
