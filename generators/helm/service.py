"""templates/service.yaml: the Service in front of the pods. A public app's is ClusterIP, exposed only through the
Ingress; an internal app's (`exposure: internal`) is the cloud's internal load balancer (annotations per cloud in
values.yaml), reachable only from the environment's network (`loadBalancerSourceRanges`), and there is no Ingress."""

FILENAME = "service.yaml"

TEMPLATE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- range $key, $value := . }}
    {{ $key | quote }}: {{ $value | quote }}
    {{- end }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  {{- with .Values.service.loadBalancerSourceRanges }}
  loadBalancerSourceRanges:
    {{- range . }}
    - {{ . | quote }}
    {{- end }}
  {{- end }}
  selector:
    {{- include "app.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
"""
