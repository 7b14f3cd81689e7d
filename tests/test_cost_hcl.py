"""HCL evaluation as Infracost's HCL mode does it, and clear errors on bad input."""

import pytest

from bot.cost import CostInputError, estimate_files, estimate_parsed, parse_hcl_files
from bot.cost.usage import parse_usage

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def resources(report):
    return {r["name"]: r for r in report["projects"][0]["breakdown"]["resources"]}


def cost(report, name):
    return float(resources(report)[name]["monthlyCost"])


def test_variables_defaults_tfvars_and_locals():
    files = {
        "main.tf": PROVIDER
        + """
variable "size" {
  default = "t3.small"
}
variable "disk" {
  default = 10
}
locals {
  disk_gb = var.disk * 2
  name    = "app-${var.size}"
}
resource "aws_instance" "app" {
  ami           = "ami-1"
  instance_type = var.size
  root_block_device {
    volume_size = local.disk_gb
  }
  tags = { Name = local.name }
}
""",
        "terraform.tfvars": 'size = "t3.medium"\n',
    }
    report = estimate_files(files)
    comps = resources(report)["aws_instance.app"]
    assert comps["costComponents"][0]["name"] == "Instance usage (Linux/UNIX, on-demand, t3.medium)"
    assert comps["subresources"][0]["costComponents"][0]["monthlyQuantity"] == "20"


def test_count_and_for_each_make_one_resource_per_instance():
    files = {
        "main.tf": PROVIDER
        + """
variable "queues" {
  default = ["a", "b"]
}
resource "aws_nat_gateway" "nat" {
  count         = 3
  allocation_id = "eip"
  subnet_id     = "subnet-${count.index}"
}
resource "aws_sqs_queue" "q" {
  for_each = toset(var.queues)
  name     = each.key
}
resource "aws_eip" "maybe" {
  count = length(var.queues) > 5 ? 1 : 0
}
"""
    }
    names = set(resources(estimate_files(files)))
    assert {"aws_nat_gateway.nat[0]", "aws_nat_gateway.nat[2]", 'aws_sqs_queue.q["a"]', 'aws_sqs_queue.q["b"]'} <= names
    assert not any(n.startswith("aws_eip") for n in names)


def test_dynamic_blocks_expand_into_nested_blocks():
    files = {
        "main.tf": PROVIDER
        + """
variable "volumes" {
  default = { data = 100, logs = 50 }
}
resource "aws_instance" "db" {
  ami           = "ami-1"
  instance_type = "m5.large"
  dynamic "ebs_block_device" {
    for_each = var.volumes
    content {
      device_name = ebs_block_device.key
      volume_type = "gp3"
      volume_size = ebs_block_device.value
    }
  }
}
"""
    }
    res = resources(estimate_files(files))["aws_instance.db"]
    sizes = sorted(s["costComponents"][0]["monthlyQuantity"] for s in res["subresources"][1:])
    assert sizes == ["100", "50"]


def test_references_between_resources_resolve_known_attributes():
    files = {
        "main.tf": PROVIDER
        + """
resource "aws_ecs_task_definition" "t" {
  family = "app"
  cpu    = "512"
  memory = "1024"
  container_definitions = jsonencode([{ name = "app" }])
}
resource "aws_ecs_service" "s" {
  name            = "s"
  launch_type     = "FARGATE"
  desired_count   = 1
  task_definition = aws_ecs_task_definition.t.arn
}
resource "aws_db_instance" "a" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
resource "aws_db_instance" "replica" {
  engine         = aws_db_instance.a.engine
  instance_class = aws_db_instance.a.instance_class
}
"""
    }
    report = estimate_files(files)
    svc = {c["name"]: c for c in resources(report)["aws_ecs_service.s"]["costComponents"]}
    assert svc["Per vCPU per hour"]["monthlyQuantity"] == "0.5"
    assert cost(report, "aws_db_instance.replica") == pytest.approx(cost(report, "aws_db_instance.a"))


def test_functions_and_for_expressions():
    files = {
        "main.tf": PROVIDER
        + """
locals {
  sizes = { small = 20, big = 200 }
  pick  = lookup(local.sizes, "big", 1)
  vols  = [for k, v in local.sizes : v if v > 50]
  merged = merge({ a = 1 }, { b = max(3, 7) })
}
resource "aws_ebs_volume" "v" {
  availability_zone = "us-east-1a"
  size              = local.pick + length(local.vols) + local.merged.b + try(local.missing, 0)
  type              = coalesce(null, "gp3")
}
"""
    }
    res = resources(estimate_files(files))["aws_ebs_volume.v"]
    assert res["costComponents"][0]["name"] == "Storage (general purpose SSD, gp3)"
    assert res["costComponents"][0]["monthlyQuantity"] == "208"


def test_unknown_and_unpriced_types_are_listed_not_guessed():
    files = {
        "main.tf": PROVIDER
        + """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_glue_job" "j" {
  name     = "j"
  role_arn = "arn"
  command {
    script_location = "s3://x"
  }
}
"""
    }
    summary = estimate_files(files)["summary"]
    assert summary["unsupportedResourceCounts"] == {"aws_glue_job": 1}
    assert summary["noPriceResourceCounts"] == {"aws_vpc": 1}
    assert summary["totalSupportedResources"] == 0


def test_region_outside_the_catalog_is_listed_with_a_note():
    files = {
        "main.tf": (
            'provider "aws" {\n  region = "sa-east-1"\n}\nresource "aws_nat_gateway" "n" {\n  subnet_id = "s"\n}\n'
        )
    }
    report = estimate_files(files)
    assert report["summary"]["unsupportedResourceCounts"] == {"aws_nat_gateway": 1}
    assert "sa-east-1" in report["projects"][0]["metadata"]["warnings"][0]["message"]


def test_regional_prices_differ_from_us_east_1():
    base = 'resource "aws_nat_gateway" "n" {\n  subnet_id = "s"\n}\n'
    east = cost(estimate_files({"main.tf": PROVIDER + base}), "aws_nat_gateway.n")
    tokyo = cost(
        estimate_files({"main.tf": 'provider "aws" {\n  region = "ap-northeast-1"\n}\n' + base}), "aws_nat_gateway.n"
    )
    assert east == pytest.approx(32.85)
    assert tokyo > east


def test_bad_hcl_names_file_and_line():
    with pytest.raises(CostInputError, match=r"broken\.tf:3"):
        estimate_files({"ok.tf": PROVIDER, "broken.tf": 'resource "aws_eip" "a" {\n  domain = "vpc"\n  x = = 1\n}\n'})


def test_usage_file_wrong_type_names_file_and_line():
    usage = parse_usage(
        "version: 0.1\nresource_usage:\n  aws_nat_gateway.n:\n    monthly_data_processed_gb: lots\n", "u.yml"
    )
    files = {"main.tf": PROVIDER + 'resource "aws_nat_gateway" "n" {\n  subnet_id = "s"\n}\n'}
    with pytest.raises(CostInputError, match=r"u\.yml:4: usage key 'monthly_data_processed_gb' must be a number"):
        estimate_files(files, usage)


def test_usage_file_structure_errors_name_line():
    with pytest.raises(CostInputError, match=r"u\.yml:2: unknown top-level key"):
        parse_usage("version: 0.1\nresources: {}\n", "u.yml")
    with pytest.raises(CostInputError, match=r"u\.yml:3: usage for 'a\.b' must be a mapping"):
        parse_usage("version: 0.1\nresource_usage:\n  a.b: 5\n", "u.yml")
    with pytest.raises(CostInputError, match=r"u\.yml:\d+: not valid YAML"):
        parse_usage("version: 0.1\nresource_usage:\n  a.b: [1\n", "u.yml")


def test_type_defaults_and_wildcards_apply():
    usage = parse_usage(
        """version: 0.1
resource_type_default_usage:
  aws_nat_gateway:
    monthly_data_processed_gb: 10
resource_usage:
  aws_nat_gateway.n[*]:
    monthly_data_processed_gb: 100
""",
        "u.yml",
    )
    files = {
        "main.tf": PROVIDER
        + """
resource "aws_nat_gateway" "n" {
  count     = 2
  subnet_id = "s"
}
resource "aws_nat_gateway" "other" {
  subnet_id = "s"
}
"""
    }
    res = resources(estimate_files(files, usage))
    assert res["aws_nat_gateway.n[1]"]["costComponents"][1]["monthlyQuantity"] == "100"
    assert res["aws_nat_gateway.other"]["costComponents"][1]["monthlyQuantity"] == "10"


