"""templates/dashboard.yaml + dashboards/app.json: a Grafana dashboard (requests, 5xx share, p95 latency, CPU,
memory) in a ConfigMap labelled for the Grafana sidecar, which loads every ConfigMap carrying that label."""

from __future__ import annotations

import json
from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import Monitoring

FILENAME = "dashboard.yaml"
DASHBOARD_FILE = "dashboards/app.json"


def applies(plan: Plan) -> bool:
    return Monitoring.grafana in plan.spec.monitoring


TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-dashboard" (include "app.fullname" .) | trunc 63 | trimSuffix "-" }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
    {{ .Values.monitoring.grafana.sidecarLabel | quote }}: {{ .Values.monitoring.grafana.sidecarLabelValue | quote }}
data:
  {{ printf "%s.json" (include "app.fullname" .) }}: |-
    {{- .Files.Get "dashboards/app.json" | nindent 4 }}
"""


def _panel(number: int, title: str, unit: str, *queries: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": number,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * ((number - 1) % 2), "y": 8 * ((number - 1) // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": chr(65 + i), "expr": expr, "legendFormat": legend} for i, (expr, legend) in
                    enumerate(queries)],
    }


def dashboard(job: str, environment: str, requests: str, status: str, duration: str) -> dict[str, Any]:
    """The dashboard JSON for one app (`job` = the chart's Service, as the ServiceMonitor scrapes it)."""
    sel = f'job="{job}",namespace="$namespace"'
    pod = 'namespace="$namespace",container="app"'
    return {
        "uid": f"dev-agent-{environment}"[:40],
        "title": f"{job} ({environment})",
        "tags": ["dev-agent", environment],
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "1m",
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
            {"name": "namespace", "type": "constant", "query": environment, "hide": 2},
        ]},
        "panels": [
            _panel(1, "Requests per second", "reqps", (f"sum(rate({requests}{{{sel}}}[5m]))", "requests")),
            _panel(2, "5xx share", "percentunit",
                   (f'sum(rate({requests}{{{sel},{status}=~"5.."}}[5m])) / sum(rate({requests}{{{sel}}}[5m]))',
                    "5xx")),
            _panel(3, "Latency p50 / p95", "s",
                   (f"histogram_quantile(0.5, sum by (le) (rate({duration}_bucket{{{sel}}}[5m])))", "p50"),
                   (f"histogram_quantile(0.95, sum by (le) (rate({duration}_bucket{{{sel}}}[5m])))", "p95")),
            _panel(4, "CPU and memory of the pods", "percentunit",
                   (f"sum(rate(container_cpu_usage_seconds_total{{{pod}}}[5m])) / "
                    f'sum(kube_pod_container_resource_limits{{{pod},resource="cpu"}})', "cpu"),
                   (f"max(container_memory_working_set_bytes{{{pod}}} / on (namespace, pod, container) "
                    f'kube_pod_container_resource_limits{{{pod},resource="memory"}})', "memory")),
        ],
    }


def dashboard_file(job: str, environment: str, metrics: dict[str, Any]) -> str:
    """`dashboards/app.json` text."""
    data = dashboard(job, environment, metrics["requestsMetric"], metrics["statusLabel"], metrics["durationMetric"])
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
