"""Reading HCL with python-hcl2, safe from any thread.

python-hcl2 8.x serialises through a mutable default context shared by every call, so two threads parsing
at once corrupt each other's output (strings keep their quotes, `false` becomes a string, references lose
`${}`). Every parse in dev-agent goes through `loads`, which holds one lock.

`parse_files` parses an environment's Terraform files once, so that the cost estimate and the policy
engine share one parse per plan (parsing is the slowest step of both). Parses are also remembered by text
(a bounded cache; each caller gets its own copy), so the budget planner's last estimate and the plan after
it, or a re-plan of an unchanged environment, do not parse the same file again.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass, field
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
TERRAFORM_SUFFIXES = (".tf", ".tfvars")
_LOCK = threading.Lock()


def loads(text: str) -> dict[str, Any]:
    """Parse HCL text into python-hcl2's dict form (quotes stripped, references as `${...}`)."""
    return copy.deepcopy(_parse(text))


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> dict[str, Any]:
    with _LOCK:
        return hcl2.loads(text, serialization_options=OPTIONS)


@dataclass
class ParsedFiles:
    """The `.tf`/`.tfvars` files of a file set: each one's python-hcl2 dict, or the error it did not parse with."""

    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)

    def subset(self, paths: set[str] | list[str]) -> ParsedFiles:
        """Only the files in `paths` (in this set's order)."""
        keep = set(paths)
        return ParsedFiles({p: d for p, d in self.modules.items() if p in keep},
                           {p: e for p, e in self.errors.items() if p in keep})


def parse_files(files: dict[str, str]) -> ParsedFiles:
    """Parse every `.tf`/`.tfvars` file of `{path: text}` once; other files are ignored.

    A missing final newline is added (terraform accepts files without one). The parsed dicts are shared
    by their readers, who must not change them."""
    parsed = ParsedFiles()
    for path, text in files.items():
        if not path.endswith(TERRAFORM_SUFFIXES):
            continue
        try:
            parsed.modules[path] = loads(text if text.endswith("\n") else text + "\n")
        except Exception as exc:  # noqa: BLE001 - python-hcl2 raises lark errors and plain exceptions
            parsed.errors[path] = exc
    return parsed
