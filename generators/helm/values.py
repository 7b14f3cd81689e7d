"""values.yaml: every value that depends on the request lives here (templates are fixed text)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.settings import Settings
from bot.spec import Cloud, Exposure, Monitoring, Tier
from generators.helm.connections import connection_secret_name, connections, setting_names

DEFAULT_IMAGE_TAG = "0.1.0"
INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx"
# kube-prometheus-stack defaults: its namespace (allowed to scrape), the label its Prometheus selects
# ServiceMonitors/PrometheusRules by, and the label the Grafana sidecar loads dashboards from.
PROMETHEUS_NAMESPACE = "monitoring"
PROMETHEUS_SELECTOR = {"release": "kube-prometheus-stack"}
GRAFANA_SIDECAR_LABEL = ("grafana_dashboard", "1")
# The network each cloud's data services live in (the NetworkPolicy egress destination for their ports).
DATA_SERVICE_CIDRS: dict[Cloud, list[str]] = {
    Cloud.aws: ["10.0.0.0/16"],
    Cloud.gcp: ["10.0.0.0/8"],  # the VPC subnet plus the private service ranges of Cloud SQL and Memorystore
    Cloud.azure: ["10.20.0.0/16"],
}

# Annotations that make a LoadBalancer Service the cloud's internal load balancer (an internal app's entry point).
INTERNAL_LB_ANNOTATIONS: dict[Cloud, dict[str, str]] = {
    Cloud.aws: {"service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
    Cloud.gcp: {"networking.gke.io/load-balancer-type": "Internal"},
    Cloud.azure: {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
}


def chart_name(plan: Plan) -> str:
    """The chart, its resources and its service account are named after the service."""
    return plan.spec.service or plan.spec.name


def image_values(plan: Plan) -> dict[str, str]:
    """repository + tag, or repository + digest, from `app.image`; a fixed version tag by default."""
    spec = plan.spec
    image = spec.app.image
    if image is None:
        owner = spec.owner or "example"
        return {"repository": f"ghcr.io/{owner}/{spec.service or spec.name}", "tag": DEFAULT_IMAGE_TAG, "digest": ""}
    if "@" in image:
        repository, digest = image.split("@", 1)
        return {"repository": repository, "tag": DEFAULT_IMAGE_TAG, "digest": digest}
    repository, tag = image.rsplit(":", 1)
    return {"repository": repository, "tag": tag, "digest": ""}


def millicores(cpu: float) -> str:
    return f"{round(cpu * 1000)}m"


def mebibytes(gb: float) -> str:
    return f"{round(gb * 1024)}Mi"


def pdb_values(plan: Plan) -> dict[str, int]:
    """Keep all but one replica during voluntary disruptions; a single replica may be moved."""
    minimum = plan.spec.compute.min_replicas
    return {"minAvailable": minimum - 1} if minimum > 1 else {"maxUnavailable": 1}


def secret_store_provider(plan: Plan) -> dict[str, Any]:
    """The SecretStore's provider block; per-apply details (project, vault URL) come from Terraform's `helm_values`."""
    spec = plan.spec
    if spec.cloud == Cloud.aws:  # credentials: external-secrets' EKS Pod Identity role (eks.tf)
        return {"aws": {"service": "SecretsManager", "region": spec.region}}
    if spec.cloud == Cloud.gcp:
        return {"gcpsm": {"projectID": "", "auth": {"workloadIdentity": {
            "clusterLocation": spec.region, "clusterName": "", "serviceAccountRef": {"name": chart_name(plan)}}}}}
    return {"azurekv": {"authType": "WorkloadIdentity", "vaultUrl": "",
                        "serviceAccountRef": {"name": chart_name(plan)}}}


def service_values(plan: Plan) -> dict[str, Any]:
    """A public app: a ClusterIP Service behind the Ingress. An internal app: the cloud's internal load balancer,
    admitting the environment's network only."""
    cloud = plan.spec.cloud
    if plan.spec.app.exposure == Exposure.internal:
        return {"port": 80, "type": "LoadBalancer", "annotations": INTERNAL_LB_ANNOTATIONS[cloud],
                "loadBalancerSourceRanges": DATA_SERVICE_CIDRS[cloud]}
    return {"port": 80, "type": "ClusterIP", "annotations": {}, "loadBalancerSourceRanges": []}


