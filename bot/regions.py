"""Region codes each cloud accepts (the provider's own spelling)."""

from __future__ import annotations

REGIONS: dict[str, frozenset[str]] = {
    "aws": frozenset(
        {
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
            "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
            "eu-north-1", "eu-south-1", "eu-south-2",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-south-1", "ap-south-2", "ap-east-1",
            "me-south-1", "me-central-1", "il-central-1", "af-south-1",
        }
    ),
    "gcp": frozenset(
        {
            "us-central1", "us-east1", "us-east4", "us-east5", "us-south1",
            "us-west1", "us-west2", "us-west3", "us-west4",
            "northamerica-northeast1", "northamerica-northeast2", "southamerica-east1",
            "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
            "europe-west8", "europe-west9", "europe-west10", "europe-west12",
            "europe-north1", "europe-central2", "europe-southwest1",
            "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
            "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
            "australia-southeast1", "australia-southeast2",
            "me-west1", "me-central1", "africa-south1",
        }
    ),
    "azure": frozenset(
        {
            "eastus", "eastus2", "centralus", "northcentralus", "southcentralus",
            "westus", "westus2", "westus3", "westcentralus",
            "canadacentral", "canadaeast", "brazilsouth",
            "northeurope", "westeurope", "uksouth", "ukwest", "francecentral",
            "germanywestcentral", "switzerlandnorth", "norwayeast", "swedencentral",
            "polandcentral", "italynorth", "spaincentral",
            "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral",
            "centralindia", "southindia", "australiaeast", "australiasoutheast",
            "uaenorth", "southafricanorth", "qatarcentral", "israelcentral",
        }
    ),
}

DEFAULT_REGION: dict[str, str] = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


def is_valid_region(cloud: str, region: str) -> bool:
    """True when `region` is a region code of `cloud`."""
    return region in REGIONS.get(cloud, frozenset())


def cloud_of_region(region: str) -> str | None:
    """The one cloud whose region codes include `region`, if exactly one does."""
    owners = [cloud for cloud, codes in REGIONS.items() if region in codes]
    return owners[0] if len(owners) == 1 else None
