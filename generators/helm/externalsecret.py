"""templates/externalsecret.yaml: external-secrets (`external-secrets.io/v1`) copies the environment's connection
secret, and each managed password, into the Secret the app reads, through this release's own SecretStore."""

FILENAME = "externalsecret.yaml"

TEMPLATE = """\
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  provider:
    {{- toYaml .Values.externalSecret.provider | nindent 4 }}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "app.secretName" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.externalSecret.refreshInterval | quote }}
  secretStoreRef:
    kind: SecretStore
    name: {{ include "app.fullname" . }}
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
    {{- range $env, $ref := .Values.externalSecret.managedSecrets }}
    - secretKey: {{ $env | quote }}
      remoteRef:
        {{- toYaml $ref | nindent 8 }}
    {{- end }}
"""
