"""values.yaml: every value that depends on the request lives here (templates are fixed text)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.settings import Settings
from bot.spec import Tier
from generators.helm.connections import SECRET_STORE, connections, remote_secret_name

DEFAULT_IMAGE_TAG = "0.1.0"
INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx"


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


def build_values(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The chart's values for this plan."""
    spec = plan.spec
    conns = connections(spec)
    ports = sorted({c.port for c in conns} | {443})
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
        "service": {"port": 80},
        "ingress": {
            "className": "nginx",
            "host": f"{spec.name}.{settings.ingress_domain}",
            "tlsSecretName": f"{spec.name}-tls",
        },
        "serviceAccount": {"annotations": {}},
        "securityContext": {"runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001},
        "networkPolicy": {
            "ingressControllerNamespace": INGRESS_CONTROLLER_NAMESPACE,
            "egressPorts": ports,
        },
        "externalSecret": {
            "refreshInterval": "1h",
            "storeName": SECRET_STORE[spec.cloud],
            "remoteKey": remote_secret_name(spec),
        },
        "secretEnv": [c.env for c in conns],
        "terminationGracePeriodSeconds": 60 if spec.tier == Tier.prod else 30,
    }
