#!/usr/bin/env bash
# The lint gate .ci/run runs before the tests: ruff (pyproject's rule set), mypy (pyproject's [tool.mypy]), no import
# cycles between the project's modules, and no import inside a function without a `# deferred: <why>` comment.
# Exit non-zero on any finding. Run it before landing. Installs what it needs first (.venv: ruff, mypy, the bot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh lint
source scripts/env.sh
status=0
echo "[lint] ruff"
ruff check --output-format concise . || status=1
echo "[lint] mypy"
mypy || status=1
echo "[lint] import cycles"
python scripts/import_cycles.py || status=1
echo "[lint] imports inside functions"
python scripts/function_imports.py || status=1
exit $status
