"""templates/deployment.yaml: the app's pods, hardened (non-root, read-only root, no capabilities, seccomp),
spread across zones."""

FILENAME = "deployment.yaml"

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  # No `replicas`: the HorizontalPodAutoscaler owns the count (an upgrade must not reset it).
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "app.labels" . | nindent 8 }}
        {{- include "app.apmLabels" (list . (include "app.fullname" .)) | nindent 8 }}
        {{- range $key, $value := .Values.podLabels }}
        {{ $key | quote }}: {{ $value | quote }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "app.fullname" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "app.selectorLabels" . | nindent 14 }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.securityContext.runAsUser }}
        runAsGroup: {{ .Values.securityContext.runAsGroup }}
        fsGroup: {{ .Values.securityContext.fsGroup }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: {{ include "app.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          env:
            - name: PORT
              value: {{ .Values.containerPort | quote }}
            {{- include "app.apmEnv" . | nindent 12 }}
            {{- range (concat .Values.secretEnv (keys .Values.externalSecret.managedSecrets | sortAlpha)) }}
            - name: {{ . | quote }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "app.secretName" $ }}
                  key: {{ . | quote }}
            {{- end }}
          livenessProbe:
            httpGet:
              path: {{ .Values.healthPath | quote }}
              port: http
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: {{ .Values.healthPath | quote }}
              port: http
            periodSeconds: 5
            failureThreshold: 3
          {{- include "app.container" . | nindent 10 }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
"""
