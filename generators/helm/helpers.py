"""templates/_helpers.tpl: names and labels shared by every template."""

FILENAME = "_helpers.tpl"

TEMPLATE = """\
{{/* Resource name: the chart name (the service), at most 63 characters. */}}
{{- define "app.fullname" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The version label's value: the image tag (the chart's appVersion) cut to a label value's 63 characters, as
Helm's `trunc 63 | trimSuffix "-"` convention does, and starting and ending with a letter or digit (a long tag
would otherwise fail `helm install`). */}}
{{- define "app.version" -}}
{{- regexReplaceAll "^[-._]+|[-._]+$" (.Chart.AppVersion | toString | trunc 63) "" -}}
{{- end -}}

{{/* Labels that select the app's pods. */}}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/* Labels on every resource. */}}
{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "app.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
dev-agent/environment: {{ .Values.environment | quote }}
dev-agent/tier: {{ .Values.tier | quote }}
{{- end -}}

{{/* Labels of a worker's resources and pods (list of the root context and the worker's name): not the app's
selector labels, so the app's Service, PDB and HPA never pick up worker pods. */}}
{{- define "app.workerLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ index . 1 | quote }}
app.kubernetes.io/instance: {{ $root.Release.Name | quote }}
app.kubernetes.io/component: worker
app.kubernetes.io/part-of: {{ include "app.fullname" $root | quote }}
app.kubernetes.io/version: {{ include "app.version" $root | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service | quote }}
dev-agent/environment: {{ $root.Values.environment | quote }}
dev-agent/tier: {{ $root.Values.tier | quote }}
{{- end -}}

{{/* Image reference: by digest when one is set, otherwise by its fixed tag. */}}
{{- define "app.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}
{{- end -}}

{{/* Egress of the app's and the workers' pods: every rule names its destination. */}}
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
{{- include "app.apmEgress" . }}
{{- end -}}

{{/* Resources, hardened security context and the writable /tmp of the app's and every worker's container. */}}
{{- define "app.container" -}}
resources:
  requests:
    cpu: {{ .Values.resources.requests.cpu | quote }}
    memory: {{ .Values.resources.requests.memory | quote }}
  limits:
    cpu: {{ .Values.resources.limits.cpu | quote }}
    memory: {{ .Values.resources.limits.memory | quote }}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  privileged: false
  readOnlyRootFilesystem: true
  capabilities:
    drop:
      - ALL
  seccompProfile:
    type: RuntimeDefault
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end -}}

{{/* The Secret that external-secrets fills with connection settings. */}}
{{- define "app.secretName" -}}
{{- printf "%s-connections" (include "app.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
"""
