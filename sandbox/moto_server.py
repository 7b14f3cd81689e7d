"""A moto server for the apply tests, with fixes for ElastiCache APIs moto 5 gets wrong or lacks.

Run as `python -m sandbox.moto_server -p PORT`. Patched (see docs/aws.md):
- DeleteCacheCluster and DeleteReplicationGroup only mark the resource "deleting" and never remove it,
  so `terraform destroy` waits until its timeout; here they remove it (the response still says "deleting").
- DeleteCacheSubnetGroup is not implemented; here it removes the group.
- CreateReplicationGroup ignores NumCacheClusters (one member unless ReplicasPerNodeGroup is given), so a
  two-node group re-plans dirty; here NumCacheClusters sets the replicas.
- CreateReplicationGroup lists member clusters that DescribeCacheClusters does not know, so the provider's
  read fails with CacheClusterNotFound; here the member clusters are created with the group.
- S3 PutBucketLogging crashes on a target-bucket policy whose statement has `"Principal": "*"` (our
  TLS-only deny) and accepts only a policy resource of exactly `<bucket>/<prefix>*`; here any Allow of
  s3:PutObject for logging.s3.amazonaws.com under the bucket counts.
- Application Auto Scaling has no ListTagsForResource/TagResource (HTTP 500, retried for minutes);
  here scalable targets report and accept tags (kept in memory).
- ElastiCache user groups (CreateUserGroup, DescribeUserGroups, ModifyUserGroup, DeleteUserGroup) are not
  implemented, and tagging rejects their ARNs; here they and their tags are kept in memory.
- EKS add-ons, access entries and Pod Identity associations are not implemented; sandbox/moto_eks.py.
- EC2 CreateLaunchTemplate copies the template's own tags into its launch data (a tag specification of
  type launch-template), which re-plans dirty; here they are kept off the launch data.
- EC2 MonitorInstances/UnmonitorInstances are not implemented (HTTP 500, retried for minutes), which
  blocks every `aws_instance` with detailed monitoring; here they report the requested state.
- The provider revokes a new security group's default allow-all egress rule; when that call is retried (a
  connection dropped by the busy server after moto had already removed the rule) moto answers
  InvalidPermission.NotFound and the apply fails (seen once in CI under load); here revoking an absent
  default rule is done, as the first attempt was.
- RDS gives every DB instance the same DbiResourceId, and a read replica is a copy of its source, so the
  provider's read by resource id finds two instances ("couldn't find resource"); here each instance, and
  each replica, gets its own.
- CloudFront reports legacy `ForwardedValues` on a cache behaviour that names a cache policy, and
  `CloudFrontDefaultCertificate: true` next to an ACM certificate, so a distribution re-plans dirty; here the
  behaviour has no ForwardedValues and the default certificate is off when a certificate is named (as AWS does).
"""

from __future__ import annotations

import inspect
import json
import os
import sys

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.cloudfront import models as cloudfront_models
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.exceptions import InvalidPermissionNotFoundError
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ec2.responses.monitoring import Monitoring
from moto.elasticache import models, responses
from moto.elasticache.exceptions import CacheClusterNotFound, ElastiCacheException
from moto.moto_api._internal import mock_random
from moto.rds import models as rds_models
from moto.s3.models import FakeBucket
from moto.server import main

from sandbox import moto_eks


def _delete_cache_cluster(self: models.ElastiCacheBackend, cache_cluster_id: str) -> models.CacheCluster:
    cluster = self.cache_clusters.pop(cache_cluster_id or "", None)
    if cluster is None:
        raise CacheClusterNotFound(cache_cluster_id)
    cluster.cache_cluster_status = "deleting"
    return cluster


_original_create_replication_group = models.ElastiCacheBackend.create_replication_group
_original_delete_replication_group = models.ElastiCacheBackend.delete_replication_group