def monitoring_values(plan: Plan) -> dict[str, Any]:
    """What the metrics scrape, the RED alerts and the dashboard need (metric names follow the Prometheus
    client conventions most HTTP instrumentations use; change them here if the app's differ)."""
    tools = set(plan.spec.monitoring)
    return {
        "prometheus": {
            "enabled": bool({Monitoring.prometheus, Monitoring.grafana} & tools),
            "namespace": PROMETHEUS_NAMESPACE,
            "selectorLabels": dict(PROMETHEUS_SELECTOR),
            "metricsPath": "/metrics",
            "interval": "30s",
            "requestsMetric": "http_requests_total",
            "statusLabel": "status",
            "durationMetric": "http_request_duration_seconds",
            "errorRatio": 0.05,
            "latencySeconds": 1 if plan.spec.tier == Tier.dev else 0.5,
        },
        "grafana": {
            "sidecarLabel": GRAFANA_SIDECAR_LABEL[0],
            "sidecarLabelValue": GRAFANA_SIDECAR_LABEL[1],
        },
        # generators/helm/apm.py: the node-local Datadog Agent; New Relic's key arrives through managedSecrets.
        "datadog": {"enabled": Monitoring.datadog in tools},
        "newrelic": {"enabled": Monitoring.newrelic in tools,
                     "appName": f"{chart_name(plan)} ({plan.spec.name})"},
    }


def build_values(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The chart's values for this plan."""
    spec = plan.spec
    ports = sorted({c.port for c in connections(spec)} - {443})
    return {
        "image": {**image_values(plan), "pullPolicy": "Always"},
        "environment": spec.name,
        "tier": spec.tier.value,
        "containerPort": spec.app.port,
        "healthPath": spec.app.health_path,
        "resources": {
            "requests": {"cpu": millicores(spec.compute.cpu), "memory": mebibytes(spec.compute.memory_gb)},
            "limits": {"cpu": millicores(spec.compute.cpu), "memory": mebibytes(spec.compute.memory_gb)},
        },
        "autoscaling": {
            "minReplicas": spec.compute.min_replicas,
            "maxReplicas": spec.compute.max_replicas,
            "targetCPUUtilizationPercentage": 70,
        },
        "podDisruptionBudget": pdb_values(plan),
        "service": service_values(plan),
        "ingress": {
            "enabled": spec.app.exposure == Exposure.public,
            "className": "nginx",
            "host": f"{spec.name}.{settings.ingress_domain}",
            "tlsSecretName": f"{spec.name}-tls",
        },
        "serviceAccount": {"annotations": {}},
        "podLabels": {"azure.workload.identity/use": "true"} if spec.cloud == Cloud.azure else {},
        "securityContext": {"runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001},
        "networkPolicy": {
            "ingressControllerNamespace": INGRESS_CONTROLLER_NAMESPACE,
            "dataServiceCidrs": DATA_SERVICE_CIDRS[spec.cloud],
            "dataServicePorts": ports,
            "nodeCidrs": DATA_SERVICE_CIDRS[spec.cloud],  # the nodes (a node-local agent's host IP) live there
        },
        "externalSecret": {
            "refreshInterval": "1h",
            "remoteKey": connection_secret_name(spec),
            "managedSecrets": {},
            "provider": secret_store_provider(plan),
            "extraStores": {},
        },
        "secretEnv": setting_names(spec),
        "terminationGracePeriodSeconds": 60 if spec.tier == Tier.prod else 30,
        "workers": [{"name": w.name, "command": list(w.command)} for w in spec.workers],
        "monitoring": monitoring_values(plan),
    }
