"""Everything the bot writes to a repository, each write idempotent so redeliveries and retries converge.

- `commit_files`: all files in ONE commit through the Git Data API in at most six calls whatever the
  file count (get base ref, get base tree, create tree with inline contents and `base_tree`, create
  commit, update ref with force, or create it). The commit's dates come from the triggering event, so
  the same request produces the same commit SHA and a retry is a no-op.
- pull request, report comment (found by a hidden marker), check run (found by name on the head SHA),
  labels and reactions: looked up before they are created.

A writer serves one job, and remembers what it read during it rather than asking again: a commit's tree
(immutable), the refs it read or wrote (the commit's base and whether its branch exists), the bot's own comments
on each issue or PR (listed once; its own writes kept in step; a PR it just opened has none), and the open PRs
of a branch (listed once for the owner check and the upsert). Every look-up after an uncertain failure (the
`find` of `create_once`) asks GitHub again. Across jobs, the files the bot committed are kept on disk by their git
blob sha (`BlobCache`: content-addressed, checked on read), so re-reading its own environment on an amendment
fetches only the files someone else changed.

Only objects `authors` created count as the bot's own (bot/request/markers.py): a comment, issue or pull request someone
else wrote is never found, read for a marker, or edited, whatever it contains.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from github import Github, GithubException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from bot.diskcache import prune_sometimes, write_atomic
from bot.github.retry import call_with_backoff, create_once
from bot.request.markers import authored_by

COMMITTER = {"name": "dev-agent[bot]", "email": "dev-agent[bot]@users.noreply.github.com"}
BLOB_CACHE = Path("~/.cache/dev-agent/blobs")
MAX_BLOBS = 5000


def blob_sha(data: bytes) -> str:
    """Git's object id of a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class BlobCache:
    """File contents by git blob sha, on disk (shared by a worker's work horses); a read is checked against its sha,
    so a damaged or foreign file is a miss, never a wrong content."""

    def __init__(self, directory: Path | None = BLOB_CACHE):
        self.directory = directory.expanduser() if directory is not None else None

    def get(self, sha: str) -> str | None:
        if self.directory is None:
            return None
        try:
            data = (self.directory / sha).read_bytes()
        except OSError:
            return None
        return data.decode("utf-8") if blob_sha(data) == sha else None

    def put(self, texts: Iterable[str]) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for text in texts:
                data = text.encode("utf-8")
                target = self.directory / blob_sha(data)
                if not target.exists():
                    write_atomic(target, data)
            prune_sometimes(self.directory.iterdir, MAX_BLOBS)
        except OSError:
            return  # a cache that cannot be written only costs calls


@dataclass(frozen=True)
class CommitResult:
    """The branch head after a write and how many API calls it took."""

    sha: str
    api_calls: int
    changed_paths: int


