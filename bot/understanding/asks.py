"""Asks people write that are not (or not only) spec fields: compliance, monitoring wiring, secrets tools,
platform add-ons, components. Each row says how dev-agent handles the ask on each cloud.

A row is `honoured` on the clouds in `clouds` (the generated files must then show `evidence`, or the ledger
downgrades it), `adjusted` where `adjusted` explains what is built instead, and otherwise `unsupported`
with `why`: a risk the reviewer must accept, or, when `ask` is set, a question to the requester. Patterns
are lowercase regex fragments matched on word boundaries. Extending the vocabulary means adding rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALL = frozenset({"aws", "gcp", "azure"})
NONE: frozenset[str] = frozenset()

# Regexes over generated files that show an ask was built (matched per line).
TF_LOGS = r'^resource "(aws_cloudwatch_log_group|google_logging_project_bucket_config|azurerm_log_analytics_workspace)"'
TF_SECRETS = (
    r'^resource "(aws_secretsmanager_secret|google_secret_manager_secret|azurerm_key_vault)"'
    r"|manage_master_user_password\s*=\s*true"
)
TF_KMS = r'^resource "(aws_kms_key|azurerm_key_vault)"'
TF_WAF = r'^resource "(aws_wafv2_web_acl|google_compute_security_policy|azurerm_cdn_frontdoor_firewall_policy)"'
TF_FLOW_LOGS = r'^resource "aws_flow_log"'
HELM_NETPOL = r"^kind: NetworkPolicy"
HELM_EXTERNAL_SECRET = r"^kind: ExternalSecret"
TF_AUTOSCALING = r'^resource "(aws_appautoscaling_policy)"|^kind: HorizontalPodAutoscaler'
# An internal app's entry point: AWS internal ALB, Cloud Run / Cloud Functions internal ingress, an internal Container
# Apps environment, a GCP VM's VPC-only port rule, the chart's internal load balancer annotation (values.yaml), an
# Azure function app's private endpoint.
TF_INTERNAL = (
    r"^\s*internal\s*=\s*true",
    r"ingress(?:_settings)?\s*=\s*\"(?:INGRESS_TRAFFIC_INTERNAL_ONLY|ALLOW_INTERNAL_ONLY)\"",
    r"^\s*internal_load_balancer_enabled\s*=\s*true",
    r"Internal app: its port from inside the V(?:PC|Net) only",
    r"load-balancer-internal: 'true'|load-balancer-type: Internal|load-balancer-scheme: internal",
    r'^resource "azurerm_private_endpoint" "function_app"',
)
# Workers and scheduled jobs: ECS / Container Apps worker services, Cloud Run worker pools, the chart's workers list,
# and the schedulers (EventBridge Scheduler, Cloud Scheduler, Container Apps jobs, an Azure timer's SCHEDULE setting).
TF_WORKERS = (
    r'^resource "(aws_ecs_service|azurerm_container_app|google_cloud_run_v2_worker_pool)" "worker_',
    r'^resource "(aws_scheduler_schedule|google_cloud_scheduler_job|azurerm_container_app_job)"',
    r"^workers:\n\s*- name: ",
    r"^\s*SCHEDULE\s*=\s*\"",
)
WORKFLOW = r"^on:|^\"on\":"
COMPOSE = r"^services:"


def on_kubernetes(data: dict[str, Any]) -> bool:
    """The spec runs on Kubernetes (the Helm chart exists)."""
    return (data.get("compute") or {}).get("kind") == "kubernetes"


def on_ecs(data: dict[str, Any]) -> bool:
    """The spec runs as ECS services (AWS containers: generators/terraform/aws/apm.py wires APM agents)."""
    return data.get("cloud") == "aws" and (data.get("compute") or {}).get("kind", "containers") == "containers"


def on_aws_function_or_vm(data: dict[str, Any]) -> bool:
    """A Lambda function or EC2 VMs (the extension's settings / the agent in the user data: aws/apm.py, vm_agents.py)."""
    return data.get("cloud") == "aws" and (data.get("compute") or {}).get("kind") in {"functions", "vm"}


def on_vm(data: dict[str, Any]) -> bool:
    """VMs on any cloud (the agent in the boot script: generators/terraform/vm_agents.py)."""
    return (data.get("compute") or {}).get("kind") == "vm"


def newrelic_built(data: dict[str, Any]) -> bool:
    """New Relic's key from the cloud's secret store: ECS, Lambda and EC2 (aws/apm.py), Kubernetes on every cloud (the
    chart's ExternalSecret), VMs on every cloud."""
    return on_ecs(data) or on_aws_function_or_vm(data) or on_kubernetes(data) or on_vm(data)


def with_replicas(data: dict[str, Any]) -> bool:
    """A database has read replicas (generators/terraform/aws/rds.py)."""
    return any((db or {}).get("read_replicas") for db in data.get("databases") or [])


def alerting(data: dict[str, Any]) -> bool:
    """Alarms are generated: CloudWatch alarms (cloudwatch listed, or prod on AWS: generators/terraform/aws/alarms.py),
    Cloud Monitoring alert policies / Azure Monitor metric alerts (prod on GCP / Azure: generators/terraform/{gcp,azure}/
    alarms.py) or the chart's PrometheusRule (prometheus listed, on Kubernetes)."""
    tools = data.get("monitoring") or []
    aws_alarms = data.get("cloud") == "aws" and ("cloudwatch" in tools or data.get("tier") == "prod")
    cloud_alarms = data.get("cloud") in {"gcp", "azure"} and data.get("tier") == "prod"
    return aws_alarms or cloud_alarms or ("prometheus" in tools and on_kubernetes(data))


def waf_built(data: dict[str, Any]) -> bool:
    """A WAF sits on the entry point: every AWS load balancer (containers, VMs, an internal function; alb.tf), a public
    Cloud Run service or Container App (generators/terraform/{gcp,azure}/waf.py); never a scheduled job."""
    compute, app = data.get("compute") or {}, data.get("app") or {}
    kind, public = compute.get("kind", "containers"), app.get("exposure", "public") == "public"
    if compute.get("schedule"):
        return False
    if data.get("cloud") == "aws":
        return bool(kind in {"containers", "vm"} or (kind == "functions" and not public))
    return bool(kind == "containers" and public)


def notifying(data: dict[str, Any]) -> bool:
    """An SNS topic exists: the app's notifications topic (generators/terraform/aws/notifications.py) or the alarms'."""
    return bool(data.get("notifications")) or alerting(data)


@dataclass(frozen=True)
class Ask:
    """One kind of ask and how dev-agent meets it."""

    key: str
    label: str
    pattern: str
    why: str  # when unsupported: what is missing (a risk the reviewer accepts, or the question's premise)
    clouds: frozenset[str] = NONE  # where it is built
    built: Callable[[dict[str, Any]], bool] | None = None  # when set: built only for specs it holds for
    evidence: tuple[str, ...] = ()  # regexes (per line) over generated files that show it built
    # the spec field that records it, a dotted path: `path` a list holding the ask's own name (`compliance: [hipaa]`),
    # `path=value` holding that value, `path?` set to anything (not empty); `a|b` when either does.
    spec_field: str | None = None
    adjusted: str | None = None  # what is built instead, where not built as asked
    ask: str | None = None  # a question to the requester instead of a risk


def _framework(key: str, name: str, pattern: str) -> Ask:
    return Ask(
        f"compliance:{key}",
        f"{name} profile (helps meet {name})",
        pattern,
        f"{name}: the controls dev-agent does not meet are listed under Compliance; the reviewer accepts each gap",
        clouds=ALL,
        spec_field="compliance",
    )


ASKS: tuple[Ask, ...] = (
    # --- compliance frameworks (policies/compliance/<key>.yaml lists the controls) -----------------------------
    _framework("hipaa", "HIPAA", r"hipaa|phi|protected health information|hitech"),
    _framework("pci-dss", "PCI DSS", r"pci(?:[- ]?dss)?(?: level \d)?|cardholder data|card data"),
    _framework("soc2", "SOC 2", r"soc ?2(?: type (?:i{1,2}|1|2))?|soc-2|soc ii"),
    _framework("gdpr", "GDPR", r"gdpr|dsgvo|rgpd|eu data residency|data residency in the eu"),
    _framework("iso27001", "ISO 27001", r"iso[ /-]?27001|iso[ /-]?iec[ /-]?27001|iso 27k"),
    Ask(
        "compliance:fedramp",
        "FedRAMP",
        r"fedramp|govcloud|itar",
        "FedRAMP / GovCloud regions and controls are not offered by dev-agent",
    ),
    # --- monitoring tools (the spec's `monitoring` list keeps the tool) ------------------------------------------
    Ask(
        "monitoring:prometheus",
        "Prometheus metrics",
        r"prometheus",
        "the ServiceMonitor and RED-alert PrometheusRule are generated in the Helm chart, which only Kubernetes "
        "gets; on this compute nothing scrapes the app's metrics",
        clouds=ALL,
        built=on_kubernetes,
        evidence=(r"^kind: ServiceMonitor",),
        spec_field="monitoring",
    ),
    Ask(
        "monitoring:grafana",
        "Grafana dashboards",
        r"grafana",
        "the Grafana dashboard ConfigMap is generated in the Helm chart, which only Kubernetes gets",
        clouds=ALL,
        built=on_kubernetes,
        evidence=(r"grafana\.sidecarLabel",),
        spec_field="monitoring",
    ),
    Ask(
        "monitoring:datadog",
        "Datadog agent",
        r"data ?dog",
        "Datadog wiring is generated for ECS (Agent sidecar), Kubernetes (unified service tags, node-local Agent), "
        "Lambda (extension settings) and VMs (Agent in the boot script); nothing is generated for this runtime",
        clouds=ALL,
        built=lambda data: on_ecs(data) or on_kubernetes(data) or on_aws_function_or_vm(data) or on_vm(data),
        evidence=(r"DD_API_KEY", r"^\s*datadog:\n\s*enabled: true"),
        spec_field="monitoring",
    ),
    Ask(
        "monitoring:newrelic",
        "New Relic agent",
        r"new ?relic",
        "New Relic wiring (license key from the cloud's secret store, app name) is generated for ECS, Lambda, "
        "Kubernetes and VMs on every cloud; nothing is generated for this runtime",
        clouds=ALL,
        built=newrelic_built,
        evidence=(r"NEW_RELIC_LICENSE_KEY",),
        spec_field="monitoring",
    ),
    Ask(
        "monitoring:cloudwatch",
        "CloudWatch alarms",
        r"cloud ?watch(?: alarms?)?",
        "CloudWatch is AWS-only; no alarms are generated on this cloud",
        clouds=frozenset({"aws"}),
        evidence=(r'^resource "aws_cloudwatch_metric_alarm"',),
        spec_field="monitoring",
    ),
    Ask(
        "monitoring:alerts",
        "Alerts / paging",
        r"alerts?|alerting|alarms?|pager ?duty|opsgenie|on-?call|paging|alertas?|alertes?|alarmas?|alarme?n?",
        "no alarms are generated for this environment: list cloudwatch (AWS) or prometheus (Kubernetes) under "
        "monitoring; prod environments get the cloud's alarms on every cloud",
        clouds=ALL,
        built=alerting,
        evidence=(
            r'^resource "(aws_cloudwatch_metric_alarm|google_monitoring_alert_policy|azurerm_monitor_metric_alert)"',
            r"^kind: PrometheusRule",
        ),
    ),
    Ask(
        "monitoring:logs",
        "Centralised logs",
        r"logging|logs|log aggregation|centrali[sz]ed logs?",
        "",
        clouds=ALL,
        evidence=(TF_LOGS,),
    ),
    Ask(
        "monitoring:tracing",
        "Distributed tracing",
        r"tracing|open ?telemetry|otel|jaeger|x-?ray|zipkin",
        "no tracing collector or instrumentation is generated",
    ),
    Ask("monitoring:sentry", "Sentry error tracking", r"sentry", "no Sentry DSN wiring is generated"),
    # --- secrets and platform add-ons -----------------------------------------------------------------------------
    Ask(
        "secrets:vault",
        "HashiCorp Vault",
        r"(?:hashicorp )?vault(?! ?(?:db|database))",
        "secrets live in the cloud's secret manager; no Vault integration is generated",
        adjusted="secrets are kept in the cloud's secret manager "
        "(AWS Secrets Manager / GCP Secret Manager / Azure Key Vault), not Vault",
        ask=None,
    ),
    Ask(
        "secrets:sops",
        "SOPS-encrypted secrets",
        r"sops|sealed[- ]secrets?",
        "no SOPS or sealed-secrets files are generated; secrets live in the cloud's secret manager",
    ),
    Ask(
        "secrets:manager",
        "Cloud secret manager",
        r"secrets? manager|secret store|key ?vault|secret management|managed secrets|secrets",
        "",
        clouds=ALL,
        evidence=(TF_SECRETS,),
    ),
    Ask(
        "secrets:external-secrets",
        "External Secrets Operator",
        r"external[- ]secrets?(?: operator)?|eso",
        "",
        clouds=ALL,
        evidence=(HELM_EXTERNAL_SECRET,),
    ),
    Ask(
        "encryption:cmk",
        "Customer-managed keys",
        r"customer[- ]managed keys?|cmks?|kms|byok|own keys",
        "customer-managed keys are not generated on this cloud",
        clouds=frozenset({"aws", "azure"}),
        evidence=(TF_KMS,),
    ),
    Ask(
        "k8s:cert-manager",
        "cert-manager",
        r"cert[- ]manager|let'?s ?encrypt",
        "no cert-manager Issuer or Certificate is generated",
    ),
    Ask(
        "k8s:rbac",
        "Kubernetes RBAC",
        r"rbac|role[- ]based access(?: control)?|rolebindings?|cluster ?roles?",
        "no Kubernetes Role or RoleBinding for people is generated (the workload gets only its own service account)",
        evidence=(r"^kind: (Role|RoleBinding|ClusterRole)$",),
    ),
    Ask("k8s:network-policy", "Network policies", r"network ?polic(?:y|ies)", "", clouds=ALL, evidence=(HELM_NETPOL,)),
    Ask("k8s:istio", "Service mesh", r"istio|linkerd|service mesh|mtls", "no service mesh is installed or configured"),
    Ask(
        "k8s:argocd",
        "Argo CD / Flux",
        r"argo ?cd|argo workflows|flux ?cd",
        "deployment goes through the generated GitHub Actions workflows, not Argo CD / Flux",
    ),
    Ask(
        "access:team",
        "Access for a team",
        r"(?:give|grant|let)\s+(?:the\s+)?[a-z0-9-]+\s+(?:team|group|squad)(?:\s+members)?\s+"
        r"(?:read[- ]only\s+|admin\s+|write\s+)?access"
        r"|(?:access|permissions?)\s+for\s+(?:the\s+)?[a-z0-9-]+\s+(?:team|group|squad)"
        r"|(?:give|grant|let)\s+(?:the\s+|our\s+)?(?:devs|developers|engineers|ops|sres?|contractors|everyone)\s+"
        r"(?:read[- ]only\s+|admin\s+|write\s+|kubectl\s+|console\s+|cluster\s+)?access"
        r"|(?:kubectl|console|cluster|aws console|portal) access for"
        r"|[a-z0-9-]+\s+(?:team|group|squad)\s+(?:needs?|wants?|should (?:have|get)|gets?)\s+(?:read[- ]only\s+|read\s+|"
        r"write\s+|admin\s+)?access"
        r"|(?:whole|the|our) team (?:should|must|needs? to) be able to (?:view|see|read|access|log ?in)",
        "dev-agent does not grant people access to the cloud account or cluster; grant it in your identity provider",
    ),
    Ask(
        "access:ssh",
        "Shell access to instances",
        r"ssh(?: in(?:to)?| access)?|shell access|log ?in to the (?:box|server|vm)s?|bastion(?: host)?|jump ?box",
        "SSH is opened to VMs only, and only from a named private network ('SSH from 10.0.0.0/8'), never the "
        "internet; otherwise use the cloud's session manager (SSM, IAP, Bastion) or `kubectl exec`",
        clouds=ALL,
        spec_field="compute.ssh_from?",
        evidence=(r"SSH from the networks (?:named in the request|the request named)",
                  r"allow-ssh-from-named-networks"),
    ),
    Ask(
        "network:vpn",
        "VPN / private connectivity",
        r"vpn|direct connect|expressroute|interconnect|transit gateway|vpc peering|peering",
        "no VPN, peering or private interconnect is generated",
    ),
    Ask(
        "network:internal",
        "Internal-only (no public endpoint)",
        r"internal[- ]only|internal (?:(?!(?:for|to|and|or|with|of|on|in|at|by)\b)[\w.+#-]+ ){0,2}?"
        r"(?:app|api|service|tool|dashboard|vm|site|portal)|"
        r"not public(?:ly accessible)?|"
        r"private (?:endpoint|only|api|app)|"
        r"no public (?:endpoint|access|ingress)|behind (?:the |our )?vpn|intranet|(?:for )?internal use(?: only)?|"
        r"nur intern(?: erreichbar)?|s[oó]lo interno|uniquement interne|interne uniquement|"
        r"(?:only|just) (?:for )?(?:our )?(?:employees|staff)|(?:employees|staff) only",
        "the app was not marked internal (`app.exposure: internal`), so it gets a public HTTPS endpoint",
        clouds=ALL,
        spec_field="app.exposure=internal",
        evidence=TF_INTERNAL,
    ),
    Ask(
        "network:domain",
        "Custom domain / DNS",
        r"custom domain|domain name|dns record|route ?53|cloud dns|"
        r"(?<![@\w])(?!(?:asp|ado|vb|socket)\.(?:net|io)\b)\w+(?:[.-]\w+)*\.(?:com|io|dev|net|org|app|ai|cloud|co\.uk)\b(?!/|\.\w)",
        # a host name with its subdomains (shop.example.com), not ASP.NET or socket.io, nor a registry path (ghcr.io/...)
        "no DNS records or custom domain are generated; point your domain at the endpoint by hand",
        evidence=(r'^resource "(aws_route53_record|google_dns_record_set|azurerm_dns_[a-z_]+)"',),
    ),
    Ask(
        "network:tls-cert",
        "TLS certificate",
        r"tls cert(?:ificate)?|ssl cert(?:ificate)?|acm certificate|https certificate",
        "no certificate is issued for a custom domain",
        evidence=(r'^resource "(aws_acm_certificate|google_compute_managed_ssl_certificate)"',),
    ),
    # --- components ---------------------------------------------------------------------------------------------
    Ask(
        "component:aurora",
        "Aurora cluster",
        r"aurora(?: serverless)?(?: (?:postgres(?:ql)?|mysql))?(?: cluster)?",
        "Aurora is generated on AWS only",
        clouds=frozenset({"aws"}),
        spec_field="databases.aurora?",
        evidence=(r'^resource "aws_rds_cluster" ',),
        adjusted="Aurora is an AWS offer: provided as the cloud's managed database of the same engine, without "
        "Aurora readers",
    ),
    Ask(
        "component:read-replicas",
        "Read replicas",
        r"read[- ]replicas?|read[- ]only replicas?|aurora readers?|replicas? for reads|readers? (?:instances?|nodes?)",
        "no read replicas are generated here: `databases[].read_replicas` is offered for PostgreSQL and MySQL on AWS",
        clouds=frozenset({"aws"}),
        built=with_replicas,
        evidence=(r"replicate_source_db|aws_rds_cluster_instance",),
    ),
    Ask(
        "component:redis-cluster",
        "Redis cluster mode",
        r"(?:redis )?cluster mode|clustered redis|redis cluster|sharded redis",
        "Redis cluster mode is generated on AWS (ElastiCache) only; here Redis runs as a single shard",
        clouds=frozenset({"aws"}),
        spec_field="cache.shards?",
        evidence=(r'^\s*cluster_mode\s*=\s*"enabled"',),
    ),
    Ask(
        "component:dynamodb",
        "DynamoDB table",
        r"dynamo ?db|dynamo",
        "DynamoDB is an AWS offer; no table is generated on this cloud",
        clouds=frozenset({"aws"}),
        spec_field="tables?",
        evidence=(r'^resource "aws_dynamodb_table"',),
    ),
    Ask(
        "component:cdn",
        "CDN (CloudFront)",
        r"cloud ?front|cdn|edge cach(?:e|ing)|cloud cdn|front ?door",
        "CloudFront (with a WAF, the load balancer admitting CloudFront only) is generated on AWS for public "
        "containers and VMs; not for Kubernetes (the cluster's controller makes the load balancer after apply), a "
        "public function (its HTTP API takes no WAF and cannot be limited to CloudFront), a scheduled job or an "
        "internal app; no CDN is generated on GCP (no Cloud CDN) or Azure (Front Door is generated only as a WAF's "
        "entry point, `waf`, without caching)",
        clouds=frozenset({"aws"}),
        spec_field="app.cdn?",
        evidence=(r'^resource "aws_cloudfront_distribution"',),
    ),
    Ask(
        "component:waf",
        "Web application firewall",
        r"wafs?|web application firewalls?|cloud armou?r",
        "a WAF is generated in front of AWS load balancers, Cloud Run (Cloud Armor) and Container Apps (Azure Front "
        "Door Premium); this app's entry point gets none (Kubernetes ingress-nginx, VMs, functions, internal apps on "
        "GCP/Azure, scheduled jobs)",
        clouds=ALL,
        built=waf_built,
        evidence=(TF_WAF,),
        spec_field="waf?",
    ),
    Ask(
        "component:notifications",
        "Notifications (SNS / email / Slack)",
        r"sns(?: notifications?| topics?)?|notifications?(?: topics?)?|notify|email alerts?|slack",
        "no notification topic is generated: `notifications: true` (an SNS topic the app publishes to) and the "
        "alarms' SNS topic (emailing `alert_email`, with cloudwatch monitoring or in prod) are AWS only",
        clouds=frozenset({"aws"}),
        built=notifying,
        evidence=(
            r'^resource "(aws_sns_topic|google_pubsub_topic|azurerm_monitor_action_group)" "(alerts|notifications)"',
        ),
    ),
    Ask(
        "component:spot",
        "Spot / preemptible capacity",
        r"spot(?: instances?| capacity| nodes?)?|preemptible|fargate spot",
        "on-demand capacity is generated (no spot / preemptible)",
        evidence=(r"FARGATE_SPOT|capacity_type\s*=\s*\"SPOT\"|spot\s*=\s*true",),
    ),
    Ask(
        "component:worker",
        "Background workers",
        r"celery|sidekiq|resque|rq workers?|bullmq|hangfire|background (?:jobs?|workers?|tasks?)|workers?",
        "no worker or schedule was recognised (`workers`, `compute.schedule`); only the web process is generated",
        clouds=ALL,
        spec_field="workers?|compute.schedule?",
        evidence=TF_WORKERS,
    ),
    Ask(  # the same key: a schedule is met only by `compute.schedule` (a worker is no scheduled job)
        "component:worker",
        "Scheduled job",
        r"cron ?jobs?|scheduled (?:jobs?|tasks?)|(?:nightly|hourly|daily|weekly) (?:batch )?(?:jobs?|tasks?|exports?|runs?)|"
        r"nightly|every night|batch jobs?|every \d{1,2} (?:minutes?|mins?|hours?)|every (?:minute|hour)",
        "no schedule was applied: a scheduled job next to an app that serves requests is not generated "
        "(`compute.schedule` runs the whole app as the job, with no endpoint); ask for a separate environment for it",
        clouds=ALL,
        spec_field="compute.schedule?",
        evidence=TF_WORKERS,
    ),
    Ask(
        "component:backups",
        "Backups",
        r"backups?|point[- ]in[- ]time recovery|pitr|snapshots?|copias? de seguridad|sauvegardes?|datensicherungs?",
        "",
        clouds=ALL,
        evidence=(
            r"backup_retention_period\s*=\s*[1-9]|backup_configuration|backup_retention_days|point_in_time_recovery",
        ),
    ),
    Ask(
        "component:multi-region",
        "Multi-region / disaster recovery",
        r"multi[- ]region|cross[- ]region|disaster recovery|\bdr\b|geo[- ]redundan\w*|active[- ]active",
        "one environment lives in one region; no cross-region replica or failover is generated",
    ),
    Ask(
        "component:autoscaling",
        "Autoscaling",
        r"auto-?scal\w*|scale (?:out|automatically)|hpa",
        "",
        clouds=ALL,
        evidence=(TF_AUTOSCALING, r"^resource \"(google_cloud_run_v2_service|azurerm_container_app)\""),
    ),
    Ask(
        "delivery:ci",
        "CI/CD pipeline",
        r"ci ?/ ?cd|ci pipeline|cd pipeline|github actions|deploy pipeline|pipelines?",
        "",
        clouds=ALL,
        evidence=(WORKFLOW,),
    ),
    Ask(
        "local:docker",
        "Local Docker environment",
        r"docker[- ]compose|compose file|local(?:ly)? (?:docker|dev(?:elopment)?|environment|setup)|"
        r"run it locally|on my laptop",
        "",
        clouds=ALL,
        evidence=(COMPOSE,),
    ),
    # --- asks met by defaults, or not built (found by trying requests as users write them) -----------------------
    Ask(
        "network:private-data",
        "Private network access to data services",
        r"private (?:endpoints|networking|link)|privatelink|vpc endpoints?|no public (?:database|db|ip)s?|"
        r"lock (?:it|this|everything) down",
        "no data service is generated here to keep off the internet",
        clouds=ALL,
        evidence=(r"publicly_accessible\s*=\s*false|public_network_access_enabled\s*=\s*false|ipv4_enabled\s*=\s*false",),
    ),
    Ask(
        "network:existing",
        "Existing VPC / network / cluster",
        r"existing (?:vpc|vnet|network|subnets?|cluster|eks cluster|gke cluster|aks cluster|k8s cluster)|"
        r"(?:our|the company'?s?) (?:own |shared )?(?:vpc|vnet)|shared vpc|vpc-[0-9a-f]{6,17}",
        "every environment gets its own new network (and cluster); joining an existing VPC, VNet or cluster is "
        "not generated",
    ),
    Ask(
        "network:rate-limit",
        "Rate limiting",
        r"rate[- ]limit(?:s|ing|ed)?|throttl(?:e|ing)|requests? per (?:second|minute)",
        "no per-client request-rate rule is generated (the WAF, where there is one, has managed rule sets only)",
    ),
    Ask(
        "availability:sla",
        "Uptime target / SLA",
        r"\d{2}(?:\.\d+)?\s?% (?:uptime|availability|sla)(?: sla)?|uptime (?:sla|target|guarantee)|sla|"
        r"(?:three|four|five) nines",
        "dev-agent makes no uptime commitment: each managed service has its cloud's own SLA; prod gets Multi-AZ "
        "databases and replicas across zones, nothing more is generated for a target",
    ),
    Ask(
        "delivery:progressive",
        "Blue/green or canary deploys",
        r"blue[ /-]?green(?: deploy(?:s|ments?)?)?|canary(?: deploy(?:s|ments?)?| releases?)?|traffic shifting",
        "deploys are rolling updates (ECS, Kubernetes, Cloud Run revisions, Container Apps); no blue/green or "
        "canary traffic shifting is generated",
    ),
    Ask(
        "compute:gpu",
        "GPU capacity",
        r"gpus?|nvidia|cuda",
        "no GPU instances, node pools or accelerators are generated",
    ),
    Ask(
        "compute:machine-type",
        "A named machine type / node count",
        r"[a-z]\d[a-z]{0,3}\.(?:nano|micro|small|medium|large|\d{0,2}xlarge|metal)|"
        r"(?:n1|n2|n2d|e2|c2|c3|t2d)-(?:standard|highmem|highcpu)-\d{1,3}|e2-(?:micro|small|medium)|"
        r"standard_[a-z]\d{1,3}[a-z_0-9]*|\d{1,3} (?:worker |k8s |kubernetes |cluster )?nodes|node count",
        "",
        adjusted="the machine type and node count are chosen from `compute.cpu` / `compute.memory_gb`, the replicas "
        "and the budget (see the plan); name the size instead ('4 vCPU, 16 GB RAM')",
    ),
    Ask(
        "tagging:custom",
        "Custom resource tags",
        r"cost[- ]cent(?:er|re)s?|custom tags?|cost allocation tags?|tag (?:everything|all resources|each resource)|"
        r"tagged with",
        "resources carry dev-agent's own tags (environment, service, owner, tier, expiry); custom tags are not "
        "generated",
    ),
    Ask(
        "monitoring:appinsights",
        "Application Insights",
        r"app(?:lication)? insights|azure monitor",
        "no Application Insights resource or SDK wiring is generated (Azure Monitor metric alerts come with prod)",
    ),
    Ask(
        "database:atlas",
        "MongoDB Atlas",
        r"(?:mongo(?:db)? )?atlas",
        "MongoDB Atlas is a third-party service dev-agent does not provision",
        adjusted="MongoDB Atlas is a third-party service dev-agent does not provision: the cloud's MongoDB-compatible "
        "database is generated instead (Amazon DocumentDB, Azure Cosmos DB for MongoDB)",
    ),
    Ask(
        "component:backup-retention",
        "A backup schedule / retention length",
        r"backups? (?:for|kept for|retained for|retention (?:of|for))\s+\d{1,4}\s*(?:days?|weeks?|months?|years?)|"
        r"\d{1,4}[- ]days? (?:of )?backups?|backup retention (?:of |for )?\d{1,4}\s*(?:days?|weeks?|months?)|"
        r"backups? (?:every|each) (?:\d{1,2} ?)?(?:hours?|hrs?|minutes?|mins?)|hourly backups?",
        "",
        adjusted="automated backups run daily with point-in-time recovery; their retention is set by the tier and any "
        "compliance profile (see the plan's `db_backup_retention_days`), not by the request",
    ),
    Ask(
        "monitoring:log-retention",
        "A log retention length",
        r"(?:audit )?logs? (?:kept|retained|stored|retention(?: of| for)?)\s+(?:for\s+)?\d{1,4}\s*(?:days?|weeks?|months?|"
        r"years?)|\d{1,4}[- ](?:days?|months?|years?) (?:of )?log retention|log retention (?:of |for )?\d{1,4}\s*"
        r"(?:days?|months?|years?)",
        "",
        adjusted="log retention is set by the tier and any compliance profile (the plan's `log_retention_days`, "
        "within what each cloud accepts), not by the request",
    ),
    Ask(
        "cache:size",
        "A cache size",
        r"(?:redis|memcached|valkey|cache|elasticache|memorystore)(?: \d{1,2}(?:\.\d)?)?(?: with| of)? \d{1,4}(?:\.\d+)? ?"
        r"(?:gb|gib|mb)(?: of)?(?: memory| ram)?",
        "",
        adjusted="the cache's node type (and so its memory) is chosen from the tier and the budget (see the plan's "
        "`cache_node_type`), not from a size in the request",
    ),
    Ask(
        "queue:fifo",
        "FIFO (ordered) queue",
        r"fifo(?: queues?)?|ordered queues?|exactly[- ]once",
        "the queue is a standard queue (at-least-once, best-effort order); FIFO queues are not generated",
    ),
    Ask(
        "queue:dlq",
        "Dead-letter queue",
        r"dead[- ]letter(?: queues?)?|dlqs?",
        "no dead-letter queue is generated for this queue engine (SQS gets one)",
        clouds=frozenset({"aws"}),
        evidence=(r"deadLetterTargetArn",),
    ),
    Ask(
        "secrets:other",
        "Another secrets / config store",
        r"doppler|1password|infisical|akeyless|cyberark|conjur|bitwarden secrets|(?:ssm )?parameter store|"
        r"ssm parameters?|app ?config(?:uration)?",
        "",
        adjusted="secrets and settings are kept in the cloud's secret manager (AWS Secrets Manager / GCP Secret "
        "Manager / Azure Key Vault), not in the tool the request names",
    ),
    Ask(
        "integration:third-party",
        "A third-party service",
        r"mailgun|sendgrid|postmark|twilio|stripe|paypal|algolia|segment|mixpanel|amazon ses|smtp",
        "no account or API key for a third-party service is created; store its key in the environment's secret and "
        "read it in the app",
    ),
    Ask(
        "shape:static-site",
        "A static site",
        r"static (?:site|website|html|pages|hosting)|just html|s3 (?:static )?website|plain html",
        "a static site is served by the app's container (bring an image that serves the files); no bucket website "
        "hosting is generated",
    ),
    Ask(
        "shape:clone",
        "A copy of an existing environment",
        r"like (?:our|the) (?:existing |current )?(?:prod|production|staging|existing|current)(?: setup| environment| env|"
        r" stack)?|(?:copy|clone) of (?:our|the) (?:\w+ )?(?:setup|environment|env|stack)|same (?:setup|stack) as (?:our|the)",
        "dev-agent cannot see existing environments",
        ask="dev-agent cannot see your existing environments. What should this one contain (framework or language, "
        "databases, caches, queues, size)?",
    ),
    Ask(
        "network:ipv6",
        "IPv6",
        r"ipv6(?: only)?|dual[- ]stack",
        "the network and load balancer are IPv4; IPv6 / dual-stack is not generated",
    ),
    Ask(
        "network:nlb",
        "Network load balancer (layer 4)",
        r"nlbs?|network load balancers?|tcp load balancer|layer[- ]4 load balancer",
        "an HTTP(S) load balancer (AWS ALB with a WAF, the cloud's equivalent elsewhere) is generated; no layer-4 "
        "load balancer",
    ),
    Ask(
        "component:aurora-serverless",
        "Aurora Serverless capacity",
        r"(?:aurora )?serverless v2|\d+(?:\.\d+)? acus?|acus?",
        "",
        adjusted="Aurora is generated with provisioned instances sized by the plan; Serverless v2 capacity (ACUs) is "
        "not set",
    ),
    Ask(
        "lifetime:permanent",
        "No expiry (permanent)",
        r"permanent(?:ly)?|(?:keep|kept|live|lives|run) (?:it )?forever|no (?:ttl|expiry|expiration(?: date)?)|ttl:? none|"
        r"never expires?|long[- ]lived",
        "dev and staging environments have a lifetime limit in the org policy (the report warns without a TTL); only "
        "prod may live without one",
        clouds=ALL,
        built=lambda data: data.get("tier") == "prod" and not data.get("ttl_days"),
    ),
    Ask(
        "budget:none",
        "No budget limit",
        r"(?:budget|spend)(?: is)?:? (?:unlimited|none|no limit)|no budget(?: limit| cap)?|unlimited budget",
        "",
        adjusted="no budget is set: the org policy's monthly ceiling for the tier still applies",
    ),
    Ask(
        "trigger:events",
        "An event trigger",
        r"triggered by (?:s3|gcs|bucket|storage|blob|file|object)s?(?: (?:uploads?|events?|notifications?|puts?))?|"
        r"(?:s3|bucket|storage|blob) "
        r"(?:events?|notifications?|triggers?)|on (?:s3|file|object) uploads?|object created events?|event[- ]driven",
        "no event trigger is generated (bucket notifications, queue-to-function mappings); the app is invoked over "
        "HTTP or on a schedule",
    ),
    Ask(
        "delivery:previews",
        "Preview environments per pull request",
        r"preview (?:environments?|envs?|deployments?|apps?) (?:per|for (?:each|every)) (?:pr|pull request|branch)|"
        r"(?:per|one per)[- ](?:pr|pull request|branch) (?:environments?|envs?|previews?)",
        "one request makes one environment; per-pull-request preview environments are not generated",
    ),
    Ask(
        "ml:notebooks",
        "Notebooks / ML platform",
        r"jupyter(?:hub| ?lab| notebooks?)?|notebooks?|sagemaker|vertex ai|azure ml|mlflow|kubeflow",
        "no notebook servers or ML platform services are generated",
    ),
    Ask(
        "queue:partitions",
        "Topics / partitions",
        r"\d{1,5} partitions|partitions",
        "",
        adjusted="the broker or cluster is generated; its topics and partitions are created by the app (or its "
        "migrations), not by dev-agent",
    ),
    Ask(
        "network:nat",
        "No NAT gateway",
        r"no nat(?: gateways?)?|without (?:a |any )?nat(?: gateways?)?|skip the nat(?: gateways?)?",
        "private subnets reach the internet through a NAT gateway (one per environment, one per zone in prod); a "
        "network without NAT is not generated",
    ),
    Ask(
        "availability:single-az",
        "A single availability zone",
        r"single[- ](?:az|availability zone|zone)|one (?:az|availability zone)",
        "",
        adjusted="the network always spans 2 availability zones (databases are Multi-AZ in prod); a single-zone "
        "layout is not generated",
    ),
    Ask(
        "platform:other",
        "A hosting platform other than AWS, GCP or Azure",
        r"(?<!from )(?<!off )(?:heroku|vercel|netlify|render\.com|fly\.io|digital ?ocean|cloudflare workers|openshift|"
        r"on[- ]prem(?:ise)?s?|bare metal|linode|railway\.app)(?![- ](?:like|style|ish)\b)",
        "dev-agent builds on AWS, GCP or Azure only",
        ask="dev-agent builds environments on AWS, GCP or Azure only, not on other hosting platforms (Heroku, Vercel, "
        "Netlify, on-premises...). Which of AWS, GCP or Azure should it run on?",
    ),
    Ask(
        "auth:identity",
        "User sign-in / identity provider",
        r"auth0|okta|cognito|keycloak|supabase(?: auth)?|firebase(?: auth)?|user (?:login|sign[- ]?in|authentication)|"
        r"single sign[- ]on|sso|oauth2?|oidc login|user pools?",
        "no user sign-in or identity provider is generated; the app handles its own authentication",
    ),
    Ask(
        "shape:no-endpoint",
        "No HTTP endpoint (a worker only)",
        r"no (?:web|http|https) ?(?:endpoints?|servers?|apis?|traffic|ports?)|no http|headless|"
        r"(?:doesn'?t|does not|won'?t) (?:serve|need|take) (?:any )?(?:http|web traffic|requests)",
        "the app is generated as a service with an HTTP port and a health check; a worker-only app is not generated "
        "(a schedule makes it a job instead: 'every 5 minutes', 'nightly')",
    ),
    Ask(
        "compute:scale-schedule",
        "Scaling by time of day",
        r"outside (?:of )?(?:working|business|office) hours|(?:during|in) (?:working|business|office) hours only|"
        r"scale (?:it )?(?:down )?to zero|shut (?:it )?down (?:at night|overnight|on weekends|after hours)|"
        r"(?:nights|weekends) off",
        "no time-based scaling or shutdown is generated: replicas stay between the minimum and maximum",
    ),
    Ask(
        "identity:workload",
        "Workload identity",
        r"workload identity|pod identity|irsa|managed identit(?:y|ies)|iam roles? for (?:the )?(?:service accounts?|pods?)",
        "",
        clouds=ALL,
        evidence=(r'aws_eks_pod_identity_association|roles/iam\.workloadIdentityUser|azurerm_federated_identity_credential'
                  r'|^resource "aws_iam_role" "task"|^resource "google_service_account" "app"'
                  r'|^resource "azurerm_user_assigned_identity"',),
    ),
    Ask(
        "shape:no-app",
        "No app (data services only)",
        r"no app(?:lication)?|without an? app(?:lication)?|(?:database|db|data)[- ]only(?: environment)?",
        "every environment runs an app next to its data services; a data-only environment is not offered, so the "
        "app's compute is generated too",
    ),
)