def _create_replication_group(self: models.ElastiCacheBackend, *args, **kwargs) -> models.ReplicationGroup:
    group = _original_create_replication_group(self, *args, **kwargs)
    params = {name: None for name in inspect.signature(models.CacheCluster.__init__).parameters if name != "self"}
    for member in group.member_clusters:
        if member in self.cache_clusters:
            continue
        params.update(account_id=self.account_id, region_name=self.region_name, cache_cluster_id=member,
                      cache_node_type=kwargs.get("cache_node_type"), replication_group_id=group.replication_group_id,
                      engine="redis", engine_version=kwargs.get("engine_version"), num_cache_nodes=1,
                      cache_subnet_group_name=kwargs.get("cache_subnet_group_name"),
                      security_group_ids=kwargs.get("security_group_ids"), log_delivery_configurations=[], tags=[],
                      port=kwargs.get("port"))
        self.cache_clusters[member] = models.CacheCluster(**params)
    return group


_original_members_disabled = models.ReplicationGroup._set_node_members_clusters_disabled


def _members_disabled(self: models.ReplicationGroup, *args, **kwargs) -> None:
    if not kwargs.get("replicas_per_node_group") and (kwargs.get("num_cache_clusters") or 1) > 1:
        kwargs["replicas_per_node_group"] = kwargs["num_cache_clusters"] - 1
    _original_members_disabled(self, *args, **kwargs)


def _delete_replication_group(self: models.ElastiCacheBackend, replication_group_id: str,
                              retain_primary_cluster: bool | None) -> models.ReplicationGroup:
    members = list(self.replication_groups[replication_group_id].member_clusters) \
        if replication_group_id in self.replication_groups else []
    group = _original_delete_replication_group(self, replication_group_id, retain_primary_cluster)
    self.replication_groups.pop(replication_group_id, None)
    for member in members:
        self.cache_clusters.pop(member, None)
    return group


def _delete_cache_subnet_group_response(self: responses.ElastiCacheResponse) -> EmptyResult:
    self.elasticache_backend.cache_subnet_groups.pop(self._get_param("CacheSubnetGroupName"), None)
    return EmptyResult()


class UserGroupNotFound(ElastiCacheException):
    code = "UserGroupNotFound"


_USER_GROUPS: dict[str, dict] = {}
_TAGS: dict[str, dict[str, str]] = {}  # tags of user groups (moto's tagging rejects their ARNs)
_original_list_tags = responses.ElastiCacheResponse.list_tags_for_resource
_original_add_tags = responses.ElastiCacheResponse.add_tags_to_resource
_original_remove_tags = responses.ElastiCacheResponse.remove_tags_from_resource


def _tag_list(arn: str) -> ActionResult:
    return ActionResult({"TagList": [{"Key": k, "Value": v} for k, v in _TAGS.get(arn, {}).items()]})


def _list_tags(self: responses.ElastiCacheResponse) -> ActionResult:
    arn = self._get_param("ResourceName")
    return _tag_list(arn) if ":usergroup:" in arn else _original_list_tags(self)


def _add_tags(self: responses.ElastiCacheResponse) -> ActionResult:
    arn = self._get_param("ResourceName")
    if ":usergroup:" not in arn:
        return _original_add_tags(self)
    _TAGS.setdefault(arn, {}).update({t["Key"]: t["Value"] for t in self._get_param("Tags", [])})
    return _tag_list(arn)


def _remove_tags(self: responses.ElastiCacheResponse) -> ActionResult:
    arn = self._get_param("ResourceName")
    if ":usergroup:" not in arn:
        return _original_remove_tags(self)
    for key in self._get_param("TagKeys", []):
        _TAGS.get(arn, {}).pop(key, None)
    return _tag_list(arn)


def _create_user_group(self: responses.ElastiCacheResponse) -> ActionResult:
    group_id = self._get_param("UserGroupId")
    _TAGS[f"arn:aws:elasticache:{self.region}:{self.current_account}:usergroup:{group_id}"] = {
        t["Key"]: t["Value"] for t in self._get_param("Tags", [])}
    group = {"UserGroupId": group_id, "Status": "active", "Engine": self._get_param("Engine"),
             "UserIds": self._get_param("UserIds", []),
             "MinimumEngineVersion": "6.0", "ReplicationGroups": [],
             "ARN": f"arn:aws:elasticache:{self.region}:{self.current_account}:usergroup:{group_id}"}
    _USER_GROUPS[group_id] = group
    return ActionResult(group)


