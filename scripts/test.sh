#!/usr/bin/env bash
# Install everything the tests need, then run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
source scripts/env.sh
exec python -m pytest -n "${DEV_AGENT_TEST_WORKERS:-4}" --dist loadgroup --durations=20 "$@"
