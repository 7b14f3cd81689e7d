"""The HCL emitter: request text stays data, output is terraform-fmt canonical and parses back."""

from __future__ import annotations

import subprocess

import pytest

from bot import hclread
from generators.hcl import Block, Call, Ref, block, quote, render
from tests.conftest import require_tool

NASTY = ['say "hi"', "${file(\"/etc/passwd\")}", "%{ if true }x%{ endif }", "line1\nline2",
         "}\nresource \"x\" \"y\" {", "back\\slash", "&anchor *alias"]


def _config() -> str:
    return render(
        [
            block(
                "resource",
                "aws_s3_bucket",
                "main",
                bucket="acme-uploads",
                force_destroy=False,
                tags={"environment": "x", "owner team": NASTY[0], "expires-at": "2026-12-01"},
                notes=NASTY,
                count=Call("length", Ref("var.names")),
            ),
            Block("resource", ["aws_s3_bucket_versioning", "main"], {
                "bucket": Ref("aws_s3_bucket.main.id"),
                "versioning_configuration": block("versioning_configuration", status="Enabled"),
            }),
        ]
    )


def test_strings_round_trip_literally() -> None:
    parsed = hclread.loads(_config())
    bucket = parsed["resource"][0]["aws_s3_bucket"]["main"]
    assert len(parsed["resource"]) == 2  # the "}\nresource" string opened no block
    assert len(bucket["notes"]) == len(NASTY)
    plain = [n for n in NASTY if "${" not in n and "%{" not in n]
    assert [n for n in bucket["notes"] if n in plain] == plain
    assert bucket["tags"]["owner team"] == 'say "hi"'
    assert "$${file" in quote(NASTY[1]) and "%%{ if" in quote(NASTY[2])


def test_references_are_validated() -> None:
    with pytest.raises(ValueError):
        Ref('aws_vpc.main.id} resource "x"')
    with pytest.raises(ValueError):
        Call("file\"); evil(", 1)


def test_output_is_terraform_fmt_canonical(tmp_path) -> None:
    terraform = require_tool("terraform")
    path = tmp_path / "main.tf"
    path.write_text(_config())
    result = subprocess.run([terraform, "fmt", "-check", "-diff", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