class RepositoryWriter:
    """Writes to one repository as an installation."""

    def __init__(self, gh: Github, full_name: str, *, authors: Iterable[str], blobs: BlobCache | None = None):
        self.full_name = full_name
        self.authors = frozenset(authors)  # the bot's own logins (bot/request/markers.py)
        self.repo = gh.get_repo(full_name)
        self.requester = self.repo.requester
        self.url = self.repo.url
        self._comments: dict[int, list[IssueComment]] = {}  # the bot's own comments per issue/PR, listed once
        self._pulls: dict[tuple[str, str], list[PullRequest]] = {}  # (branch, state) -> its PRs, listed once
        self._refs: dict[str, str | None] = {}  # refs read or written during this job -> sha (None: absent)
        self._trees: dict[str, dict[str, Any]] = {}  # commit or tree sha -> its recursive tree (immutable)
        self.blobs = blobs or BlobCache()

    def _api(self, verb: str, path: str, **kwargs: Any) -> dict[str, Any]:
        _, data = self.requester.requestJsonAndCheck(verb, f"{self.url}{path}", **kwargs)
        return dict(data) if data else {}  # DELETE answers 204 with no body

    # --- one commit -------------------------------------------------------------------------------------

    def commit_files(self, *, base_branch: str, branch: str, files: dict[str, str], replace_prefix: str,
                     message: str, when: dt.datetime, author: dict[str, str] | None = None) -> CommitResult:
        """Point `branch` at one commit on top of `base_branch` holding `files`.

        Files under `replace_prefix` in the base that are not in `files` are deleted, so the branch
        always shows exactly the environment as planned. Nothing outside `files`/`replace_prefix` changes.
        """
        calls = 0
        base_sha = self._refs.get(f"heads/{base_branch}")
        if base_sha is None:
            base_sha = str(self._api("GET", f"/git/ref/heads/{quote(base_branch)}")["object"]["sha"])
            calls += 1
        calls += base_sha not in self._trees
        base_tree = self._tree(base_sha)
        entries: list[dict[str, Any]] = [
            {"path": path, "mode": "100644", "type": "blob", "content": text} for path, text in sorted(files.items())
        ]
        prefix = replace_prefix.rstrip("/") + "/"
        entries += [
            {"path": item["path"], "mode": item["mode"], "type": "blob", "sha": None}
            for item in base_tree.get("tree", [])
            if item.get("type") == "blob" and item["path"].startswith(prefix) and item["path"] not in files
        ]
        # Trees and commits are content-addressed (and the commit's dates are fixed), so re-sending them
        # after an uncertain failure creates nothing new.
        tree = call_with_backoff(lambda: self._api("POST", "/git/trees", input={"base_tree": base_tree["sha"], "tree": entries}))
        stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        person = {**(author or COMMITTER), "date": stamp}
        commit = call_with_backoff(lambda: self._api("POST", "/git/commits", input={
            "message": message, "tree": tree["sha"], "parents": [base_sha],
            "author": person, "committer": {**COMMITTER, "date": stamp},
        }))
        calls += 2
        sha = commit["sha"]
        calls += self._point_branch(branch, sha)
        self._refs[f"heads/{branch}"] = sha
        self.blobs.put(files.values())
        return CommitResult(sha=sha, api_calls=calls, changed_paths=len(entries))

    def _point_branch(self, branch: str, sha: str) -> int:
        """Point `branch` at `sha`: PATCH it, or create it (first when this job saw it absent); the calls made."""
        def create() -> None:
            create_once(
                lambda: self._api("POST", "/git/refs", input={"ref": f"refs/heads/{branch}", "sha": sha}),
                lambda: self._branch_at(branch, sha),
            )

        def patch() -> None:
            self._api("PATCH", f"/git/refs/heads/{quote(branch)}", input={"sha": sha, "force": True})

        first, second = (create, patch) if f"heads/{branch}" in self._refs and self._refs[f"heads/{branch}"] is None \
            else (patch, create)
        try:
            first()
            return 1
        except GithubException as exc:
            if exc.status not in (404, 422):
                raise
        second()
        return 2

    def _tree(self, sha: str) -> dict[str, Any]:
        """The recursive tree of a commit (or tree) sha, read once per job: it never changes."""
        if sha not in self._trees:
            self._trees[sha] = self._api("GET", f"/git/trees/{sha}", parameters={"recursive": "1"})
        return self._trees[sha]

    def _branch_at(self, branch: str, sha: str) -> dict[str, Any] | None:
        try:
            ref = self._api("GET", f"/git/ref/heads/{quote(branch)}")
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise
        if ref["object"]["sha"] != sha:
            self._api("PATCH", f"/git/refs/heads/{quote(branch)}", input={"sha": sha, "force": True})
        return ref

    # --- pull request -----------------------------------------------------------------------------------

    def _branch_pulls(self, branch: str, state: str, fresh: bool = False) -> list[PullRequest]:
        if fresh or (branch, state) not in self._pulls:
            owner = self.full_name.split("/")[0]
            self._pulls[(branch, state)] = list(self.repo.get_pulls(state=state, head=f"{owner}:{branch}"))
        return self._pulls[(branch, state)]

    def find_pull(self, branch: str, state: str = "open", fresh: bool = False) -> PullRequest | None:
        """The bot's own PR from `branch` of this repository (a PR someone else opened from it is not ours)."""
        for pull in self._branch_pulls(branch, state, fresh):
            head_repo = (pull.raw_data.get("head") or {}).get("repo") or {}
            if authored_by(pull, self.authors) and head_repo.get("full_name") == self.full_name:
                return pull
        return None

    def foreign_pull(self, branch: str) -> PullRequest | None:
        """An open PR from `branch` that someone other than the bot opened (the bot never writes into it)."""
        return next((p for p in self._branch_pulls(branch, "open") if not authored_by(p, self.authors)), None)

    def upsert_pull(self, *, branch: str, base: str, title: str, body: str) -> tuple[PullRequest, bool]:
        """The open PR from `branch` (updated when title/body changed) or a new one; True when created."""
        pull = self.find_pull(branch)
        if pull is not None:
            if pull.title != title or pull.body != body:
                pull.edit(title=title, body=body)
            return pull, False

        def create() -> PullRequest:
            try:
                return self.repo.create_pull(base=base, head=branch, title=title, body=body)
            except GithubException as exc:
                existing = self.find_pull(branch, fresh=True) if exc.status == 422 else None
                if existing is None:
                    raise
                return existing

        pull = create_once(create, lambda: self.find_pull(branch, fresh=True))
        self._pulls.setdefault((branch, "open"), []).append(pull)
        self._comments.setdefault(pull.number, [])  # a PR opened just now has no comment of the bot's
        return pull, True

    # --- comments, check runs, labels, reactions ----------------------------------------------------------

    def find_comment(self, number: int, marker: str, fresh: bool = False) -> IssueComment | None:
        """The bot's own comment on issue/PR `number` whose body carries `marker` (the first), or None."""
        if fresh or number not in self._comments:
            self._comments[number] = [c for c in self.repo.get_issue(number).get_comments()
                                      if authored_by(c, self.authors)]
        return next((c for c in self._comments[number] if marker in (c.body or "")), None)

    def upsert_comment(self, number: int, marker: str, body: str) -> IssueComment:
        """One comment per (issue, marker): edited in place on every update."""
        text = body if marker in body else f"{marker}\n{body}"
        existing = self.find_comment(number, marker)
        if existing is not None:
            if existing.body != text:
                existing.edit(text)
            return existing
        issue = self.repo.get_issue(number)
        created = create_once(lambda: issue.create_comment(text), lambda: self.find_comment(number, marker, fresh=True))
        if created not in self._comments.setdefault(number, []):
            self._comments[number].append(created)
        return created

    def upsert_check_run(self, *, head_sha: str, name: str, conclusion: str, title: str, summary: str,
                         text: str | None = None) -> Any:
        """A completed check run on `head_sha`; an existing one of the same name is updated."""
        output: dict[str, str | list[dict[str, str | int]]] = {"title": title[:255], "summary": summary[:65000]}
        if text:
            output["text"] = text[:65000]

        def find() -> Any:
            return next(iter(self.repo.get_commit(head_sha).get_check_runs(check_name=name)), None)

        run = find()
        if run is not None:
            run.edit(status="completed", conclusion=conclusion, output=output)
            return run
        return create_once(
            lambda: self.repo.create_check_run(name=name, head_sha=head_sha, status="completed",
                                               conclusion=conclusion, output=output),
            find,
        )

    def set_labels(self, number: int, add: Sequence[str], remove: Sequence[str] = (),
                   present: set[str] | None = None) -> None:
        """Add labels; remove those in `remove` that are `present` (all of them when unknown)."""
        issue = self.repo.get_issue(number)
        if add:
            issue.add_to_labels(*add)
        for label in remove:
            if present is not None and label not in present:
                continue
            try:
                issue.remove_from_labels(label)
            except GithubException as exc:
                if exc.status != 404:
                    raise

    def react(self, number: int, content: str, comment_id: int | None = None) -> None:
        """Add a reaction (GitHub returns the existing one when repeated)."""
        issue = self.repo.get_issue(number)
        target = issue.get_comment(comment_id) if comment_id else issue
        target.create_reaction(content)

    def comment(self, number: int, body: str, marker: str) -> IssueComment:
        """A reply that is posted once per marker (the marker names the delivery it answers)."""
        return self.upsert_comment(number, marker, body)

    def close_issue(self, number: int, comment: str, marker: str) -> None:
        self.comment(number, comment, marker)
        issue = self.repo.get_issue(number)
        issue.edit(state="closed", state_reason="completed")

    def permission(self, login: str) -> str:
        """The user's permission on the repository: admin, maintain, write, triage, read or none."""
        try:
            return self.repo.get_collaborator_permission(login)
        except GithubException as exc:
            if exc.status == 404:
                return "none"
            raise

    def team_role(self, org: str, team_slug: str, login: str) -> str | None:
        """The user's active role in an organisation team (`member` or `maintainer`), or None when not a member
        (or the team is not visible to the App: it needs the *Members: read* organisation permission)."""
        path = f"/orgs/{quote(org, safe='')}/teams/{quote(team_slug, safe='')}/memberships/{quote(login, safe='')}"
        try:
            _, data = self.requester.requestJsonAndCheck("GET", path)
        except GithubException as exc:
            if exc.status in (403, 404):
                return None
            raise
        return data.get("role") if data.get("state") == "active" else None

    # --- refs, trees and issues used after the merge (apply, drift, expire, destroy) -----------------------

    def ref_sha(self, ref: str) -> str | None:
        """The commit a ref (`refs/...` without the leading `refs/`) points at, or None (asked every time; the
        answer is remembered for this job's commit)."""
        try:
            sha: str | None = str(self._api("GET", f"/git/ref/{quote(ref)}")["object"]["sha"])
        except GithubException as exc:
            if exc.status != 404:
                raise
            sha = None
        self._refs[ref] = sha
        return sha

    def set_ref(self, ref: str, sha: str) -> None:
        """Point `refs/<ref>` at `sha`, creating it when missing."""
        if self.ref_sha(ref) is None:
            create_once(lambda: self._api("POST", "/git/refs", input={"ref": f"refs/{ref}", "sha": sha}),
                        lambda: self.ref_sha(ref))
        self._api("PATCH", f"/git/refs/{quote(ref)}", input={"sha": sha, "force": True})

    def delete_ref(self, ref: str) -> None:
        try:
            self._api("DELETE", f"/git/refs/{quote(ref)}")
        except GithubException as exc:
            if exc.status not in (404, 422):
                raise

    def read_file(self, path: str, ref: str) -> str | None:
        """A text file at `ref` (branch or sha), or None when absent."""
        tree = self._trees.get(ref)
        if tree is not None and not tree.get("truncated") and all(item["path"] != path for item in tree.get("tree", [])):
            return None  # a commit this job listed has no such file
        try:
            content = self.repo.get_contents(path, ref=ref)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise
        return None if isinstance(content, list) else content.decoded_content.decode("utf-8", "replace")

    def tree_files(self, sha: str, prefix: str) -> dict[str, str]:
        """Text of every file under `prefix` in commit `sha`."""
        tree = self._tree(sha)
        start = prefix.rstrip("/") + "/"
        files = {}
        for item in tree.get("tree", []):
            if item.get("type") == "blob" and item["path"].startswith(start):
                text = self.blobs.get(item["sha"])
                if text is None:
                    blob = self._api("GET", f"/git/blobs/{item['sha']}")
                    text = base64.b64decode(blob["content"]).decode("utf-8")
                files[item["path"]] = text
        return files

    def find_issue(self, marker: str, state: str = "open") -> Any:
        """The bot's own issue (not pull request) whose body carries `marker`, or None."""
        for issue in self.repo.get_issues(state=state):
            if issue.pull_request is None and marker in (issue.body or "") and authored_by(issue, self.authors):
                return issue
        return None

    def upsert_issue(self, *, marker: str, title: str, body: str, labels: Sequence[str] = ()) -> tuple[Any, bool]:
        """One open issue per marker: edited when it exists, created otherwise; True when created."""
        text = body if marker in body else f"{marker}\n{body}"
        issue = self.find_issue(marker)
        if issue is not None:
            if issue.title != title or issue.body != text:
                issue.edit(title=title, body=text)
            return issue, False
        created = create_once(lambda: self.repo.create_issue(title=title, body=text, labels=list(labels)),
                              lambda: self.find_issue(marker))
        return created, True
