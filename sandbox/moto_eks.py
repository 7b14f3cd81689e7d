"""EKS APIs moto 5 lacks, served in memory by the apply tests' moto server (see docs/aws.md, moto gaps):
managed add-ons, access entries with their access policies, and Pod Identity associations. CreateCluster also
creates the cluster security group EKS makes (moto reports an empty `clusterSecurityGroupId`), and DeleteCluster
removes it.

`patch()` adds their URL paths to moto's EKS routes; each request is answered from module-level dicts
(one moto server process serves one test environment)."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any
from urllib.parse import unquote, urlparse

ACCOUNT = "123456789012"
ADDON_VERSION = "v1.0.0-eksbuild.1"
_ADDONS: dict[tuple[str, str], dict[str, Any]] = {}
_ENTRIES: dict[tuple[str, str], dict[str, Any]] = {}
_POLICIES: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
_ASSOCIATIONS: dict[tuple[str, str], dict[str, Any]] = {}

Response = tuple[int, dict[str, str], str]


def _ok(body: dict[str, Any]) -> Response:
    return 200, {"Content-Type": "application/json"}, json.dumps(body)


def _not_found(what: str) -> Response:
    return 404, {"x-amzn-ErrorType": "ResourceNotFoundException", "Content-Type": "application/json"}, \
        json.dumps({"message": f"{what} not found"})


def _region(url: str) -> str:
    match = re.search(r"eks\.([a-z0-9-]+)\.amazonaws", url)
    return match.group(1) if match else "us-east-1"


def _body(request: Any) -> dict[str, Any]:
    data = request.data if hasattr(request, "data") else request.body
    return json.loads(data or b"{}")


def addons(request: Any, full_url: str, headers: Any) -> Response:
    """/clusters/{name}/addons[/{addonName}[/update]]"""
    parts = [unquote(p) for p in urlparse(full_url).path.split("/") if p]
    cluster, rest = parts[1], parts[3:]
    if request.method == "POST" and not rest:
        body = _body(request)
        name = body["addonName"]
        addon = {"addonName": name, "clusterName": cluster, "status": "ACTIVE",
                 "addonVersion": body.get("addonVersion") or ADDON_VERSION,
                 "addonArn": f"arn:aws:eks:{_region(full_url)}:{ACCOUNT}:addon/{cluster}/{name}/{uuid.uuid4()}",
                 "createdAt": time.time(), "modifiedAt": time.time(), "tags": body.get("tags") or {},
                 "configurationValues": body.get("configurationValues", ""), "health": {"issues": []}}
        _ADDONS[(cluster, name)] = addon
        return _ok({"addon": addon})
    if request.method == "GET" and not rest:
        return _ok({"addons": sorted(name for (c, name) in _ADDONS if c == cluster)})
    addon = _ADDONS.get((cluster, rest[0]))
    if addon is None:
        return _not_found(f"addon {rest[0]}")
    if request.method == "DELETE":
        del _ADDONS[(cluster, rest[0])]
    elif request.method == "POST":  # UpdateAddon
        body = _body(request)
        addon.update({k: body[k] for k in ("addonVersion", "configurationValues") if body.get(k) is not None})
        return _ok({"update": {"id": str(uuid.uuid4()), "status": "Successful", "type": "AddonUpdate"}})
    return _ok({"addon": addon})


def access_entries(request: Any, full_url: str, headers: Any) -> Response:
    """/clusters/{name}/access-entries[/{principalArn}[/access-policies[/{policyArn}]]]"""
    path = urlparse(full_url).path
    match = re.match(r"^/clusters/([^/]+)/access-entries/?(.*?)(?:/access-policies/?(.*))?$", path)
    if match is None:
        return _not_found("path")
    cluster, principal, policy = match.group(1), unquote(match.group(2)), unquote(match.group(3) or "")
    policies_path = "/access-policies" in path
    if request.method == "POST" and not principal:
        body = _body(request)
        principal = body["principalArn"]
        entry = {"clusterName": cluster, "principalArn": principal,
                 "kubernetesGroups": body.get("kubernetesGroups", []),
                 "accessEntryArn": f"arn:aws:eks:{_region(full_url)}:{ACCOUNT}:access-entry/{cluster}/{uuid.uuid4()}",
                 "createdAt": time.time(), "modifiedAt": time.time(), "tags": body.get("tags") or {},
                 "username": body.get("username") or principal, "type": body.get("type", "STANDARD")}
        _ENTRIES[(cluster, principal)] = entry
        return _ok({"accessEntry": entry})
    if (cluster, principal) not in _ENTRIES:
        return _not_found(f"access entry {principal}")
    if policies_path:
        associated = _POLICIES.setdefault((cluster, principal), {})
        if request.method == "POST":
            body = _body(request)
            item = {"policyArn": body["policyArn"], "accessScope": body.get("accessScope", {"type": "cluster"}),
                    "associatedAt": time.time(), "modifiedAt": time.time()}
            associated[body["policyArn"]] = item
            return _ok({"clusterName": cluster, "principalArn": principal, "associatedAccessPolicy": item})
        if request.method == "DELETE":
            associated.pop(policy, None)
            return _ok({})
        return _ok({"clusterName": cluster, "principalArn": principal,
                    "associatedAccessPolicies": list(associated.values())})
    if request.method == "DELETE":
        _POLICIES.pop((cluster, principal), None)
        return _ok({"accessEntry": _ENTRIES.pop((cluster, principal))})
    return _ok({"accessEntry": _ENTRIES[(cluster, principal)]})


def pod_identity(request: Any, full_url: str, headers: Any) -> Response:
    """/clusters/{name}/pod-identity-associations[/{associationId}]"""
    parts = [unquote(p) for p in urlparse(full_url).path.split("/") if p]
    cluster, rest = parts[1], parts[3:]
    if request.method == "POST" and not rest:
        body = _body(request)
        ident = "a-" + uuid.uuid4().hex[:17]
        item = {"clusterName": cluster, "namespace": body["namespace"], "serviceAccount": body["serviceAccount"],
                "roleArn": body["roleArn"], "associationId": ident, "tags": body.get("tags") or {},
                "associationArn": f"arn:aws:eks:{_region(full_url)}:{ACCOUNT}:podidentityassociation/{cluster}/{ident}",
                "createdAt": time.time(), "modifiedAt": time.time(), "disableSessionTags": False}
        _ASSOCIATIONS[(cluster, ident)] = item
        return _ok({"association": item})
    if request.method == "GET" and not rest:
        return _ok({"associations": [a for (c, _), a in _ASSOCIATIONS.items() if c == cluster]})
    item = _ASSOCIATIONS.get((cluster, rest[0]))
    if item is None:
        return _not_found(f"association {rest[0]}")
    if request.method == "DELETE":
        del _ASSOCIATIONS[(cluster, rest[0])]
    elif request.method == "POST":
        item["roleArn"] = _body(request).get("roleArn", item["roleArn"])
    return _ok({"association": item})


def _with_cluster_security_group(create):
    def create_cluster(self, *args, **kwargs):
        from moto.ec2.models import ec2_backends  # deferred: moto is only needed when the sandbox serves AWS

        cluster = create(self, *args, **kwargs)
        ec2 = ec2_backends[self.account_id][self.region_name]
        subnets = cluster.resources_vpc_config.get("subnetIds") or []
        vpc_id = ec2.get_subnet(subnets[0]).vpc_id if subnets else None
        group = ec2.create_security_group(name=f"eks-cluster-sg-{cluster.name}", vpc_id=vpc_id,
                                          description="EKS created security group applied to ENI")
        cluster.resources_vpc_config["clusterSecurityGroupId"] = group.id
        return cluster
    return create_cluster


def _without_cluster_security_group(delete):
    def delete_cluster(self, name):
        from moto.ec2.models import ec2_backends  # deferred: moto is only needed when the sandbox serves AWS

        cluster = delete(self, name)
        group = (cluster.resources_vpc_config or {}).get("clusterSecurityGroupId")
        if group:
            ec2_backends[self.account_id][self.region_name].delete_security_group(group_id=group)
        return cluster
    return delete_cluster


def patch() -> None:
    """Route the missing EKS APIs to the handlers above; give clusters their security group."""
    from moto.eks import models, urls  # deferred: moto is only needed when the sandbox serves AWS

    models.EKSBackend.create_cluster = _with_cluster_security_group(models.EKSBackend.create_cluster)
    models.EKSBackend.delete_cluster = _without_cluster_security_group(models.EKSBackend.delete_cluster)

    urls.url_paths.update({
        "{0}/clusters/(?P<name>[^/]+)/addons$": addons,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addon>[^/]+)$": addons,
        "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addon>[^/]+)/update$": addons,
        "{0}/clusters/(?P<name>[^/]+)/access-entries$": access_entries,
        "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<rest>.+)$": access_entries,
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$": pod_identity,
        "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<association>[^/]+)$": pod_identity,
    })
