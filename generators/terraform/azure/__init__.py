"""azure Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from generators.terraform import Component

COMPONENTS: list[Component] = []
