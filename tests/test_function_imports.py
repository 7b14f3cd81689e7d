"""scripts/function_imports.py: an import inside a function fails the lint gate unless `# deferred: <why>` says why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
function_imports = load_script("function_imports")


def test_an_undocumented_import_inside_a_function_is_a_finding(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text(
        "import json\n\n"
        "def a():\n    from bot.spec import load_spec\n    return load_spec\n\n"
        "class B:\n    def method(self):\n        if True:\n            import yaml\n\n"
        "def c():\n    def inner():\n        import csv\n    return inner\n"
    )
    found = function_imports.findings(module)
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found] == ["4", "10", "14"]
    assert "`from bot.spec import load_spec` inside a function without a `# deferred: <why>` comment" in found[0]
    assert function_imports.main([str(module)]) == 1


def test_a_deferred_import_says_why_on_its_line_or_the_line_above(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text(
        "def a():\n    import anthropic  # deferred: the anthropic SDK is slow to import\n\n"
        "def b():\n    # deferred: boto3 is only needed when talking to AWS\n    from boto3 import (\n        client,\n    )\n"
    )
    assert function_imports.findings(module) == []
    assert function_imports.main([str(module)]) == 0
    module.write_text("def a():\n    try:\n        # deferred: checkov's, in its own virtualenv\n        import ply.lex\n"
                      "        import ply.yacc\n    except ImportError:\n        return\n    x = 1\n    import csv\n")
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in function_imports.findings(module)] == ["9"]
    module.write_text("def a():\n    import anthropic  # deferred:\n")  # a reason is required, not just the tag
    assert len(function_imports.findings(module)) == 1


def test_the_project_has_no_undocumented_import_inside_a_function() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "function_imports.py")], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout
