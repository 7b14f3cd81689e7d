#!/usr/bin/env bash
# Install dev-agent and run the main job on embedded defaults (no GitHub, cloud account or API key).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source scripts/env.sh
exec dev-agent parse "staging for payments-api: FastAPI, Postgres 16, Redis, AWS us-west-2, 2-6 replicas, \$400/month, 14 days" "$@"
