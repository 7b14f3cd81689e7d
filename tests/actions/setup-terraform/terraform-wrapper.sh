#!/usr/bin/env bash
# terraform on PATH under act: the host's terraform. With DEV_AGENT_MOTO_ENDPOINT set (by the AWS login stand-in),
# a call in a directory of Terraform files gets the test-only zz_moto_override.tf there for the duration of the
# call (sandbox/aws_login.py: provider endpoints, moto gaps, the S3 backend pointed at moto).
set -euo pipefail
real="@REAL_TERRAFORM@"
dir="$PWD"
command=""
for arg in "$@"; do
  case "$arg" in
    -chdir=*) dir="${arg#-chdir=}" ;;
    -*) ;;
    *) [ -n "$command" ] || command="$arg" ;;
  esac
done
# Only calls that reach the providers or the backend need it; fmt and validate never do, and a file appearing
# during them would be seen by checks scanning the same directory at the same time (checkov, hcl parse).
case "$command" in fmt|validate|version) needs_override="" ;; *) needs_override="yes" ;; esac
override=""
if [ -n "$needs_override" ] && [ -n "${DEV_AGENT_MOTO_ENDPOINT:-}" ] && compgen -G "${dir}/*.tf" >/dev/null \
    && [ ! -e "${dir}/zz_moto_override.tf" ]; then
  override="${dir}/zz_moto_override.tf"
  "$DEV_AGENT_ACT_PYTHON" -m sandbox.aws_login override --endpoint "$DEV_AGENT_MOTO_ENDPOINT" --dir "$dir" > "$override"
fi
status=0
"$real" "$@" || status=$?
[ -z "$override" ] || rm -f "$override"
exit "$status"
