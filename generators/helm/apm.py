"""templates/_apm.tpl: Datadog / New Relic wiring of the app's and the workers' pods (`monitoring: [datadog]` /
`[newrelic]` on Kubernetes).

- Datadog: unified service tags (`tags.datadoghq.com/{env,service,version}` labels on the pods, and DD_ENV,
  DD_SERVICE, DD_VERSION read from those labels) and DD_AGENT_HOST = the node's host IP, where the Datadog Agent
  DaemonSet the cluster operator installs (Datadog's Helm chart / Operator, which holds the API key) listens for
  traces (8126/TCP) and DogStatsD (8125/UDP); the NetworkPolicy lets the pods reach those two ports on the nodes.
  The app's pods never hold the API key.
- New Relic: NEW_RELIC_APP_NAME and distributed tracing; NEW_RELIC_LICENSE_KEY comes through the chart's
  ExternalSecret (managedSecrets, filled by Terraform's `helm_values`) from the cloud's secret store."""

FILENAME = "_apm.tpl"

TEMPLATE = """\
{{/* Unified service tag labels of the app's and workers' pods (list of the root context and the service name). */}}
{{- define "app.apmLabels" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.monitoring.datadog.enabled }}
tags.datadoghq.com/env: {{ $root.Values.environment | quote }}
tags.datadoghq.com/service: {{ index . 1 | quote }}
tags.datadoghq.com/version: {{ include "app.version" $root | quote }}
{{- end }}
{{- end -}}

{{/* Agent settings of the app's and workers' containers. */}}
{{- define "app.apmEnv" -}}
{{- if .Values.monitoring.datadog.enabled }}
{{- range list "env" "service" "version" }}
- name: {{ printf "DD_%s" (upper .) | quote }}
  valueFrom:
    fieldRef:
      fieldPath: {{ printf "metadata.labels['tags.datadoghq.com/%s']" . | quote }}
{{- end }}
- name: DD_AGENT_HOST
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
{{- end }}
{{- if .Values.monitoring.newrelic.enabled }}
- name: NEW_RELIC_APP_NAME
  value: {{ .Values.monitoring.newrelic.appName | quote }}
- name: NEW_RELIC_DISTRIBUTED_TRACING_ENABLED
  value: "true"
{{- end }}
{{- end -}}

{{/* Egress to the node-local Datadog Agent (traces and DogStatsD on the nodes' network). */}}
{{- define "app.apmEgress" -}}
{{- if .Values.monitoring.datadog.enabled }}
- to:
    {{- range .Values.networkPolicy.nodeCidrs }}
    - ipBlock:
        cidr: {{ . | quote }}
    {{- end }}
  ports:
    - port: 8126
      protocol: TCP
    - port: 8125
      protocol: UDP
{{- end }}
{{- end -}}
"""
