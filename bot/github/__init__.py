"""GitHub access: the App's authentication, the writer, retries, branch names, installations, authorisation."""
