"""Reading HCL with python-hcl2, safe from any thread.

python-hcl2 8.x serialises through a mutable default context shared by every call, so two threads parsing
at once corrupt each other's output (strings keep their quotes, `false` becomes a string, references lose
`${}`). Every parse in dev-agent goes through `loads`, which holds one lock.
"""

from __future__ import annotations

import threading

import hcl2
from hcl2.utils import SerializationOptions

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
_LOCK = threading.Lock()


def loads(text: str) -> dict:
    """Parse HCL text into python-hcl2's dict form (quotes stripped, references as `${...}`)."""
    with _LOCK:
        return hcl2.loads(text, serialization_options=OPTIONS)
