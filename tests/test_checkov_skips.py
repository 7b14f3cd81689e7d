"""The checkov skip list is short and every entry says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checks.checkov import parse_reports
from bot.checks.skips import SkipListError, load_skips


def test_bundled_skips_have_reasons() -> None:
    skips = load_skips()
    assert {s.check_id for s in skips} == {"CKV_K8S_43", "CKV_K8S_35"}
    assert all(len(s.reason) > 40 for s in skips)


def test_a_skip_without_a_reason_is_refused(tmp_path: Path) -> None:
    (tmp_path / "checkov-skips-k8s.yaml").write_text("skips:\n  - id: CKV_K8S_8\n")
    with pytest.raises(SkipListError, match=r"skips\[0\]\.reason"):
        load_skips(tmp_path)
    (tmp_path / "checkov-skips-k8s.yaml").write_text("skips:\n  - id: rm -rf\n    reason: because it is convenient to skip\n")
    with pytest.raises(SkipListError, match=r"skips\[0\]\.id"):
        load_skips(tmp_path)


def test_checkov_output_forms_are_all_read() -> None:
    """checkov prints one report, a list, or several values back to back (an empty framework is a bare summary)."""
    terraform = '{"check_type": "terraform", "results": {"failed_checks": []}, "summary": {"resource_count": 2}}'
    kubernetes = '{"check_type": "kubernetes", "results": {"failed_checks": []}, "summary": {"resource_count": 9}}'
    empty = '{"passed": 0, "failed": 0, "resource_count": 0}'
    assert set(parse_reports(terraform)) == {"terraform"}
    assert set(parse_reports(f"[{terraform}, {kubernetes}]")) == {"terraform", "kubernetes"}
    assert set(parse_reports(f"{empty}\n{kubernetes}\n")) == {"kubernetes"}
    assert set(parse_reports(f"{terraform}\n[{kubernetes}]")) == {"terraform", "kubernetes"}
