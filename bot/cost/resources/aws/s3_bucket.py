"""aws_s3_bucket: per storage class, all usage-based (Standard is listed even without usage)."""

from __future__ import annotations

from bot.cost.model import Ctx, Priced

# (usage key of the class, display name, catalog prefix, [(component, unit, price key, usage key, divisor)])
K = 1000
# rows several storage classes have
STORAGE = ("Storage", "GB", "storage", "storage_gb", 1)
PUT = ("PUT, COPY, POST, LIST requests", "1k requests", "put", "monthly_tier_1_requests", K)
GET = ("GET, SELECT, and all other requests", "1k requests", "get", "monthly_tier_2_requests", K)
LIFECYCLE = ("Lifecycle transition", "1k requests", "lifecycle", "monthly_lifecycle_transition_requests", K)
SELECT_SCANNED = ("Select data scanned", "GB", "select_scanned", "monthly_select_data_scanned_gb", 1)
SELECT_RETURNED = ("Select data returned", "GB", "select_returned", "monthly_select_data_returned_gb", 1)
STANDARD_RETRIEVAL = ("Retrievals (standard)", "GB", "std_retrieval", "monthly_standard_data_retrieval_gb", 1)
STANDARD_RETRIEVAL_REQUESTS = ("Retrieval requests (standard)", "1k requests", "std_requests",
                               "monthly_standard_data_retrieval_requests", K)
CLASSES = [
    (
        "standard",
        "Standard",
        "standard",
        [STORAGE, PUT, GET, SELECT_SCANNED, SELECT_RETURNED],
    ),
    (
        "intelligent_tiering",
        "Intelligent tiering",
        "it",
        [
            ("Storage (frequent access)", "GB", "frequent", "frequent_access_storage_gb", 1),
            ("Storage (infrequent access)", "GB", "infrequent", "infrequent_access_storage_gb", 1),
            ("Storage (archive access)", "GB", "archive", "archive_access_storage_gb", 1),
            ("Storage (deep archive access)", "GB", "deep_archive", "deep_archive_access_storage_gb", 1),
            ("Monitoring and automation", "1k objects", "monitoring", "monitored_objects", K),
            PUT, GET, LIFECYCLE, SELECT_SCANNED, SELECT_RETURNED,
            ("Early delete (within 30 days)", "GB", "early_delete", "early_delete_gb", 1),
        ],
    ),
]
for _key, _name, _prefix in (
    ("standard_infrequent_access", "Standard - infrequent access", "sia"),
    ("one_zone_infrequent_access", "One zone - infrequent access", "oz"),
):
    CLASSES.append(
        (
            _key,
            _name,
            _prefix,
            [
                STORAGE, PUT, GET, LIFECYCLE,
                ("Retrievals", "GB", "retrieval", "monthly_data_retrieval_gb", 1),
                SELECT_SCANNED, SELECT_RETURNED,
            ],
        )
    )
CLASSES += [
    (
        "glacier_flexible_retrieval",
        "Glacier flexible retrieval",
        "gfr",
        [
            STORAGE, PUT, GET, LIFECYCLE, STANDARD_RETRIEVAL_REQUESTS, STANDARD_RETRIEVAL,
            (
                "Select data scanned (standard)",
                "GB",
                "std_select_scanned",
                "monthly_standard_select_data_scanned_gb",
                1,
            ),
            (
                "Select data returned (standard)",
                "GB",
                "std_select_returned",
                "monthly_standard_select_data_returned_gb",
                1,
            ),
            (
                "Retrieval requests (expedited)",
                "1k requests",
                "exp_requests",
                "monthly_expedited_data_retrieval_requests",
                K,
            ),
            ("Retrievals (expedited)", "GB", "exp_retrieval", "monthly_expedited_data_retrieval_gb", 1),
            (
                "Select data scanned (expedited)",
                "GB",
                "exp_select_scanned",
                "monthly_expedited_select_data_scanned_gb",
                1,
            ),
            (
                "Select data returned (expedited)",
                "GB",
                "exp_select_returned",
                "monthly_expedited_select_data_returned_gb",
                1,
            ),
            ("Select data scanned (bulk)", "GB", "bulk_select_scanned", "monthly_bulk_select_data_scanned_gb", 1),
            ("Select data returned (bulk)", "GB", "bulk_select_returned", "monthly_bulk_select_data_returned_gb", 1),
            ("Early delete (within 90 days)", "GB", "early_delete", "early_delete_gb", 1),
        ],
    ),
    (
        "glacier_deep_archive",
        "Glacier deep archive",
        "gda",
        [
            STORAGE, PUT, GET, LIFECYCLE, STANDARD_RETRIEVAL_REQUESTS, STANDARD_RETRIEVAL,
            ("Retrieval requests (bulk)", "1k requests", "bulk_requests", "monthly_bulk_data_retrieval_requests", K),
            ("Retrievals (bulk)", "GB", "bulk_retrieval", "monthly_bulk_data_retrieval_gb", 1),
            ("Early delete (within 180 days)", "GB", "early_delete", "early_delete_gb", 1),
        ],
    ),
]


def price(ctx: Ctx) -> Priced:
    priced = Priced(ctx.address)
    for key, name, prefix, comps in CLASSES:
        if key != "standard" and key not in ctx.usage:
            continue
        sub = ctx.usage.sub(key)
        priced.subresources.append(
            Priced(
                name,
                [
                    ctx.usage_comp(cname, unit, "aws_s3", f"{prefix}.{pkey}", ukey, div, usage=sub)
                    for cname, unit, pkey, ukey, div in comps
                ],
            )
        )
    return priced
