"""`dev-agent parse`: the JSON contract, the readable summary, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.spec import spec_from_data

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k not in {"ANTHROPIC_API_KEY", "DEV_AGENT_ANTHROPIC_API_KEY"}}
META = {"engine", "fallback_reason", "refused", "notes", "requirements"}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", "parse", *args], input=stdin, capture_output=True, cwd=ROOT, env=ENV, timeout=60)


def test_json_is_the_spec_plus_engine_fields() -> None:
    done = run("Production env for checkout-web (Next.js) on EKS in us-east-1, open port 22 to 0.0.0.0/0", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["engine"] == "deterministic" and document["fallback_reason"] is None
    assert document["refused"] == [
        "opening port 22 to 0.0.0.0/0 was refused: dev-agent never opens SSH or databases to the internet"
    ]
    spec = spec_from_data({k: v for k, v in document.items() if k not in META})
    assert (spec.name, spec.compute.kind.value, spec.region) == ("checkout-web-prod", "kubernetes", "us-east-1")
    statuses = {row["key"]: row["status"] for row in document["requirements"]}
    assert statuses["refused"] == "refused" and statuses["framework:nextjs"] == "honoured"


def test_needs_clarification_is_json_with_questions_and_exit_0() -> None:
    done = run("I need an environment in Frankfurt.", "--json")
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert document["needs_clarification"] is True
    assert document["questions"] and document["spec"]["region"] == "eu-central-1"


def test_summary_is_readable_text() -> None:
    done = run("Flask API in Oregon with Postgres 15, $120/month, 2 weeks")
    out = done.stdout.decode()
    assert done.returncode == 0
    assert "flask-dev: dev on aws us-west-2" in out and "postgres 15" in out and "$120/month" in out and "14 days" in out


def test_stdin_dash_reads_the_request() -> None:
    done = run("-", "--json", stdin=b"Rails app in Dublin with MySQL")
    assert done.returncode == 0 and json.loads(done.stdout)["region"] == "eu-west-1"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [(("",), None, "request text is empty"),
     (("-",), b"   \n", "request text is empty"),
     (("-",), bytes(range(256)) * 8, "binary"),
     (("-",), b"\xff\xfe\xfd garbage \xfa" * 30, "not UTF-8"),
     (("-",), b"a" * 100_000, "the limit is 20,000")],
    ids=["empty", "blank", "binary", "not-utf8", "100kb"],
)
def test_bad_input_exits_3_with_a_message_and_no_traceback(args: tuple[str, ...], stdin: bytes | None, message: str) -> None:
    done = run(*args, stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 3
    assert message in err and "Traceback" not in err and done.stdout == b""


def test_help_documents_exit_codes() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, cwd=ROOT, env=ENV, timeout=60)
    text = " ".join(done.stdout.decode().split())
    assert done.returncode == 0 and "Exit codes: 0 success" in text and "3 invalid input" in text
    parse_help = " ".join(run("--help").stdout.decode().split())
    assert "Exit 0 when understood or when questions are asked; 3 when the text is empty" in parse_help
