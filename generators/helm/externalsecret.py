"""templates/externalsecret.yaml: external-secrets copies connection settings from the cloud secret store."""

FILENAME = "externalsecret.yaml"

TEMPLATE = """\
{{- if .Values.secretEnv }}
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: {{ include "app.secretName" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.externalSecret.refreshInterval | quote }}
  secretStoreRef:
    kind: ClusterSecretStore
    name: {{ .Values.externalSecret.storeName | quote }}
  target:
    name: {{ include "app.secretName" . }}
    creationPolicy: Owner
  data:
    {{- range .Values.secretEnv }}
    - secretKey: {{ . | quote }}
      remoteRef:
        key: {{ $.Values.externalSecret.remoteKey | quote }}
        property: {{ . | quote }}
    {{- end }}
{{- end }}
"""
