"""`dev-agent policy`: validate an org policy file (errors name the file and line)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli import EXIT_INVALID
from bot.settings import get_settings
from policies.schema import PolicyError, load_policy


def register(app: typer.Typer) -> None:
    @app.command("policy", epilog=(
        "Examples:\n\n"
        "  dev-agent policy policies/org-policy.yaml"))
    def policy(
        path: Path = typer.Argument(None, help="Policy YAML (default: DEV_AGENT_POLICY_FILE or the bundled one)."),
    ) -> None:
        """Check an org policy file and print a summary of what it allows."""
        target = path or get_settings().policy_file
        try:
            loaded = load_policy(target)
        except PolicyError as exc:
            for error in exc.errors:
                typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        typer.echo(f"{target or 'policies/org-policy.yaml'}: valid")
        for cloud, rules in loaded.clouds.items():
            typer.echo(f"  {cloud.value}: regions {', '.join(rules.regions) or 'all'}")
        for tier, limits in loaded.tiers.items():
            cap = f"${limits.max_monthly_usd:g}/month" if limits.max_monthly_usd else "no cost cap"
            ttl = f"{limits.max_ttl_days} days" if limits.max_ttl_days else "no TTL limit"
            typer.echo(f"  {tier.value}: {cap}, {ttl}")
        typer.echo(f"  required tags: {', '.join(loaded.required_tags) or 'none'}")
