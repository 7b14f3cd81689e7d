"""templates/networkpolicy.yaml: only the ingress controller (a public app) or the environment's network through the
internal load balancer (an internal app) may reach the pods, and Prometheus when it scrapes; egress names every
destination (`app.egress`): DNS in kube-system, the data services' network on their ports, and HTTPS to external APIs."""

FILENAME = "networkpolicy.yaml"

TEMPLATE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        {{- if .Values.ingress.enabled }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.networkPolicy.ingressControllerNamespace | quote }}
        {{- else }}
        {{- range .Values.service.loadBalancerSourceRanges }}
        - ipBlock:
            cidr: {{ . | quote }}
        {{- end }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- if .Values.monitoring.prometheus.enabled }}
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.monitoring.prometheus.namespace | quote }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
  egress:
    {{- include "app.egress" . | nindent 4 }}
"""
