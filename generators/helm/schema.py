"""values.schema.json: Helm refuses values that break it (e.g. a `latest` tag or a missing probe path)."""

from __future__ import annotations

from typing import Any

QUANTITY_CPU = r"^[0-9]+m$"
QUANTITY_MEMORY = r"^[0-9]+Mi$"
NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
ENV = r"^[A-Z][A-Z0-9_]*$"
CIDR = r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$"
STORE = r"^[a-z][a-z0-9]{0,15}$"  # an extra SecretStore's short name (externalsecret.yaml)
PROVIDER = {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": {"enum": ["aws", "gcpsm", "azurekv"]}}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required if required is not None else list(properties),
        "properties": properties,
    }


def _resources() -> dict[str, Any]:
    amount = _object({"cpu": {"type": "string", "pattern": QUANTITY_CPU}, "memory": {"type": "string", "pattern": QUANTITY_MEMORY}})
    return _object({"requests": amount, "limits": amount})


def _monitoring() -> dict[str, Any]:
    metric = {"type": "string", "pattern": r"^[a-zA-Z_:][a-zA-Z0-9_:]*$"}
    labels = {"type": "object", "propertyNames": {"pattern": r"^[a-z0-9A-Z._/-]{1,63}$"},
              "additionalProperties": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{0,63}$"}}
    return _object({
        "prometheus": _object({
            "enabled": {"type": "boolean"},
            "namespace": {"type": "string", "pattern": NAME},
            "selectorLabels": labels,
            "metricsPath": {"type": "string", "pattern": r"^/[A-Za-z0-9._~/-]*$"},
            "interval": {"type": "string", "pattern": r"^[0-9]+[sm]$"},
            "requestsMetric": metric,
            "statusLabel": {"type": "string", "pattern": r"^[a-zA-Z_][a-zA-Z0-9_]*$"},
            "durationMetric": metric,
            "errorRatio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "latencySeconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 60},
        }),
        "grafana": _object({
            "sidecarLabel": {"type": "string", "pattern": r"^[a-z0-9A-Z._/-]{1,63}$"},
            "sidecarLabelValue": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{0,63}$"},
        }),
        "datadog": _object({"enabled": {"type": "boolean"}}),
        "newrelic": _object({"enabled": {"type": "boolean"},
                             "appName": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9 ()-]{0,200}$"}}),
    })


def build_schema() -> dict[str, Any]:
    """The JSON Schema of values.yaml (same for every environment)."""
    port = {"type": "integer", "minimum": 1, "maximum": 65535}
    replicas = {"type": "integer", "minimum": 1, "maximum": 100}
    schema = _object(
        {
            "image": _object(
                {
                    "repository": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9._/-]*$"},
                    "tag": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,128}$", "not": {"const": "latest"}},
                    "digest": {"type": "string", "pattern": r"^(sha256:[a-f0-9]{64})?$"},
                    "pullPolicy": {"enum": ["Always"]},
                }
            ),
            "environment": {"type": "string", "pattern": NAME},
            "tier": {"enum": ["dev", "staging", "prod"]},
            "containerPort": {"type": "integer", "minimum": 1024, "maximum": 65535},
            "healthPath": {"type": "string", "pattern": r"^/[A-Za-z0-9._~/-]*$"},
            "resources": _resources(),
            "autoscaling": _object(
                {
                    "minReplicas": replicas,
                    "maxReplicas": replicas,
                    "targetCPUUtilizationPercentage": {"type": "integer", "minimum": 10, "maximum": 95},
                }
            ),
            "podDisruptionBudget": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "maxProperties": 1,
                "properties": {"minAvailable": {"type": "integer", "minimum": 1}, "maxUnavailable": {"type": "integer", "minimum": 1}},
            },
            "service": _object({
                "port": port,
                "type": {"enum": ["ClusterIP", "LoadBalancer"]},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
                "loadBalancerSourceRanges": {"type": "array", "items": {"type": "string", "pattern": CIDR}},
            }),
            "ingress": _object(
                {
                    "enabled": {"type": "boolean"},
                    "className": {"type": "string", "pattern": NAME},
                    "host": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
                    "tlsSecretName": {"type": "string", "pattern": NAME},
                }
            ),
            "serviceAccount": _object({"annotations": {"type": "object", "additionalProperties": {"type": "string"}}}),
            "podLabels": {"type": "object", "additionalProperties": {"type": "string"}},
            "securityContext": _object(
                {k: {"type": "integer", "minimum": 10000} for k in ("runAsUser", "runAsGroup", "fsGroup")}
            ),
            "networkPolicy": _object(
                {
                    "ingressControllerNamespace": {"type": "string", "pattern": NAME},
                    "dataServiceCidrs": {"type": "array", "items": {"type": "string", "pattern": CIDR}},
                    "dataServicePorts": {"type": "array", "items": port, "uniqueItems": True},
                    "nodeCidrs": {"type": "array", "items": {"type": "string", "pattern": CIDR}},
                }
            ),
            "externalSecret": _object(
                {
                    "refreshInterval": {"type": "string", "pattern": r"^[0-9]+[smh]$"},
                    "remoteKey": {"type": "string", "pattern": NAME},
                    "managedSecrets": {"type": "object", "propertyNames": {"pattern": ENV}, "additionalProperties": {
                        "type": "object", "additionalProperties": False, "required": ["key"],
                        "properties": {"key": {"type": "string", "minLength": 1}, "property": {"type": "string"},
                                       "store": {"type": "string", "pattern": STORE}}}},
                    "provider": PROVIDER,
                    "extraStores": {"type": "object", "propertyNames": {"pattern": STORE},
                                    "additionalProperties": PROVIDER},
                }
            ),
            "secretEnv": {"type": "array", "items": {"type": "string", "pattern": ENV}, "uniqueItems": True},
            "terminationGracePeriodSeconds": {"type": "integer", "minimum": 0, "maximum": 600},
            "workers": {"type": "array", "maxItems": 5, "items": _object({
                "name": {"type": "string", "pattern": NAME},
                "command": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Za-z0-9._:/=@-]{1,100}$"}},
            })},
            "monitoring": _monitoring(),
        }
    )
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "dev-agent app chart values"
    return schema
