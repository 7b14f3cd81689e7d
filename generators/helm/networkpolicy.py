"""templates/networkpolicy.yaml: only the ingress controller (and Prometheus, when it scrapes) may reach the pods; egress names every destination:
DNS in kube-system, the data services' network on their ports, and HTTPS to external APIs."""

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
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.networkPolicy.ingressControllerNamespace | quote }}
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
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- if .Values.networkPolicy.dataServicePorts }}
    - to:
        {{- range .Values.networkPolicy.dataServiceCidrs }}
        - ipBlock:
            cidr: {{ . | quote }}
        {{- end }}
      ports:
        {{- range .Values.networkPolicy.dataServicePorts }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- end }}
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
      ports:
        - port: 443
          protocol: TCP
"""
