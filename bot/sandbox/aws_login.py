"""What the configure-aws-credentials stand-in (tests/actions/configure-aws-credentials) does in a job under act.

`python -m bot.sandbox.aws_login --endpoint MOTO --role ARN --region R ...` checks the inputs, assumes the role
in moto's STS, appends the credentials, region and endpoint to `$GITHUB_ENV`, and writes for every environment
of the checkout its test-only `zz_moto_override.tf` (provider endpoints and moto gaps from moto_override, state
in moto's S3) under `--overrides`, where the setup-terraform stand-in's wrapper picks it up per call.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import boto3

from bot import hclread
from bot.sandbox import moto_override
from generators.hcl import block, render

ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


class LoginError(ValueError):
    """An input the real action would reject too."""


def check_inputs(role: str, region: str) -> None:
    if not role:
        raise LoginError("role-to-assume is empty: set the AWS role ARN the workflow logs in as")
    if not ROLE_ARN.match(role):
        raise LoginError(f"role-to-assume {role!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    if not REGION.match(region or ""):
        raise LoginError(f"aws-region {region!r} is not an AWS region")


def assume(endpoint: str, role: str, region: str, session: str) -> dict[str, str]:
    """Credentials for `role` from moto's STS, as the OIDC login would get them from AWS."""
    sts = boto3.client("sts", region_name=region, endpoint_url=endpoint, aws_access_key_id="test",
                       aws_secret_access_key="test")
    creds = sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName=session,
                                              WebIdentityToken="act-stand-in")["Credentials"]
    return {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"]}


def _backend(terraform_dir: Path) -> tuple[str, dict] | None:
    for path in sorted(terraform_dir.glob("*.tf")):
        for terraform in hclread.loads(path.read_text(encoding="utf-8")).get("terraform", []):
            for backend in terraform.get("backend", []) if isinstance(terraform, dict) else []:
                for kind, config in backend.items():
                    return kind, dict(config)
    return None


def backend_override(endpoint: str, terraform_dir: Path) -> str:
    """The generated S3 backend, unchanged but for moto's endpoints and path-style URLs ('' for other backends)."""
    found = _backend(terraform_dir)
    if found is None or found[0] != "s3":
        return ""
    config = found[1]
    config.update(endpoints={"s3": endpoint, "sts": endpoint, "iam": endpoint, "dynamodb": endpoint},
                  use_path_style=True, skip_credentials_validation=True, skip_requesting_account_id=True,
                  skip_metadata_api_check=True)
    return render([block("terraform", backend=block("backend", "s3", **config))])


def write_overrides(endpoint: str, workspace: Path, target: Path) -> list[str]:
    """One `<env>/zz_moto_override.tf` under `target` per environment in the checkout; their names."""
    names = []
    for terraform_dir in sorted(workspace.glob("environments/*/terraform")):
        if not any(terraform_dir.glob("*.tf")):
            continue
        name = terraform_dir.parent.name
        text = backend_override(endpoint, terraform_dir) + "\n" + moto_override.override(endpoint, terraform_dir)
        (target / name).mkdir(parents=True, exist_ok=True)
        (target / name / "zz_moto_override.tf").write_text(text)
        names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aws_login", description=__doc__)
    for flag in ("--endpoint", "--role", "--region", "--session", "--workspace", "--overrides", "--env-file",
                 "--output-file"):
        parser.add_argument(flag, required=flag not in ("--role", "--region"), default="")
    args = parser.parse_args(argv)
    try:
        check_inputs(args.role, args.region)
    except LoginError as exc:
        print(f"::error::configure-aws-credentials: {exc}")
        return 1
    env = {**assume(args.endpoint, args.role, args.region, args.session or "dev-agent"),
           "AWS_REGION": args.region, "AWS_DEFAULT_REGION": args.region, "AWS_ENDPOINT_URL": args.endpoint,
           "AWS_EC2_METADATA_DISABLED": "true", "DEV_AGENT_MOTO_OVERRIDES": args.overrides}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        print(f"::add-mask::{env[key]}")
    with open(args.env_file, "a", encoding="utf-8") as out:
        out.writelines(f"{key}={value}\n" for key, value in env.items())
    with open(args.output_file, "a", encoding="utf-8") as out:
        out.write(f"aws-account-id={args.role.split(':')[4]}\n")
    names = write_overrides(args.endpoint, Path(args.workspace), Path(args.overrides))
    print(f"assumed {args.role} in moto ({args.endpoint}), region {args.region}; "
          f"moto override for: {', '.join(names) or 'no environments'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
