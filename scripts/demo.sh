#!/usr/bin/env bash
# Install dev-agent and run the main job on embedded defaults (no GitHub, cloud account or API key).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source scripts/env.sh
exec dev-agent demo "$@"
