#!/usr/bin/env bash
# Install what dev-agent needs on a fresh machine (idempotent; fast when already installed).
#   scripts/bootstrap.sh          the bot, its CLI and the validators (checkov, zizmor, ...)
#   scripts/bootstrap.sh test     also the servers the tests start (redis-server, chromium)
#   scripts/bootstrap.sh lint     only .venv (the bot with ruff and mypy): what scripts/lint.sh needs
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
mode=${1:-run}

log() { printf '[bootstrap] %s\n' "$*" >&2; }
# pip, quietly: the machine's extra indexes print a warning per missing folder, which hides real errors.
pip_quiet() { "$@" 2>&1 | { grep -v '^WARNING: Location' || true; }; }
EDITABLE_NOTICE="ignore:Editable installation:UserWarning"

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml constraints/bot.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log "installing dev-agent and its test tools into .venv (first run takes a few minutes)"
  pip_quiet .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  # setuptools announces every editable install with an "Editable installation." BuildBackendWarning (a
  # UserWarning, in every editable mode); only that notice is silenced, any other warning still shows
  # (tests/test_install_quiet.py builds both ways).
  PYTHONWARNINGS="$EDITABLE_NOTICE" pip_quiet .venv/bin/pip install -q --disable-pip-version-check -c constraints/bot.txt -e ".[test]"
  touch "$stamp"
fi
[ "$mode" = lint ] && exit 0

# checkov pins its own fork of python-hcl2 under the same import name, so it gets its own venv.
checkov_stamp=".venv-checkov/.installed-$(sha256sum < constraints/checkov.txt | cut -c1-16)"
if [ ! -f "$checkov_stamp" ]; then
  log "installing checkov into .venv-checkov"
  [ -x .venv-checkov/bin/python ] || "$PY" -m venv .venv-checkov
  pip_quiet .venv-checkov/bin/pip install -q --disable-pip-version-check -c constraints/checkov.txt checkov
  touch "$checkov_stamp"
fi

command -v terraform >/dev/null || { log "terraform is not on PATH; install Terraform >= 1.6"; exit 1; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then log "need root to apt-get install $*"; exit 1; fi
  if [ ! -f /tmp/.dev-agent-apt-updated ]; then apt-get update -qq >/dev/null && touch /tmp/.dev-agent-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "$mode" = test ]; then
  command -v redis-server >/dev/null || { log "installing redis-server"; apt_install redis-server; }
  command -v chromium >/dev/null || { log "installing chromium (dashboard browser test)"; apt_install chromium; }
  command -v faketime >/dev/null || { log "installing faketime (scheduled workflow runs days later)"; apt_install faketime; }
  command -v node >/dev/null || { log "installing nodejs (external-secrets schema check)"; apt_install nodejs npm; }
  for schemas in tests/fixtures/external-secrets tests/fixtures/prometheus-operator; do
    if [ ! -f "$schemas/node_modules/.package-lock.json" ] || [ "$schemas/package-lock.json" -nt "$schemas/node_modules/.package-lock.json" ]; then
      log "installing the CRD schemas of $schemas (npm ci)"
      npm ci --prefix "$schemas" --no-audit --no-fund --silent
    fi
  done
fi
