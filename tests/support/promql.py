"""Prometheus Operator objects and PromQL checked offline (tests/fixtures/prometheus-operator: the v1 CRD
schemas and Prometheus' own PromQL grammar, installed by `scripts/bootstrap.sh test`)."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import FIXTURES, require_tool


def monitoring_errors(docs: list[dict], promql: list[str]) -> list[str]:
    """What the Prometheus Operator v1 schemas and Prometheus' PromQL grammar find wrong."""
    node = require_tool("node")
    here = FIXTURES / "prometheus-operator"
    result = subprocess.run([node, str(here / "validate.mjs")], input=json.dumps({"docs": docs, "promql": promql}),
                            capture_output=True, text=True, timeout=60, check=False, cwd=here)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)
