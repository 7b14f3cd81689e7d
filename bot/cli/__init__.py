"""The `dev-agent` command line. Each public module in this package adds its commands through `register(app)`."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from bot.cli._help import HelpGroup

EXIT_CODES_HELP = """
Exit codes: 0 success; 1 the operation failed (checks failed, apply failed, policy refused);
2 attention needed (drift found, nothing to apply) or a usage error; 3 invalid input
(unreadable or invalid spec, request text that is empty, binary or too long).
"""

EXIT_OK, EXIT_FAILED, EXIT_ATTENTION, EXIT_INVALID = 0, 1, 2, 3

app = typer.Typer(
    name="dev-agent",
    cls=HelpGroup,
    help="Turn plain-language environment requests into reviewed, policy-checked, costed infrastructure.\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """dev-agent command group."""


def _register_all() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
        importlib.import_module(f"{__name__}.{module}").register(app)


_register_all()


def main() -> None:
    """Console-script entry point."""
    app()
