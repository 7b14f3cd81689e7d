"""Cost estimator benchmark: golden accuracy per folder, and environments estimated per second.

Run: python bench/cost.py  (from the repository root)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cost import estimate_directory, estimate_parsed, parse_hcl_files
from bot.cost.compare import compare_with_golden
from bot.cost.table import parse_table

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "infracost" / "aws-testdata"
EXTRAS = [ROOT / "tests" / "fixtures" / "infracost" / name for name in ("aws-extra", "azure-extra", "gcp-extra")]

AWS_ENV = '''
provider "aws" {
  region = var.region
}
variable "region" {
  default = "us-west-2"
}
variable "name" {
  default = "payments-api-staging"
}
variable "azs" {
  default = ["us-west-2a", "us-west-2b"]
}
locals {
  tags = { env = "staging", app = var.name }
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = local.tags
}
resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = var.azs[count.index]
}
resource "aws_eip" "nat" {
  domain = "vpc"
}
resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.private[0].id
}
resource "aws_eks_cluster" "main" {
  name     = var.name
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.33"
  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
}
resource "aws_eks_node_group" "main" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["t3.medium"]
  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 6
  }
}
resource "aws_db_instance" "postgres" {
  engine            = "postgres"
  engine_version    = "16.3"
  instance_class    = "db.t4g.small"
  allocated_storage = 20
  storage_type      = "gp3"
  multi_az          = false
  tags              = local.tags
}
resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "redis"
  description          = "cache"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}
resource "aws_s3_bucket" "assets" {
  bucket = "${var.name}-assets"
}
resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_lb" "app" {
  name               = "app"
  load_balancer_type = "application"
  subnets            = aws_subnet.private[*].id
}
resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/${var.name}"
  retention_in_days = 14
}
resource "aws_secretsmanager_secret" "db" {
  name = "${var.name}-db"
}
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
'''

GCP_ENV = '''
provider "google" {
  project = "p"
  region  = "us-central1"
}
resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
}
resource "google_container_node_pool" "main" {
  name     = "main"
  cluster  = google_container_cluster.main.name
  location = "us-central1"
  autoscaling {
    min_node_count = 1
    max_node_count = 3
  }
  node_config {
    machine_type = "e2-standard-2"
    disk_size_gb = 50
  }
}
resource "google_sql_database_instance" "pg" {
  name             = "pg"
  database_version = "POSTGRES_16"
  region           = "us-central1"
  settings {
    tier = "db-custom-1-3840"
  }
}
resource "google_redis_instance" "cache" {
  name           = "cache"
  memory_size_gb = 1
}
resource "google_compute_router_nat" "nat" {
  name                               = "nat"
  router                             = "r"
  region                             = "us-central1"
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}
resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "US"
}
'''

AZURE_ENV = '''
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aks"
  default_node_pool {
    name       = "default"
    node_count = 2
    vm_size    = "Standard_D2s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_postgresql_flexible_server" "pg" {
  name                = "pg"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  sku_name            = "B_Standard_B1ms"
  storage_mb          = 32768
}
resource "azurerm_redis_cache" "cache" {
  name                = "cache"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  capacity            = 1
  family              = "C"
  sku_name            = "Basic"
}
resource "azurerm_storage_account" "sa" {
  name                     = "sa"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
'''


def accuracy_table() -> None:
    print(f"{'golden folder':32} {'resources':>9} {'raw max dev %':>14} {'max dev %*':>10} {'problems':>9}")
    folders = sorted(p for p in GOLDEN.iterdir() if p.is_dir()) + sorted(
        p for extra in EXTRAS for p in extra.iterdir() if p.is_dir())
    for folder in folders:
        usage = next(folder.glob("*.usage.yml"), None)
        report = estimate_directory(folder, usage)
        problems, worst, count = compare_with_golden(report, next(folder.glob("*.golden")).read_text())
        gold = parse_table(next(folder.glob("*.golden")).read_text())
        ours = {r["name"]: float(r["monthlyCost"]) for r in report["projects"][0]["breakdown"]["resources"]}
        raw = 0.0
        for name, comps in gold.items():
            want = sum(c["monthly_cost"] or 0.0 for c in comps.values())
            if want and name in ours:
                raw = max(raw, abs(ours[name] - want) / want)
        print(f"{folder.name:32} {count:>9} {raw * 100:>14.3f} {worst * 100:>10.3f} {len(problems):>9}")
    print("* per resource, beyond the cent rounding of the golden table")


def throughput(seconds: float = 3.0) -> None:
    envs = [parse_hcl_files({"main.tf": text}) for text in (AWS_ENV, GCP_ENV, AZURE_ENV)]
    for parsed in envs:  # warm caches (catalog, compiled expressions, pricer imports)
        estimate_parsed(parsed)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for parsed in envs:
            estimate_parsed(parsed)
            count += 1
    elapsed = time.perf_counter() - start
    texts = (AWS_ENV, GCP_ENV, AZURE_ENV)
    parse_count, parse_start = 0, time.perf_counter()
    while time.perf_counter() - parse_start < 1.0:
        for text in texts:
            estimate_parsed(parse_hcl_files({"main.tf": text}))
            parse_count += 1
    parse_rate = parse_count / (time.perf_counter() - parse_start)
    totals = [estimate_parsed(p)["totalMonthlyCost"] for p in envs]
    print(f"\nenvironments estimated per second (HCL pre-parsed, AWS/GCP/Azure mix): {count / elapsed:.0f}/s")
    print(f"including HCL parsing (python-hcl2): {parse_rate:.0f}/s")
    print(f"monthly totals: aws ${float(totals[0]):.2f}, gcp ${float(totals[1]):.2f}, azure ${float(totals[2]):.2f}")


if __name__ == "__main__":
    accuracy_table()
    throughput()
