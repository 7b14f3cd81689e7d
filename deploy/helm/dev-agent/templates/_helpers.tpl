{{- define "dev-agent.labels" -}}
app.kubernetes.io/name: dev-agent
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
{{- end -}}

{{- define "dev-agent.image" -}}
{{- if .Values.image.digest -}}
{{ printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "dev-agent.podSecurity" -}}
automountServiceAccountToken: false
serviceAccountName: {{ .Release.Name }}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "dev-agent.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  runAsUser: 10001
  capabilities:
    drop: ["ALL"]
{{- end -}}

{{- define "dev-agent.env" -}}
- name: DEV_AGENT_GITHUB_API_URL
  value: {{ .Values.githubApiUrl | quote }}
- name: DEV_AGENT_SECRETS_DIR
  value: /var/run/secrets/dev-agent
{{- with .Values.signIn }}
{{- if .githubClientId }}
- name: DEV_AGENT_GITHUB_CLIENT_ID
  value: {{ .githubClientId | quote }}
{{- end }}
{{- if .oidcIssuer }}
- name: DEV_AGENT_OIDC_ISSUER
  value: {{ .oidcIssuer | quote }}
- name: DEV_AGENT_OIDC_CLIENT_ID
  value: {{ required "signIn.oidcClientId is required with signIn.oidcIssuer" .oidcClientId | quote }}
- name: DEV_AGENT_OIDC_NAME
  value: {{ .oidcName | quote }}
- name: DEV_AGENT_OIDC_LOGIN_CLAIM
  value: {{ .oidcLoginClaim | quote }}
{{- end }}
{{- end }}
- name: PROMETHEUS_MULTIPROC_DIR
  value: /var/lib/dev-agent/metrics
{{- end -}}

{{- define "dev-agent.secretVolume" -}}
- name: github-app
  secret:
    secretName: {{ .Values.existingSecret | quote }}
    items:
      - {key: app-id, path: dev_agent_github_app_id}
      - {key: private-key.pem, path: dev_agent_github_private_key}
      - {key: webhook-secret, path: dev_agent_webhook_secret}
      - {key: {{ .Values.redisUrlSecretKey | quote }}, path: redis_url}
      - {key: {{ .Values.databaseUrlSecretKey | quote }}, path: dev_agent_database_url}
      {{- if .Values.signIn.githubClientId }}
      - {key: {{ .Values.signIn.githubClientSecretKey | quote }}, path: dev_agent_github_client_secret}
      {{- end }}
      {{- if .Values.signIn.oidcIssuer }}
      - {key: {{ .Values.signIn.oidcClientSecretKey | quote }}, path: dev_agent_oidc_client_secret}
      {{- end }}
{{- end -}}

{{- define "dev-agent.skipDigestCheck" -}}
{{- if not .Values.image.digest -}}
annotations:
  checkov.io/skip1: CKV_K8S_43=Pinned by an immutable release tag; set image.digest to pin by digest
{{- end }}
{{- end -}}
