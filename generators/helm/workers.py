"""templates/workers.yaml: one Deployment per background worker (`workers`: e.g. Sidekiq or Celery): the app's image
with the worker's command, the app's service account (so the same cloud identity) and connection settings, hardened
like the app; no port and no Service. Their own labels keep them out of the app's Service, PDB and HPA; one
NetworkPolicy admits nothing in and lets them out only to the app's egress destinations.

checkov's liveness/readiness probe checks are skipped on these Deployments only, in their annotations: a worker
answers no HTTP, and a probe that cannot fail (`exec true`) would only hide that."""

FILENAME = "workers.yaml"

TEMPLATE = """\
{{- range .Values.workers }}
{{- $name := printf "%s-%s" (include "app.fullname" $) .name | trunc 63 | trimSuffix "-" }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace | quote }}
  labels:
    {{- include "app.workerLabels" (list $ $name) | nindent 4 }}
  annotations:
    checkov.io/skip1: "CKV_K8S_8=a background worker serves no HTTP: no liveness endpoint to probe"
    checkov.io/skip2: "CKV_K8S_9=a background worker takes no traffic: readiness gates nothing"
spec:
  replicas: 1
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name | quote }}
      app.kubernetes.io/instance: {{ $.Release.Name | quote }}
  template:
    metadata:
      labels:
        {{- include "app.workerLabels" (list $ $name) | nindent 8 }}
        {{- include "app.apmLabels" (list $ $name) | nindent 8 }}
        {{- range $key, $value := $.Values.podLabels }}
        {{ $key | quote }}: {{ $value | quote }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "app.fullname" $ }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $.Values.terminationGracePeriodSeconds }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ $.Values.securityContext.runAsUser }}
        runAsGroup: {{ $.Values.securityContext.runAsGroup }}
        fsGroup: {{ $.Values.securityContext.fsGroup }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: worker
          image: {{ include "app.image" $ | quote }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          {{- with .command }}
          command:
            {{- range . }}
            - {{ . | quote }}
            {{- end }}
          {{- end }}
          env:
            {{- include "app.apmEnv" $ | nindent 12 }}
            {{- range (concat $.Values.secretEnv (keys $.Values.externalSecret.managedSecrets | sortAlpha)) }}
            - name: {{ . | quote }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "app.secretName" $ }}
                  key: {{ . | quote }}
            {{- end }}
          {{- include "app.container" $ | nindent 10 }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
{{- end }}
{{- if .Values.workers }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-workers" (include "app.fullname" .) | trunc 63 | trimSuffix "-" }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/component: worker
      app.kubernetes.io/part-of: {{ include "app.fullname" . | quote }}
  policyTypes:
    - Ingress
    - Egress
  ingress: []
  egress:
    {{- include "app.egress" . | nindent 4 }}
{{- end }}
"""
