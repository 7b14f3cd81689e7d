"""aws_msk_cluster: broker hours and EBS storage per broker."""

from bot.cost.model import Component, Ctx, Priced, num


def price(ctx: Ctx) -> Priced:
    brokers = num(ctx.get("number_of_broker_nodes"), 1)
    info = (ctx.blocks("broker_node_group_info") or [{}])[0]
    itype = info.get("instance_type", "")
    storage = info.get("storage_info")
    storage = storage[0] if isinstance(storage, list) and storage else (storage or {})
    ebs = storage.get("ebs_storage_info") if isinstance(storage, dict) else None
    ebs = ebs[0] if isinstance(ebs, list) and ebs else (ebs or {})
    size = num(ebs.get("volume_size") if isinstance(ebs, dict) else None, num(info.get("ebs_volume_size"), 1000))
    return Priced(
        ctx.address,
        [
            Component(f"Instance ({itype})", "hours", ctx.price("aws_msk", itype), 730 * brokers),
            Component("Storage", "GB", ctx.price("aws_msk", "storage"), size * brokers),
        ],
    )