def _describe_user_groups(self: responses.ElastiCacheResponse) -> ActionResult:
    group_id = self._get_param("UserGroupId")
    if group_id and group_id not in _USER_GROUPS:
        raise UserGroupNotFound(f"User group {group_id} not found.")
    groups = [_USER_GROUPS[group_id]] if group_id else list(_USER_GROUPS.values())
    return ActionResult({"UserGroups": groups})


def _modify_user_group(self: responses.ElastiCacheResponse) -> ActionResult:
    group = _USER_GROUPS.get(self._get_param("UserGroupId"))
    if group is None:
        raise UserGroupNotFound("User group not found.")
    add = self._get_param("UserIdsToAdd", [])
    remove = self._get_param("UserIdsToRemove", [])
    group["UserIds"] = [u for u in group["UserIds"] if u not in remove] + [u for u in add if u not in group["UserIds"]]
    return ActionResult(group)


def _delete_user_group(self: responses.ElastiCacheResponse) -> ActionResult:
    group = _USER_GROUPS.pop(self._get_param("UserGroupId"), None)
    if group is None:
        raise UserGroupNotFound("User group not found.")
    return ActionResult({**group, "Status": "deleting"})


def _log_permissions_enabled_policy(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
    policy = json.loads(target_bucket.policy.decode()) if target_bucket.policy else {}
    bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
    for statement in policy.get("Statement", []):
        principal = statement.get("Principal")
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if (isinstance(principal, dict) and principal.get("Service") == "logging.s3.amazonaws.com"
                and statement.get("Effect") == "Allow" and "s3:PutObject" in actions
                and any(r == bucket_arn or r.startswith(bucket_arn + "/") for r in resources)):
            return True
    return False


_AUTOSCALING_TAGS: dict[str, dict[str, str]] = {}


def _autoscaling_list_tags(self: ApplicationAutoScalingResponse) -> str:
    return json.dumps({"Tags": _AUTOSCALING_TAGS.get(self._get_param("ResourceARN"), {})})


def _autoscaling_tag_resource(self: ApplicationAutoScalingResponse) -> str:
    _AUTOSCALING_TAGS.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return json.dumps({})


_original_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def _autoscaling_register(self: ApplicationAutoScalingResponse) -> str:
    result = _original_register_scalable_target(self)
    arn = json.loads(result).get("ScalableTargetARN")
    if arn and self._get_param("Tags"):
        _AUTOSCALING_TAGS.setdefault(arn, {}).update(self._get_param("Tags"))
    return result


_original_create_launch_template = LaunchTemplates.create_launch_template


def _create_launch_template(self: LaunchTemplates) -> object:
    """moto copies the template's own tags (resource type launch-template) into its launch data."""
    result = _original_create_launch_template(self)
    for template in self.ec2_backend.describe_launch_templates(template_names=[self._get_param("LaunchTemplateName")]):
        for version in template.versions:
            specs = version.data.get("TagSpecifications")
            if specs:
                version.data["TagSpecifications"] = [s for s in specs if s.get("ResourceType") != "launch-template"]
    return result


def _monitoring(state: str):
    def respond(self: Monitoring) -> str:
        ids = self._get_param("InstanceIds", [])
        items = "".join(f"<item><instanceId>{i}</instanceId><monitoring><state>{state}</state></monitoring></item>"
                        for i in ids)
        action = "MonitorInstancesResponse" if state == "enabled" else "UnmonitorInstancesResponse"
        return (f'<{action} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>moto</requestId>'
                f"<instancesSet>{items}</instancesSet></{action}>")
    return respond


_original_revoke_egress = SecurityGroupBackend.revoke_security_group_egress


def _revoke_egress(self: SecurityGroupBackend, group_name_or_id: str, ip_protocol: str, from_port: str, to_port: str,
                   ip_ranges: list, *args, **kwargs) -> None:
    """A retried revoke of the default allow-all egress rule finds it gone: that is success, not NotFound."""
    try:
        _original_revoke_egress(self, group_name_or_id, ip_protocol, from_port, to_port, ip_ranges, *args, **kwargs)
    except InvalidPermissionNotFoundError:
        default = ip_protocol == "-1" and [r.get("CidrIp") for r in ip_ranges] == ["0.0.0.0/0"] and not any(args) \
            and not any(kwargs.get(k) for k in ("source_groups", "prefix_list_ids", "security_rule_ids"))
        if not default:
            raise


def _resource_id() -> str:
    return "db-" + "".join(mock_random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567") for _ in range(26))


_db_instance_init = rds_models.DBInstance.__init__
_create_read_replica = rds_models.RDSBackend.create_db_instance_read_replica


def _db_instance(self: rds_models.DBInstance, *args, **kwargs) -> None:
    _db_instance_init(self, *args, **kwargs)
    self.dbi_resource_id = _resource_id()


def _read_replica(self: rds_models.RDSBackend, db_kwargs: dict) -> rds_models.DBInstance:
    replica = _create_read_replica(self, db_kwargs)
    replica.dbi_resource_id = _resource_id()
    return replica


_cache_behaviour_init = cloudfront_models.DefaultCacheBehaviour.__init__
_viewer_certificate_init = cloudfront_models.ViewerCertificate.__init__


def _cache_behaviour(self: cloudfront_models.DefaultCacheBehaviour, config: dict) -> None:
    _cache_behaviour_init(self, config)
    if config.get("CachePolicyId") and "ForwardedValues" not in config:
        self.forwarded_values = None


def _viewer_certificate(self: cloudfront_models.ViewerCertificate, config: dict) -> None:
    _viewer_certificate_init(self, config)
    if "CloudFrontDefaultCertificate" not in config and (config.get("ACMCertificateArn") or config.get("IAMCertificateId")):
        self.cloud_front_default_certificate = False


def patch() -> None:
    """Apply the fixes to this process's moto."""
    models.ElastiCacheBackend.delete_cache_cluster = _delete_cache_cluster
    models.ElastiCacheBackend.create_replication_group = _create_replication_group
    models.ReplicationGroup._set_node_members_clusters_disabled = _members_disabled
    models.ElastiCacheBackend.delete_replication_group = _delete_replication_group
    responses.ElastiCacheResponse.delete_cache_subnet_group = _delete_cache_subnet_group_response
    responses.ElastiCacheResponse.create_user_group = _create_user_group
    responses.ElastiCacheResponse.describe_user_groups = _describe_user_groups
    responses.ElastiCacheResponse.modify_user_group = _modify_user_group
    responses.ElastiCacheResponse.delete_user_group = _delete_user_group
    responses.ElastiCacheResponse.list_tags_for_resource = _list_tags
    responses.ElastiCacheResponse.add_tags_to_resource = _add_tags
    responses.ElastiCacheResponse.remove_tags_from_resource = _remove_tags
    moto_eks.patch()
    LaunchTemplates.create_launch_template = _create_launch_template
    Monitoring.monitor_instances = _monitoring("enabled")
    Monitoring.unmonitor_instances = _monitoring("disabled")
    ApplicationAutoScalingResponse.list_tags_for_resource = _autoscaling_list_tags
    ApplicationAutoScalingResponse.tag_resource = _autoscaling_tag_resource
    ApplicationAutoScalingResponse.register_scalable_target = _autoscaling_register
    FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)
    SecurityGroupBackend.revoke_security_group_egress = _revoke_egress  # type: ignore[method-assign]
    rds_models.DBInstance.__init__ = _db_instance  # type: ignore[method-assign]
    rds_models.RDSBackend.create_db_instance_read_replica = _read_replica  # type: ignore[method-assign]
    cloudfront_models.DefaultCacheBehaviour.__init__ = _cache_behaviour  # type: ignore[method-assign]
    cloudfront_models.ViewerCertificate.__init__ = _viewer_certificate  # type: ignore[method-assign]


if __name__ == "__main__":
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    patch()
    main(sys.argv[1:])
