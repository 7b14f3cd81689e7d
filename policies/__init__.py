"""Org policies: the bundled policy file, its evaluation, and checkov custom checks."""
