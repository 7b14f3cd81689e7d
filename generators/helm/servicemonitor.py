"""templates/servicemonitor.yaml: the Prometheus Operator scrapes the app's metrics endpoint through its Service
(generated when the spec lists prometheus or grafana: the dashboard reads these metrics)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Monitoring

FILENAME = "servicemonitor.yaml"


def applies(plan: Plan) -> bool:
    return bool({Monitoring.prometheus, Monitoring.grafana} & set(plan.spec.monitoring))


TEMPLATE = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
    {{- range $key, $value := .Values.monitoring.prometheus.selectorLabels }}
    {{ $key | quote }}: {{ $value | quote }}
    {{- end }}
spec:
  jobLabel: app.kubernetes.io/name
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace | quote }}
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: {{ .Values.monitoring.prometheus.metricsPath | quote }}
      interval: {{ .Values.monitoring.prometheus.interval | quote }}
      scheme: http
"""
