"""AWS types beyond the nine golden folders, and GCP/Azure types, match figures from Infracost's goldens."""

from pathlib import Path

import pytest

from bot.cost import estimate_directory
from bot.cost.compare import compare_with_golden

FIX = Path(__file__).parent / "fixtures" / "cost"


@pytest.mark.parametrize("folder, usage, golden", [
    (FIX, FIX / "aws_more.usage.yml", FIX / "aws_more.golden"),
    (FIX / "gcp", FIX / "gcp" / "usage.yml", FIX / "gcp" / "expected.golden"),
    (FIX / "azure", FIX / "azure" / "usage.yml", FIX / "azure" / "expected.golden"),
])
def test_types_match_expected_tables(folder, usage, golden):
    report = estimate_directory(folder, usage)
    problems, worst, count = compare_with_golden(report, golden.read_text())
    assert not problems, "\n".join(problems)
    assert count >= 6 and worst <= 0.01


def test_free_types_are_counted_not_priced():
    report = estimate_directory(FIX / "gcp", FIX / "gcp" / "usage.yml")
    assert report["summary"]["noPriceResourceCounts"] == {"google_compute_network": 1}
    names = [r["name"] for r in report["projects"][0]["breakdown"]["resources"]]
    assert "google_compute_network.free" not in names


def test_ecs_service_takes_task_size_from_referenced_task_definition():
    report = estimate_directory(FIX, FIX / "aws_more.usage.yml")
    svc = next(r for r in report["projects"][0]["breakdown"]["resources"] if r["name"] == "aws_ecs_service.svc")
    by_name = {c["name"]: c for c in svc["costComponents"]}
    assert by_name["Per vCPU per hour"]["monthlyQuantity"] == "2"  # 1024 CPU units x 2 tasks
    assert by_name["Per GB per hour"]["monthlyQuantity"] == "4"  # 2048 MiB x 2 tasks
