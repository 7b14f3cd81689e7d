"""REST handlers; importing this package registers every route."""

from . import app_auth, checks, control, git_data, issues, pulls, repos, teams, users  # noqa: F401
