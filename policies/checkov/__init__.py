"""checkov custom checks for the org rules about resources (loaded with --external-checks-dir)."""