def test_estimate_parsed_matches_estimate_files():
    files = {"main.tf": PROVIDER + 'resource "aws_eks_cluster" "c" {\n  name = "c"\n  role_arn = "r"\n}\n'}
    assert (
        estimate_parsed(parse_hcl_files(files))["totalMonthlyCost"] == estimate_files(files)["totalMonthlyCost"] == "73"
    )


def test_local_modules_with_inputs_count_and_outputs():
    files = {
        "environments/demo/terraform/main.tf": PROVIDER
        + """
module "db" {
  source = "./modules/db"
  class  = "db.t3.large"
}
module "nat" {
  source = "./modules/nat"
  count  = 2
}
resource "aws_db_instance" "copy" {
  engine         = "postgres"
  instance_class = module.db.class
}
""",
        "environments/demo/terraform/modules/db/main.tf": """
variable "class" {
  default = "db.t3.micro"
}
resource "aws_db_instance" "this" {
  engine         = "postgres"
  instance_class = var.class
}
output "class" {
  value = aws_db_instance.this.instance_class
}
""",
        "environments/demo/terraform/modules/nat/main.tf": (
            'resource "aws_nat_gateway" "this" {\n  subnet_id = "s"\n}\n'
        ),
        "environments/demo/helm/values.yaml": "replicas: 2\n",
    }
    res = resources(estimate_files(files))
    assert "module.db.aws_db_instance.this" in res
    assert "module.nat[1].aws_nat_gateway.this" in res
    assert res["aws_db_instance.copy"]["costComponents"][0]["name"].endswith("db.t3.large)")
    assert float(res["module.db.aws_db_instance.this"]["monthlyCost"]) == pytest.approx(
        float(res["aws_db_instance.copy"]["monthlyCost"])
    )


def test_odd_attribute_values_are_reported_not_crashing():
    files = {
        "main.tf": PROVIDER
        + """
resource "aws_db_instance" "odd" {
  engine            = "postgres"
  instance_class    = ["db.t3.micro"]
  allocated_storage = "lots"
}
"""
    }
    report = estimate_files(files)
    assert report["summary"]["totalDetectedResources"] == 1
    warnings = report["projects"][0]["metadata"]["warnings"]
    assert all("Traceback" not in w["message"] for w in warnings)


def test_missing_catalog_price_is_flagged_not_zero():
    files = {"main.tf": PROVIDER + 'resource "aws_instance" "x" {\n  ami = "a"\n  instance_type = "x1e.xlarge"\n}\n'}
    report = estimate_files(files)
    comp = resources(report)["aws_instance.x"]["costComponents"][0]
    assert comp["priceNotFound"] is True and comp["monthlyCost"] is None
    assert "od.linux.shared.x1e.xlarge" in report["projects"][0]["metadata"]["warnings"][0]["message"]


def test_gke_node_pool_takes_zones_from_its_cluster():
    files = {
        "main.tf": """
provider "google" {
  region = "us-central1"
}
resource "google_container_cluster" "zonal" {
  name                     = "zonal"
  location                 = "us-central1-a"
  remove_default_node_pool = true
  initial_node_count       = 1
}
resource "google_container_node_pool" "pool" {
  name       = "pool"
  cluster    = google_container_cluster.zonal.name
  node_count = 2
  node_config {
    machine_type = "e2-medium"
  }
}
"""
    }
    pool = resources(estimate_files(files))["google_container_node_pool.pool"]
    assert pool["costComponents"][0]["monthlyQuantity"] == "1460"  # 2 nodes x 1 zone x 730 h


def test_azure_child_resource_takes_region_of_referenced_parent():
    files = {
        "main.tf": """
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = "West Europe"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2s_v5"
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "extra" {
  name                  = "extra"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_D2s_v5"
  node_count            = 1
}
"""
    }
    res = resources(estimate_files(files))
    cluster_vm = res["azurerm_kubernetes_cluster.aks"]["subresources"][0]["costComponents"][0]["price"]
    pool_vm = res["azurerm_kubernetes_cluster_node_pool.extra"]["costComponents"][0]["price"]
    assert pool_vm == cluster_vm  # westeurope price for both, not the eastus default
