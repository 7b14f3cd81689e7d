"""The price catalog is data: every entry carries a price, a named source and a date."""

import datetime

from bot.cost.catalog import load_catalog

REQUIRED_AWS_REGIONS = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
                        "ap-southeast-2"}


def test_every_entry_has_price_source_and_date():
    catalog = load_catalog()
    checked = 0
    for service, doc in catalog.services.items():
        for region, entries in doc["prices"].items():
            for key in entries:
                entry = catalog.entry(service, region, key)
                assert entry["usd"] >= 0, (service, region, key)
                assert entry["source"] and entry["source"] != entry["src"], (service, key, "source id not described")
                datetime.date.fromisoformat(entry["date"])
                checked += 1
    assert checked > 1000


def test_aws_regions_covered():
    catalog = load_catalog()
    assert catalog.regions["aws"] >= REQUIRED_AWS_REGIONS
    for region in REQUIRED_AWS_REGIONS:
        assert catalog.price("aws_vpc", region, "nat.hour") is not None
        assert catalog.price("aws_rds", region, "od.postgres.single.db.t4g.small") is not None
