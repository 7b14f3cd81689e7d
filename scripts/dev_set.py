"""Run `dev-agent plan` then `dev-agent check` for every dev-set request that names a cloud.

    python scripts/dev_set.py [--requests tests/fixtures/requests/dev.jsonl] [--only d01,d05] [--keep DIR]

Prints one line per request (pass/FAIL, plan and check seconds, what failed) and exits 1 when any failed.
Each request gets its own output repository, so the check sees exactly what `plan` wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REQUESTS = ROOT / "tests" / "fixtures" / "requests" / "dev.jsonl"


def requests_with_cloud(path: Path) -> list[dict]:
    """The requests whose expected spec names a cloud (the others must ask a question, not plan)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in lines if r.get("expect", {}).get("cloud")]


def cli(*args: str, timeout: float = 600) -> tuple[subprocess.CompletedProcess, float]:
    """Run `python -m bot ARGS` from the repository root; the result and its wall time."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bot", *args], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, time.perf_counter() - started


def failures(check_json: dict) -> list[str]:
    """Names (and first detail line) of failed checks and failed policy verdicts."""
    lines = [f"{c['name']}: {(c.get('details') or '').splitlines()[:1]}" for c in check_json.get("checks", []) if not c["passed"]]
    lines += [f"policy {v['rule']}: {v['message']}" for v in check_json.get("verdicts", []) if v["outcome"] == "fail"]
    return lines


def run_one(request: dict, out: Path) -> tuple[bool, float, float, list[str]]:
    """Plan and check one request into `out`: passed, plan seconds, check seconds, problems."""
    plan, plan_s = cli("plan", request["text"], "--out", str(out), "--json")
    if plan.returncode != 0:
        return False, plan_s, 0.0, [f"plan exit {plan.returncode}: {(plan.stderr or plan.stdout).strip()[-400:]}"]
    summary = json.loads(plan.stdout)
    if "dir" not in summary:
        return False, plan_s, 0.0, ["plan asked questions: " + "; ".join(summary.get("questions", []))]
    check, check_s = cli("check", summary["dir"], "--json")
    try:
        result = json.loads(check.stdout)
    except json.JSONDecodeError:
        return False, plan_s, check_s, [f"check exit {check.returncode}: {check.stderr.strip()[-400:]}"]
    return check.returncode == 0, plan_s, check_s, failures(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=Path, default=DEFAULT_REQUESTS)
    parser.add_argument("--only", default="", help="comma-separated request ids")
    parser.add_argument("--keep", type=Path, help="write the output repositories here instead of a temp dir")
    args = parser.parse_args()
    wanted = {i for i in args.only.split(",") if i}
    requests = [r for r in requests_with_cloud(args.requests) if not wanted or r["id"] in wanted]
    base = args.keep or Path(tempfile.mkdtemp(prefix="dev-agent-devset-"))
    failed = 0
    for request in requests:
        passed, plan_s, check_s, problems = run_one(request, base / request["id"])
        failed += not passed
        print(f"{request['id']}  {'pass' if passed else 'FAIL'}  plan {plan_s:5.1f} s  check {check_s:5.1f} s", flush=True)
        for problem in problems:
            print(f"      {problem}", flush=True)
    print(f"{len(requests) - failed}/{len(requests)} passed; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          f"(output under {base})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
