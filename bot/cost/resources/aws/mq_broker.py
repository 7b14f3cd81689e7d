"""aws_mq_broker: broker instance hours (x2 active/standby, x3 RabbitMQ cluster) and storage."""

from bot.cost.model import Component, Ctx, Priced


def price(ctx: Ctx) -> Priced:
    engine = str(ctx.get("engine_type", "ActiveMQ"))
    label = "RabbitMQ" if engine.lower() == "rabbitmq" else "ActiveMQ"
    itype = ctx.get("host_instance_type", "")
    mode = ctx.get("deployment_mode", "SINGLE_INSTANCE")
    nodes = {"ACTIVE_STANDBY_MULTI_AZ": 2, "CLUSTER_MULTI_AZ": 3}.get(mode, 1)
    storage = "EBS" if label == "RabbitMQ" or ctx.get("storage_type") == "ebs" else "EFS"
    p = ctx.price("aws_mq", f"{label.lower()}.{itype}")
    return Priced(
        ctx.address,
        [
            Component(
                f"Instance usage ({label}, {itype}, {mode.lower()})", "hours", None if p is None else p * nodes, 730
            ),
            ctx.usage_comp(
                f"Storage ({label}, {storage})", "GB", "aws_mq", f"storage.{storage.lower()}", "storage_size_gb"
            ),
        ],
    )
