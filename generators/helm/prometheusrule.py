"""templates/prometheusrule.yaml: RED alerts on the app's own metrics (rate: target down, errors: 5xx share,
duration: p95 latency) plus CPU and memory saturation of its pods; thresholds are values."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Monitoring

FILENAME = "prometheusrule.yaml"


def applies(plan: Plan) -> bool:
    return Monitoring.prometheus in plan.spec.monitoring


TEMPLATE = """\
{{- $job := include "app.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $m := .Values.monitoring.prometheus }}
{{- $sel := printf "job=%q,namespace=%q" $job $ns }}
{{- $pod := printf "namespace=%q,container=\\"app\\"" $ns }}
{{- $requests := printf "sum(rate(%s{%s}[5m]))" $m.requestsMetric $sel }}
{{- $errors := printf "sum(rate(%s{%s,%s=~\\"5..\\"}[5m]))" $m.requestsMetric $sel $m.statusLabel }}
{{- $p95 := printf "histogram_quantile(0.95, sum by (le) (rate(%s_bucket{%s}[5m])))" $m.durationMetric $sel }}
{{- $cpu := printf "sum(rate(container_cpu_usage_seconds_total{%s}[5m]))" $pod }}
{{- $cpuLimit := printf "sum(kube_pod_container_resource_limits{%s,resource=\\"cpu\\"})" $pod }}
{{- $memory := printf "container_memory_working_set_bytes{%s}" $pod }}
{{- $memoryLimit := printf "kube_pod_container_resource_limits{%s,resource=\\"memory\\"}" $pod }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ $job }}
  namespace: {{ $ns | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
    {{- range $key, $value := $m.selectorLabels }}
    {{ $key | quote }}: {{ $value | quote }}
    {{- end }}
spec:
  groups:
    - name: {{ printf "%s.red" $job | quote }}
      rules:
        - alert: AppDown
          expr: {{ printf "absent(up{%s} == 1)" $sel | quote }}
          for: 5m
          labels:
            severity: critical
            environment: {{ .Values.environment | quote }}
          annotations:
            summary: {{ printf "%s: no instance answers the metrics scrape" $job | quote }}
        - alert: AppHighErrorRate
          expr: {{ printf "%s / %s > %v" $errors $requests $m.errorRatio | quote }}
          for: 10m
          labels:
            severity: critical
            environment: {{ .Values.environment | quote }}
          annotations:
            summary: {{ printf "%s: more than %v of requests fail with 5xx" $job $m.errorRatio | quote }}
        - alert: AppHighLatency
          expr: {{ printf "%s > %v" $p95 $m.latencySeconds | quote }}
          for: 10m
          labels:
            severity: warning
            environment: {{ .Values.environment | quote }}
          annotations:
            summary: {{ printf "%s: p95 latency above %vs" $job $m.latencySeconds | quote }}
        - alert: AppHighCpu
          expr: {{ printf "%s / %s > 0.9" $cpu $cpuLimit | quote }}
          for: 15m
          labels:
            severity: warning
            environment: {{ .Values.environment | quote }}
          annotations:
            summary: {{ printf "%s: pods use more than 90%% of their CPU limit" $job | quote }}
        - alert: AppHighMemory
          expr: {{ printf "max(%s / on (namespace, pod, container) %s) > 0.9" $memory $memoryLimit | quote }}
          for: 15m
          labels:
            severity: warning
            environment: {{ .Values.environment | quote }}
          annotations:
            summary: {{ printf "%s: a pod uses more than 90%% of its memory limit" $job | quote }}
"""
