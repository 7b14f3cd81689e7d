# Sourced by the scripts: puts the project's virtualenvs on PATH (checkov after .venv so python stays ours).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$ROOT/.venv-checkov/bin:$PATH"
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE
