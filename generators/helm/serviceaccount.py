"""templates/serviceaccount.yaml: the app's own identity (cloud workload identity goes in its annotations)."""

FILENAME = "serviceaccount.yaml"

TEMPLATE = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- range $key, $value := . }}
    {{ $key | quote }}: {{ $value | quote }}
    {{- end }}
  {{- end }}
automountServiceAccountToken: false
"""
