"""Bare git repositories on disk, driven through the git CLI with argument lists."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(Exception):
    """A git command failed (bad object, conflicting update, ...)."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    date: str  # ISO 8601, e.g. 2026-01-01T00:00:00Z


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    author: Person
    committer: Person
    message: str


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str
    path: str
    size: int | None


@dataclass(frozen=True)
class FileChange:
    filename: str
    status: str  # added | removed | modified | renamed
    additions: int
    deletions: int
    sha: str
    patch: str
    previous_filename: str | None = None


def _git_date(value: str) -> str:
    """ISO 8601 (``...Z`` or offset) to a date git accepts."""
    return value.replace("Z", "+00:00")


class GitRepo:
    """One bare repository."""

    def __init__(self, path: Path):
        self.path = path
        self._batch: subprocess.Popen | None = None
        self._batch_lock = threading.Lock()

    def close(self) -> None:
        """Stop the long-lived ``git cat-file --batch`` reader, if started."""
        with self._batch_lock:
            if self._batch is not None:
                self._batch.stdin.close()
                self._batch.wait(timeout=5)
                self._batch = None

    def _lookup(self, rev: str) -> tuple[str, str, bytes] | None:
        """(sha, type, content) of any revision expression, read by one persistent ``git cat-file --batch``."""
        if not rev or "\n" in rev or rev.startswith("-"):
            return None
        with self._batch_lock:
            if self._batch is None:
                self._batch = subprocess.Popen(
                    ["git", "--git-dir", str(self.path), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            self._batch.stdin.write(rev.encode() + b"\n")
            self._batch.stdin.flush()
            header = self._batch.stdout.readline().decode().split()
            if len(header) != 3:  # "<rev> missing" / "ambiguous"
                return None
            sha, kind, size = header
            content = self._batch.stdout.read(int(size))
            self._batch.stdout.read(1)  # trailing newline
            return sha, kind, content

    def git(self, *args: str, input: bytes | None = None, env: dict | None = None, check: bool = True) -> bytes:
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            if env is None or key not in env:
                full_env.pop(key, None)
        proc = subprocess.run(
            ["git", "--git-dir", str(self.path), *args], input=input, capture_output=True, env=full_env, check=False
        )
        if check and proc.returncode != 0:
            raise GitError(proc.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
        return proc.stdout

    @classmethod
    def init(cls, path: Path, default_branch: str) -> GitRepo:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "init", "--bare", "--quiet", f"--initial-branch={default_branch}", str(path)],
            check=True,
            capture_output=True,
        )
        repo = cls(path)
        repo.git("config", "http.receivepack", "true")
        return repo

    # objects
    def hash_blob(self, content: bytes) -> str:
        return self.git("hash-object", "-w", "-t", "blob", "--stdin", input=content).decode().strip()

    def object_type(self, sha: str) -> str | None:
        found = self._lookup(sha)
        return found[1] if found else None

    def read_blob(self, sha: str) -> bytes:
        found = self._lookup(sha)
        if found is None or found[1] != "blob":
            raise GitError(f"not a blob: {sha}")
        return found[2]

    def resolve_commit(self, rev: str) -> str | None:
        """Full SHA of the commit a branch name, tag, ref or SHA points at, or None."""
        for candidate in (f"refs/heads/{rev}", f"refs/tags/{rev}", rev):
            found = self._lookup(f"{candidate}^{{commit}}")
            if found:
                return found[0]
        return None

    def read_commit(self, sha: str) -> CommitInfo:
        found = self._lookup(sha)
        if found is None or found[1] != "commit":
            raise GitError(f"not a commit: {sha}")
        raw = found[2].decode()
        header, _, message = raw.partition("\n\n")
        tree, parents, people = "", [], {}
        for line in header.splitlines():
            key, _, value = line.partition(" ")
            if key == "tree":
                tree = value
            elif key == "parent":
                parents.append(value)
            elif key in ("author", "committer"):
                people[key] = _person(value)
        return CommitInfo(sha, tree, parents, people["author"], people["committer"], message)

    def commit_tree(self, tree: str, parents: list[str], message: str, author: Person, committer: Person) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": _git_date(author.date),
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": _git_date(committer.date),
        }
        return self.git(*args, input=message.encode(), env=env).decode().strip()

    def ls_tree(self, sha: str, recursive: bool = False) -> list[TreeEntry]:
        if self.object_type(sha) not in ("tree", "commit"):
            raise GitError(f"not a tree: {sha}")
        args = ["ls-tree", "-l", "-z", "--full-tree"] + (["-r", "-t"] if recursive else []) + [sha]
        entries = []
        for record in self.git(*args).split(b"\0"):
            if not record:
                continue
            meta, _, path = record.decode().partition("\t")
            mode, kind, obj, size = meta.split()
            entries.append(TreeEntry(mode, kind, obj, path, None if size == "-" else int(size)))
        return entries

    def entry_at(self, commit: str, path: str) -> TreeEntry | None:
        path = path.strip("/")
        if not path:
            tree = self.read_commit(commit).tree
            return TreeEntry("040000", "tree", tree, "", None)
        out = self.git("ls-tree", "-l", "-z", commit, "--", path, check=False)
        for record in out.split(b"\0"):
            meta, _, name = record.decode().partition("\t")
            if name == path:
                mode, kind, obj, size = meta.split()
                return TreeEntry(mode, kind, obj, name, None if size == "-" else int(size))
        return None

    def build_tree(self, base_tree: str | None, entries: list[dict]) -> str:
        """Apply GitHub create-tree entries (path, mode, type, sha|None) on ``base_tree`` via a scratch index."""
        with tempfile.TemporaryDirectory() as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), "GIT_WORK_TREE": scratch}
            if base_tree:
                self.git("read-tree", base_tree, env=env)
            else:
                self.git("read-tree", "--empty", env=env)
            for entry in entries:
                path = entry["path"].strip("/")
                existing = self.git("ls-files", "-z", "--", path, env=env).split(b"\0")
                under = [
                    p.decode() for p in existing if p and (p.decode() == path or p.decode().startswith(path + "/"))
                ]
                if under:
                    self.git(
                        "update-index", "--force-remove", "-z", "--stdin", input="\0".join(under).encode(), env=env
                    )
                if entry["sha"] is None:
                    continue
                if entry["type"] == "tree":
                    self.git("read-tree", f"--prefix={path}/", entry["sha"], env=env)
                else:
                    self.git("update-index", "--add", "--cacheinfo", f"{entry['mode']},{entry['sha']},{path}", env=env)
            return self.git("write-tree", env=env).decode().strip()

    # refs
    def refs(self, prefix: str = "refs/") -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)", prefix).decode()
        return {name: sha for name, sha in (line.split(" ", 1) for line in out.splitlines() if line)}

    def ref(self, name: str) -> str | None:
        return self.refs(name).get(name)

    def update_ref(self, name: str, new: str, old: str | None = None) -> None:
        args = ["update-ref", name, new] + ([old] if old else [])
        self.git(*args)

    def delete_ref(self, name: str) -> None:
        self.git("update-ref", "-d", name)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        proc = subprocess.run(
            ["git", "--git-dir", str(self.path), "merge-base", "--is-ancestor", ancestor, descendant],
            capture_output=True,
            check=False,
        )
        return proc.returncode == 0

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.git("merge-base", a, b, check=False).decode().strip()
        return out or None

    def merge_trees(self, base: str, head: str) -> str | None:
        """Tree of merging ``head`` into ``base`` (both commits), or None on conflicts."""
        proc = subprocess.run(
            ["git", "--git-dir", str(self.path), "merge-tree", "--write-tree", "--no-messages", base, head],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            return None
        return proc.stdout.decode().split()[0]

    def count_commits(self, base: str, head: str) -> int:
        return int(self.git("rev-list", "--count", f"{base}..{head}").decode().strip() or 0)

    def diff(self, base: str | None, head: str) -> list[FileChange]:
        """Files changed between two commits (three-dot semantics: from their merge base; None: root)."""
        start = (self.merge_base(base, head) if base else None) or EMPTY_TREE
        numstat = self.git("diff-tree", "-r", "-M", "--numstat", "-z", start, head).split(b"\0")
        status = self.git("diff-tree", "-r", "-M", "--raw", "-z", start, head).split(b"\0")
        changes, counts = [], {}
        i = 0
        while i < len(numstat):
            record = numstat[i].decode()
            if not record:
                i += 1
                continue
            added, deleted, path = record.split("\t", 2)
            if path == "":  # rename: the next two fields are old and new path
                path = numstat[i + 2].decode()
                i += 2
            counts[path] = (0 if added == "-" else int(added), 0 if deleted == "-" else int(deleted))
            i += 1
        i = 0
        names = {"A": "added", "D": "removed", "M": "modified", "R": "renamed", "T": "changed"}
        while i < len(status):
            meta = status[i].decode()
            if not meta.startswith(":"):
                i += 1
                continue
            _, _, _, new_sha, letter = meta[1:].split(" ")
            previous = None
            if letter[0] in "RC":
                previous, path = status[i + 1].decode(), status[i + 2].decode()
                i += 3
            else:
                path = status[i + 1].decode()
                i += 2
            patch = self.git("diff", "-M", start, head, "--", *([previous] if previous else []), path).decode(
                errors="replace"
            )
            hunk = patch[patch.find("@@") :] if "@@" in patch else ""
            add, delete = counts.get(path, (0, 0))
            changes.append(FileChange(path, names.get(letter[0], "modified"), add, delete, new_sha, hunk, previous))
        return changes


def _person(value: str) -> Person:
    name, _, rest = value.partition(" <")
    email, _, stamp = rest.partition("> ")
    seconds, _, _offset = stamp.partition(" ")
    date = datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Person(name, email, date)
