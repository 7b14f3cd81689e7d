"""Every exception class dev-agent defines derives from bot.errors.DevAgentError and is named in its tree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import bot
import bot.errors
import policies


def _defined_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for package in (bot, policies):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith("policies.checkov.") or info.name.endswith("__main__"):
                continue  # checkov's custom checks import checkov (its own virtualenv)
            if info.name.startswith("bot.store.migrations."):
                continue  # Alembic's scripts: env.py runs a migration when imported, outside Alembic it fails
            module = importlib.import_module(info.name)
            for name, obj in vars(module).items():
                if (inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name
                        and not name.startswith("_")):  # a private signal never leaves its module
                    found[f"{info.name}.{name}"] = obj
    return found


def test_every_exception_has_the_one_base_and_is_documented() -> None:
    exceptions = _defined_exceptions()
    assert len(exceptions) >= 20
    outside = sorted(name for name, cls in exceptions.items() if not issubclass(cls, bot.errors.DevAgentError))
    assert outside == []
    tree = bot.errors.__doc__ or ""
    undocumented = sorted(name for name in exceptions
                          if name.rsplit(".", 1)[1] not in tree and not name.startswith("bot.errors."))
    assert undocumented == []


def test_the_kinds_keep_the_builtin_bases_callers_catch() -> None:
    from bot.pipeline.budget import BudgetError
    from bot.pipeline.terraform import TerraformError
    from bot.spec import SpecError

    assert issubclass(SpecError, ValueError) and issubclass(SpecError, bot.errors.InputError)
    assert issubclass(BudgetError, ValueError) and issubclass(BudgetError, bot.errors.RefusedError)
    assert issubclass(TerraformError, RuntimeError) and issubclass(TerraformError, bot.errors.ToolError)
