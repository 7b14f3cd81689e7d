"""What the AWS stand-ins do in a job under act (tests/actions/configure-aws-credentials, setup-terraform).

`python -m sandbox.aws_login login --endpoint MOTO --role ARN --region R ...` checks the inputs, assumes the
role in moto's STS and appends the credentials, region and endpoint to `$GITHUB_ENV`.
`python -m sandbox.aws_login override --endpoint MOTO --dir DIR` prints the test-only `zz_moto_override.tf`
for the Terraform in DIR (provider endpoints and moto gaps from moto_override, the generated S3 backend pointed at
moto); the setup-terraform stand-in's wrapper adds it to the directory of each terraform call.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import boto3

from bot import hclread
from generators.hcl import block, render
from sandbox import moto_override

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


def override_text(endpoint: str, terraform_dir: Path) -> str:
    """The whole `zz_moto_override.tf` for a directory of generated Terraform."""
    return backend_override(endpoint, terraform_dir) + "\n" + moto_override.override(endpoint, terraform_dir)


def login(args: argparse.Namespace) -> int:
    try:
        check_inputs(args.role, args.region)
    except LoginError as exc:
        print(f"::error::configure-aws-credentials: {exc}")
        return 1
    env = {**assume(args.endpoint, args.role, args.region, args.session or "dev-agent"),
           "AWS_REGION": args.region, "AWS_DEFAULT_REGION": args.region, "AWS_ENDPOINT_URL": args.endpoint,
           "AWS_EC2_METADATA_DISABLED": "true", "DEV_AGENT_MOTO_ENDPOINT": args.endpoint}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        print(f"::add-mask::{env[key]}")
    with open(args.env_file, "a", encoding="utf-8") as out:
        out.writelines(f"{key}={value}\n" for key, value in env.items())
    with open(args.output_file, "a", encoding="utf-8") as out:
        out.write(f"aws-account-id={args.role.split(':')[4]}\n")
    print(f"assumed {args.role} in moto ({args.endpoint}), region {args.region}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aws_login", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    first = commands.add_parser("login")
    for flag in ("--endpoint", "--session", "--env-file", "--output-file"):
        first.add_argument(flag, required=True)
    first.add_argument("--role", default="")
    first.add_argument("--region", default="")
    second = commands.add_parser("override")
    second.add_argument("--endpoint", required=True)
    second.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args(argv)
    if args.command == "login":
        return login(args)
    sys.stdout.write(override_text(args.endpoint, args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
