"""google_storage_bucket: storage by class and location type, class A/B operations, retrieval (usage)."""

from bot.cost.model import Ctx, Priced

MULTI_REGIONS = {"US", "EU", "ASIA"}


def price(ctx: Ctx) -> Priced:
    cls = str(ctx.get("storage_class", "STANDARD")).lower()
    cls = "standard" if cls in ("standard", "multi_regional", "regional") else cls
    location = str(ctx.get("location", "US")).upper()
    where = "multi" if location in MULTI_REGIONS else "regional"
    key = f"gcs.{cls}.{where}" if cls == "standard" else f"gcs.{cls}.regional"
    ops = cls if cls in ("nearline", "coldline") else "standard"
    comps = [ctx.usage_comp(f"Storage ({cls})", "GiB", "google_misc", key, "storage_gb")]
    if cls in ("nearline", "coldline"):
        comps.append(
            ctx.usage_comp("Data retrieval", "GB", "google_misc", f"gcs.retrieval.{cls}", "monthly_data_retrieval_gb")
        )
    comps += [
        ctx.usage_comp(
            "Object adds, bucket/object list (class A)",
            "10k operations",
            "google_misc",
            f"gcs.class_a.{ops}",
            "monthly_class_a_operations",
            10_000,
        ),
        ctx.usage_comp(
            "Object gets, retrieve bucket/object metadata (class B)",
            "10k operations",
            "google_misc",
            f"gcs.class_b.{ops}",
            "monthly_class_b_operations",
            10_000,
        ),
    ]
    return Priced(ctx.address, comps)
