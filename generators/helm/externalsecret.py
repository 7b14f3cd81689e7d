"""templates/externalsecret.yaml: external-secrets (`external-secrets.io/v1`) copies the environment's connection
secret, and each managed password, into the Secret the app reads, through this release's own SecretStore.
`extraStores` adds a SecretStore per other vault (e.g. `apm`: the reviewer's Key Vault holding New Relic's key on
AKS); a managed secret with `store: <name>` is read through it (`sourceRef`)."""

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
{{- range $name, $provider := .Values.externalSecret.extraStores }}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: {{ printf "%s-%s" (include "app.fullname" $) $name | quote }}
  namespace: {{ $.Release.Namespace | quote }}
  labels:
    {{- include "app.labels" $ | nindent 4 }}
spec:
  provider:
    {{- toYaml $provider | nindent 4 }}
{{- end }}
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
      {{- with $ref.store }}
      sourceRef:
        storeRef:
          kind: SecretStore
          name: {{ printf "%s-%s" (include "app.fullname" $) . | quote }}
      {{- end }}
      remoteRef:
        {{- toYaml (omit $ref "store") | nindent 8 }}
    {{- end }}
"""
