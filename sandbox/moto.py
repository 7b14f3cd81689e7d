"""A local AWS for the demo and the tests: the patched moto server (sandbox/moto_server.py) in its own
process on a free port, and the provider override that points Terraform at it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from bot.polling import wait_until
from generators.hcl import block, render
from sandbox import moto_override

REGION = "us-east-1"


class MotoServer:
    """`with MotoServer() as moto:` starts moto and stops it (kill if it misses SIGTERM)."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return self.url

    def start(self) -> MotoServer:
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        self.process = subprocess.Popen([sys.executable, "-m", "sandbox.moto_server", "-p", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:  # generous: CI machines may be busy
            wait_until(self._answers, 120, interval=0.2, what="the moto server to start", error=RuntimeError)
        except RuntimeError:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        try:
            httpx.get(f"{self.url}/moto-api/", timeout=1)
        except httpx.HTTPError:
            return False
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a busy werkzeug server can miss SIGTERM
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def create_state_bucket(self, bucket: str, region: str) -> None:
        """The versioned state bucket a generated S3 backend names: what an org creates once, before any apply."""
        import boto3  # deferred: boto3 (~300 ms to import) is only needed when talking to AWS

        s3 = boto3.client("s3", region_name=region, endpoint_url=self.url, aws_access_key_id="test",
                          aws_secret_access_key="test")
        where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **where)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def override(self, state_file: Path, terraform_dir: Path | None = None) -> str:
        """A `*_override.tf` for `dev-agent apply --override`: the provider pointed at moto, plus local state."""
        backend = render([block("terraform", backend=block("backend", "local", path=str(state_file)))])
        return backend + "\n" + moto_override.override(self.url, terraform_dir or Path("/nonexistent"))
