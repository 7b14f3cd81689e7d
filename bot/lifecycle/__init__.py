"""After the merge: apply, drift detection, expiry, destroy and rollback of environments."""
