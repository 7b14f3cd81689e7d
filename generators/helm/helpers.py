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
