"""templates/_helpers.tpl: names and labels shared by every template."""

FILENAME = "_helpers.tpl"

TEMPLATE = """\
{{/* Resource name: the chart name (the service), at most 63 characters. */}}
{{- define "app.fullname" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the app's pods. */}}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/* Labels on every resource. */}}
{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
dev-agent/environment: {{ .Values.environment | quote }}
dev-agent/tier: {{ .Values.tier | quote }}
{{- end -}}

{{/* Labels of a worker's pods: its own name (the app's Deployment and Service never select them). */}}
{{- define "app.workerLabels" -}}
app.kubernetes.io/name: {{ .name | quote }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: "worker"
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service | quote }}
dev-agent/environment: {{ .root.Values.environment | quote }}
dev-agent/tier: {{ .root.Values.tier | quote }}
{{- end -}}

{{/* Egress of the app's and the workers' pods: DNS in kube-system, the data services' network on their ports,
HTTPS to external APIs. */}}
{{- define "app.egress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- if .Values.networkPolicy.dataServicePorts }}
- to:
    {{- range .Values.networkPolicy.dataServiceCidrs }}
    - ipBlock:
        cidr: {{ . | quote }}
    {{- end }}
  ports:
    {{- range .Values.networkPolicy.dataServicePorts }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end }}
- to:
    - ipBlock:
        cidr: 0.0.0.0/0
  ports:
    - port: 443
      protocol: TCP
{{- end -}}

{{/* Image reference: by digest when one is set, otherwise by its fixed tag. */}}
{{- define "app.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}
{{- end -}}

{{/* The Secret that external-secrets fills with connection settings. */}}
{{- define "app.secretName" -}}
{{- printf "%s-connections" (include "app.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
"""
