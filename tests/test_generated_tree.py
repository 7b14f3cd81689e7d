"""Properties of every generated tree: files stay in their place, no secret values, no `latest` images."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import load_spec
from generators.build import generate_all
from tests.conftest import FIXTURES

SPECS = sorted((FIXTURES / "specs").glob("*.yaml"))
SECRET_VALUE = re.compile(r"(?i)[\w.-]*(password|passwd|secret|token)[\"']?[ \t]*[:=][ \t]*(?!\$\{)[\"']?[A-Za-z0-9+/]{8,}")


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_tree_layout_and_no_secret_values(spec_path: Path) -> None:
    plan = plan_environment(load_spec(spec_path))
    files = generate_all(plan, Settings())
    prefix = f"environments/{plan.spec.name}/"
    assert all(p.startswith(prefix) or p.startswith(".github/workflows/dev-agent-") for p in files)
    for path, text in files.items():
        assert not SECRET_VALUE.search(text), path
        assert not re.search(r"image:\s*\S+:latest\b", text), path
