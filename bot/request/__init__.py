"""A request's state: from an issue to a pull request (spec derivation, the write sequence, comment text)."""
