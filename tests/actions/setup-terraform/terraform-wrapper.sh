#!/usr/bin/env bash
# terraform on PATH under act: the host's terraform; with DEV_AGENT_MOTO_OVERRIDES set (by the AWS login
# stand-in), each call in an environment's terraform/ directory gets that environment's test-only
# zz_moto_override.tf for the duration of the call.
set -euo pipefail
real="@REAL_TERRAFORM@"
dir="$PWD"
for arg in "$@"; do
  case "$arg" in -chdir=*) dir="${arg#-chdir=}" ;; esac
done
override=""
if [ -n "${DEV_AGENT_MOTO_OVERRIDES:-}" ] && [ "$(basename "$dir")" = terraform ]; then
  env_name="$(basename "$(dirname "$(cd "$dir" && pwd)")")"
  source_file="${DEV_AGENT_MOTO_OVERRIDES}/${env_name}/zz_moto_override.tf"
  if [ -f "$source_file" ]; then
    override="${dir}/zz_moto_override.tf"
    cp "$source_file" "$override"
  fi
fi
status=0
"$real" "$@" || status=$?
[ -z "$override" ] || rm -f "$override"
exit "$status"
