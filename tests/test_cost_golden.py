"""Estimates match Infracost's own golden tests within 1% per resource and component (us-east-1)."""

from pathlib import Path

import pytest

from bot.cost import estimate_directory
from bot.cost.compare import compare_with_golden

GOLDEN = Path(__file__).parent / "fixtures" / "infracost" / "aws-testdata"
FOLDERS = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
EXTRAS = [Path(__file__).parent / "fixtures" / "infracost" / name for name in ("aws-extra", "azure-extra", "gcp-extra")]


def test_all_nine_folders_present():
    assert len(FOLDERS) == 9


@pytest.mark.parametrize(
    "d",
    [GOLDEN / f for f in FOLDERS] + sorted(p for e in EXTRAS for p in e.iterdir() if p.is_dir()),
    ids=lambda p: p.name,
)
def test_golden_folder_within_one_percent(d):
    usage = next(d.glob("*.usage.yml"), None)
    report = estimate_directory(d, usage)
    problems, worst, count = compare_with_golden(report, next(d.glob("*.golden")).read_text())
    assert not problems, "\n".join(problems)
    assert count > 0 and worst <= 0.01


def test_golden_summary_counts_free_and_unsupported():
    report = estimate_directory(GOLDEN / "instance_test", GOLDEN / "instance_test" / "instance_test.usage.yml")
    summary = report["summary"]
    assert summary["totalDetectedResources"] == 32
    assert summary["totalSupportedResources"] == 30
    assert summary["noPriceResourceCounts"] == {"aws_launch_template": 1}
    assert summary["unsupportedResourceCounts"] == {"aws_instance": 1}
    assert "host tenancy" in " ".join(w["message"] for w in report["projects"][0]["metadata"]["warnings"])
