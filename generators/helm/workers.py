"""templates/workers.yaml: one Deployment per background worker (same image, identity, settings and hardening as
the app; its own command; no port, so no Service, Ingress or HTTP probes) and one NetworkPolicy for all of them
(no ingress; the app's egress). Worker pods carry their own `app.kubernetes.io/name`, so neither the app's
Deployment nor its Service selects them."""

from __future__ import annotations

from bot.pipeline.planning import Plan

FILENAME = "workers.yaml"


def applies(plan: Plan) -> bool:
    return bool(plan.spec.workers)


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
    {{- include "app.workerLabels" (dict "root" $ "name" $name) | nindent 4 }}
  annotations:
    checkov.io/skip1: CKV_K8S_8=a background worker serves no HTTP endpoint to probe; Kubernetes restarts it when it exits
    checkov.io/skip2: CKV_K8S_9=a background worker takes no traffic, so there is nothing to be ready for
spec:
  replicas: {{ .replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name | quote }}
      app.kubernetes.io/instance: {{ $.Release.Name | quote }}
  template:
    metadata:
      labels:
        {{- include "app.workerLabels" (dict "root" $ "name" $name) | nindent 8 }}
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
        - name: {{ .name | quote }}
          image: {{ include "app.image" $ | quote }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          {{- with .command }}
          command:
            {{- range . }}
            - {{ . | quote }}
            {{- end }}
          {{- end }}
          env:
            {{- range (concat $.Values.secretEnv (keys $.Values.externalSecret.managedSecrets | sortAlpha)) }}
            - name: {{ . | quote }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "app.secretName" $ }}
                  key: {{ . | quote }}
            {{- end }}
          resources:
            requests:
              cpu: {{ $.Values.resources.requests.cpu | quote }}
              memory: {{ $.Values.resources.requests.memory | quote }}
            limits:
              cpu: {{ $.Values.resources.limits.cpu | quote }}
              memory: {{ $.Values.resources.limits.memory | quote }}
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
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
{{- end }}
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
      app.kubernetes.io/instance: {{ .Release.Name | quote }}
      app.kubernetes.io/component: "worker"
  policyTypes:
    - Ingress
    - Egress
  egress:
    {{- include "app.egress" . | nindent 4 }}
"""
