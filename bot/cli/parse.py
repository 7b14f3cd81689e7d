"""`dev-agent parse TEXT`: show how a plain-language request is understood (spec or questions)."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from bot.cli import EXIT_INVALID
from bot.settings import get_settings
from bot.understanding import understand
from bot.understanding.model import RequestError, Understanding


def result_json(result: Understanding) -> dict[str, Any]:
    """The `parse --json` document: the spec's fields at top level, or the questions and partial spec."""
    if result.spec is None:
        return {
            "needs_clarification": True,
            "questions": result.questions,
            "spec": result.partial,
            "engine": result.engine,
            "fallback_reason": result.fallback_reason,
            "refused": result.refused,
            "notes": result.notes,
            "requirements": _requirements(result),
        }
    document = result.spec.model_dump(mode="json", exclude_none=True)
    document.update(engine=result.engine, fallback_reason=result.fallback_reason, refused=result.refused, notes=result.notes,
                    requirements=_requirements(result))
    return document


def _requirements(result: Understanding) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json", exclude_none=True) for row in result.requirements]


def summary(result: Understanding) -> str:
    """A readable summary of the result for people."""
    lines: list[str] = []
    if result.spec is None:
        lines.append("More information is needed:")
        lines += [f"  ? {q}" for q in result.questions]
    else:
        spec = result.spec
        app = spec.app
        lines.append(f"{spec.name}: {spec.tier.value} on {spec.cloud.value} {spec.region}")
        what = " ".join(
            x for x in (
                app.framework.value if app.framework else None,
                f"({app.language.value}{' ' + app.runtime_version if app.runtime_version else ''})" if app.language else None,
            ) if x
        )
        lines.append(f"  app:        {what or 'container image'}")
        lines.append(f"  compute:    {spec.compute.kind.value}, {spec.compute.min_replicas}-{spec.compute.max_replicas} replicas")
        for db in spec.databases:
            lines.append(f"  database:   {db.engine.value} {db.version}{' (high availability)' if db.high_availability else ''}")
        for label, part in (("cache", spec.cache), ("queue", spec.queue), ("search", spec.search)):
            if part is not None:
                lines.append(f"  {label + ':':<11} {part.engine.value}")
        if spec.buckets:
            lines.append(f"  buckets:    {', '.join(b.name for b in spec.buckets)}")
        if spec.monitoring:
            lines.append(f"  monitoring: {', '.join(m.value for m in spec.monitoring)}")
        if spec.budget_monthly_usd is not None:
            lines.append(f"  budget:     ${spec.budget_monthly_usd:g}/month")
        if spec.ttl_days is not None:
            lines.append(f"  lifetime:   {spec.ttl_days} days")
        if spec.owner:
            lines.append(f"  owner:      {spec.owner}")
    if result.requirements:
        lines.append("  requirements:")
        lines += [f"    {row.status.value:<11} {row.label} ({row.words!r})"
                  + (f" -> {row.where}" if row.where else "") + (f": {row.reason}" if row.reason else "")
                  for row in result.requirements]
    lines += [f"  refused: {r}" for r in result.refused]
    lines += [f"  note: {n}" for n in result.notes]
    engine = result.engine + (f" (fallback: {result.fallback_reason})" if result.fallback_reason else "")
    lines.append(f"  engine: {engine}")
    return "\n".join(lines)


def read_text(text: str) -> str:
    """TEXT itself, or standard input when TEXT is `-`."""
    if text != "-":
        return text
    data = sys.stdin.buffer.read()
    if b"\x00" in data:
        raise RequestError("request text contains NUL bytes: it looks like binary data, not a sentence")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError("request text is not UTF-8: it looks like binary data, not a sentence") from None


def register(app: typer.Typer) -> None:
    @app.command("parse", epilog=(
        "Examples:\n\n"
        "  dev-agent parse \"staging for payments-api: FastAPI, Postgres 16, Redis, AWS us-west-2, $400/month\"\n\n"
        "  echo \"django app on GCP in Belgium\" | dev-agent parse - --json"))
    def parse(
        text: str = typer.Argument(..., help="The request in plain language, or - to read it from standard input."),
        as_json: bool = typer.Option(False, "--json", help="Print the spec (or the questions) as JSON."),
    ) -> None:
        """Show how a request is understood: the EnvironmentSpec, or the questions a person must answer.

        Exit 0 when understood or when questions are asked; 3 when the text is empty, binary or too long.
        """
        try:
            result = understand(read_text(text), get_settings())
        except RequestError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if as_json:
            typer.echo(json.dumps(result_json(result), indent=2))
        else:
            typer.echo(summary(result))
