"""JSON shapes of GitHub objects, as the REST API and webhook payloads render them."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from .gitstore import CommitInfo, FileChange, TreeEntry
from .model import REACTIONS, App, CheckRun, Comment, Installation, Issue, Label, Reaction, Repository, State, User, iso


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


@dataclass(frozen=True)
class Urls:
    """Base URLs: ``api`` for REST object URLs (may include /api/v3), ``web`` for html_url and git."""

    api: str
    web: str

    def repo(self, repo: Repository) -> str:
        return f"{self.api}/repos/{repo.full_name}"


class Shapes:
    """Renders model objects; ``state`` supplies author associations and installation lookups."""

    def __init__(self, state: State, urls: Urls):
        self.state = state
        self.urls = urls

    # people and apps
    def user(self, user: User | None) -> dict | None:
        if user is None:
            return None
        api, web, login = self.urls.api, self.urls.web, user.login
        return {
            "login": login,
            "id": user.id,
            "node_id": node_id("User", user.id),
            "avatar_url": f"{web}/avatars/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": f"{api}/users/{login}",
            "html_url": f"{web}/{login}",
            "followers_url": f"{api}/users/{login}/followers",
            "following_url": f"{api}/users/{login}/following{{/other_user}}",
            "gists_url": f"{api}/users/{login}/gists{{/gist_id}}",
            "starred_url": f"{api}/users/{login}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/users/{login}/subscriptions",
            "organizations_url": f"{api}/users/{login}/orgs",
            "repos_url": f"{api}/users/{login}/repos",
            "events_url": f"{api}/users/{login}/events{{/privacy}}",
            "received_events_url": f"{api}/users/{login}/received_events",
            "type": user.type,
            "site_admin": False,
        }

    def organization(self, org: User) -> dict:
        api, login = self.urls.api, org.login
        return {
            "login": login,
            "id": org.id,
            "node_id": node_id("Organization", org.id),
            "url": f"{api}/orgs/{login}",
            "repos_url": f"{api}/orgs/{login}/repos",
            "events_url": f"{api}/orgs/{login}/events",
            "hooks_url": f"{api}/orgs/{login}/hooks",
            "issues_url": f"{api}/orgs/{login}/issues",
            "members_url": f"{api}/orgs/{login}/members{{/member}}",
            "public_members_url": f"{api}/orgs/{login}/public_members{{/member}}",
            "avatar_url": f"{self.urls.web}/avatars/u/{org.id}?v=4",
            "description": None,
        }

    def app(self, app: App | None) -> dict | None:
        if app is None:
            return None
        return {
            "id": app.id,
            "slug": app.slug,
            "client_id": app.client_id,
            "node_id": node_id("Integration", app.id),
            "owner": self.user(app.owner),
            "name": app.name,
            "description": f"{app.name} (sandbox)",
            "external_url": f"{self.urls.web}/apps/{app.slug}",
            "html_url": f"{self.urls.web}/apps/{app.slug}",
            "created_at": iso(app.created_at),
            "updated_at": iso(app.created_at),
            "permissions": dict(app.permissions),
            "events": list(app.events),
        }

    def installation(self, inst: Installation, epoch_dates: bool = False) -> dict:
        created = int(inst.created_at.timestamp()) if epoch_dates else iso(inst.created_at)
        account = self.user(inst.account)
        if not epoch_dates:
            # GitHub's description of GET /app/installations types the account as allOf(simple-user, enterprise).
            account.update(
                name=inst.account.name or inst.account.login,
                slug=inst.account.login,
                created_at=iso(inst.account.created_at),
                updated_at=iso(inst.account.created_at),
            )
        return {
            "id": inst.id,
            "account": account,
            "repository_selection": "selected",
            "access_tokens_url": f"{self.urls.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.urls.api}/installation/repositories",
            "html_url": f"{self.urls.web}/settings/installations/{inst.id}",
            "app_id": inst.app.id,
            "app_slug": inst.app.slug,
            "target_id": inst.account.id,
            "target_type": "Organization" if inst.account.type == "Organization" else "User",
            "permissions": dict(inst.app.permissions),
            "events": list(inst.app.events),
            "created_at": created,
            "updated_at": created,
            "single_file_name": None,
            "suspended_at": None,
            "suspended_by": None,
        }

    # repositories
    def repo(self, repo: Repository, full: bool = False, permission: str | None = None) -> dict:
        api, web, name = self.urls.api, self.urls.web, repo.full_name
        url = f"{api}/repos/{name}"
        open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
        data = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": f"{web}/{name}",
            "description": repo.description,
            "fork": False,
            "url": url,
            "forks_url": f"{url}/forks",
            "keys_url": f"{url}/keys{{/key_id}}",
            "collaborators_url": f"{url}/collaborators{{/collaborator}}",
            "teams_url": f"{url}/teams",
            "hooks_url": f"{url}/hooks",
            "issue_events_url": f"{url}/issues/events{{/number}}",
            "events_url": f"{url}/events",
            "assignees_url": f"{url}/assignees{{/user}}",
            "branches_url": f"{url}/branches{{/branch}}",
            "tags_url": f"{url}/tags",
            "blobs_url": f"{url}/git/blobs{{/sha}}",
            "git_tags_url": f"{url}/git/tags{{/sha}}",
            "git_refs_url": f"{url}/git/refs{{/sha}}",
            "trees_url": f"{url}/git/trees{{/sha}}",
            "statuses_url": f"{url}/statuses/{{sha}}",
            "languages_url": f"{url}/languages",
            "stargazers_url": f"{url}/stargazers",
            "contributors_url": f"{url}/contributors",
            "subscribers_url": f"{url}/subscribers",
            "subscription_url": f"{url}/subscription",
            "commits_url": f"{url}/commits{{/sha}}",
            "git_commits_url": f"{url}/git/commits{{/sha}}",
            "comments_url": f"{url}/comments{{/number}}",
            "issue_comment_url": f"{url}/issues/comments{{/number}}",
            "contents_url": f"{url}/contents/{{+path}}",
            "compare_url": f"{url}/compare/{{base}}...{{head}}",
            "merges_url": f"{url}/merges",
            "archive_url": f"{url}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{url}/downloads",
            "issues_url": f"{url}/issues{{/number}}",
            "pulls_url": f"{url}/pulls{{/number}}",
            "milestones_url": f"{url}/milestones{{/number}}",
            "notifications_url": f"{url}/notifications{{?since,all,participating}}",
            "labels_url": f"{url}/labels{{/name}}",
            "releases_url": f"{url}/releases{{/id}}",
            "deployments_url": f"{url}/deployments",
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.updated_at),
            "pushed_at": iso(repo.pushed_at),
            "git_url": f"{web}/{name}.git".replace("http", "git", 1),
            "ssh_url": f"git@sandbox:{name}.git",
            "clone_url": f"{web}/{name}.git",
            "svn_url": f"{web}/{name}",
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": False,
            "has_downloads": True,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_issues,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "private" if repo.private else "public",
            "forks": 0,
            "open_issues": open_issues,
            "watchers": 0,
            "default_branch": repo.default_branch,
            "custom_properties": {},
        }
        if full:
            data["network_count"] = 0
            data["subscribers_count"] = 0
            data["allow_merge_commit"] = True
            data["allow_squash_merge"] = True
            data["allow_rebase_merge"] = True
            data["delete_branch_on_merge"] = False
        if permission is not None:
            rank = ["read", "triage", "write", "maintain", "admin"]
            level = rank.index(permission) if permission in rank else -1
            data["permissions"] = {
                "admin": level >= 4,
                "maintain": level >= 3,
                "push": level >= 2,
                "triage": level >= 1,
                "pull": level >= 0,
            }
        return data

    def repo_lite(self, repo: Repository) -> dict:
        return {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
        }

    def association(self, repo: Repository, user: User) -> str:
        if user.id == repo.owner.id:
            return "OWNER"
        if user.login.lower() in repo.collaborators:
            return "COLLABORATOR"
        return "NONE"

    # issues and comments
    def label(self, repo: Repository, label: Label) -> dict:
        return {
            "id": label.id,
            "node_id": node_id("Label", label.id),
            "url": f"{self.urls.repo(repo)}/labels/{label.name}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def reactions(self, url: str, reactions: list[Reaction]) -> dict:
        rollup = {"url": url, "total_count": len(reactions)}
        rollup.update({content: sum(1 for r in reactions if r.content == content) for content in REACTIONS})
        return rollup

    def reaction(self, reaction: Reaction) -> dict:
        return {
            "id": reaction.id,
            "node_id": node_id("Reaction", reaction.id),
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": iso(reaction.created_at),
        }

    def issue(self, repo: Repository, issue: Issue) -> dict:
        url = f"{self.urls.repo(repo)}/issues/{issue.number}"
        web = f"{self.urls.web}/{repo.full_name}"
        kind = "pull" if issue.pull else "issues"
        data = {
            "url": url,
            "repository_url": self.urls.repo(repo),
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{web}/{kind}/{issue.number}",
            "id": issue.id,
            "node_id": node_id("Issue", issue.id),
            "number": issue.number,
            "title": issue.title,
            "user": self.user(issue.user),
            "labels": [self.label(repo, repo.labels[name.lower()]) for name in issue.labels],
            "state": issue.state,
            "locked": False,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(u) for u in issue.assignees],
            "milestone": None,
            "comments": len(issue.comments),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "author_association": self.association(repo, issue.user),
            "active_lock_reason": None,
            "body": issue.body,
            "reactions": self.reactions(f"{url}/reactions", issue.reactions),
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": self.app(issue.app),
            "state_reason": issue.state_reason,
            "draft": issue.pull.draft if issue.pull else False,
        }
        if issue.pull:
            data["pull_request"] = {
                "url": f"{self.urls.repo(repo)}/pulls/{issue.number}",
                "html_url": f"{web}/pull/{issue.number}",
                "diff_url": f"{web}/pull/{issue.number}.diff",
                "patch_url": f"{web}/pull/{issue.number}.patch",
                "merged_at": iso(issue.pull.merged_at),
            }
        return data

    def comment(self, repo: Repository, comment: Comment) -> dict:
        url = f"{self.urls.repo(repo)}/issues/comments/{comment.id}"
        issue = repo.issues[comment.issue_number]
        kind = "pull" if issue.pull else "issues"
        return {
            "url": url,
            "html_url": f"{self.urls.web}/{repo.full_name}/{kind}/{issue.number}#issuecomment-{comment.id}",
            "issue_url": f"{self.urls.repo(repo)}/issues/{issue.number}",
            "id": comment.id,
            "node_id": node_id("IssueComment", comment.id),
            "user": self.user(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "author_association": self.association(repo, comment.user),
            "performed_via_github_app": self.app(comment.app),
            "body": comment.body,
            "reactions": self.reactions(f"{url}/reactions", comment.reactions),
        }

    # pull requests
    def pull(self, repo: Repository, issue: Issue) -> dict:
        pull = issue.pull
        assert pull is not None
        url = f"{self.urls.repo(repo)}/pulls/{issue.number}"
        issue_url = f"{self.urls.repo(repo)}/issues/{issue.number}"
        html = f"{self.urls.web}/{repo.full_name}/pull/{issue.number}"
        changes = self._changes(repo, pull)
        head_tip = repo.git.resolve_commit(pull.head_sha) or pull.head_sha
        commits = repo.git.count_commits(pull.base_sha, head_tip) if repo.git.object_type(head_tip) else 0
        mergeable = (
            None
            if pull.merged or issue.state == "closed"
            else repo.git.merge_trees(repo.git.resolve_commit(pull.base_ref) or pull.base_sha, head_tip) is not None
        )
        labels = [self.label(repo, repo.labels[name.lower()]) for name in issue.labels]
        return {
            "url": url,
            "id": issue.pull_id,
            "node_id": node_id("PullRequest", issue.pull_id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "number": issue.number,
            "state": issue.state,
            "locked": False,
            "title": issue.title,
            "user": self.user(issue.user),
            "body": issue.body,
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "merged_at": iso(pull.merged_at),
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(u) for u in issue.assignees],
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": labels,
            "milestone": None,
            "draft": pull.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{self.urls.repo(repo)}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{self.urls.repo(repo)}/statuses/{pull.head_sha}",
            "head": self._end(repo, pull.head_ref, pull.head_sha),
            "base": self._end(repo, pull.base_ref, pull.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{self.urls.repo(repo)}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{self.urls.repo(repo)}/statuses/{pull.head_sha}"},
            },
            "author_association": self.association(repo, issue.user),
            "auto_merge": None,
            "active_lock_reason": None,
            "merged": pull.merged,
            "mergeable": mergeable,
            "rebaseable": mergeable,
            "mergeable_state": "unknown" if mergeable is None else ("clean" if mergeable else "dirty"),
            "merged_by": self.user(pull.merged_by),
            "comments": len(issue.comments),
            "review_comments": 0,
            "maintainer_can_modify": pull.maintainer_can_modify,
            "commits": commits,
            "additions": sum(c.additions for c in changes),
            "deletions": sum(c.deletions for c in changes),
            "changed_files": len(changes),
        }

    def _changes(self, repo: Repository, pull) -> list[FileChange]:
        if not (repo.git.object_type(pull.base_sha) and repo.git.object_type(pull.head_sha)):
            return []
        return repo.git.diff(pull.base_sha, pull.head_sha)

    def _end(self, repo: Repository, ref: str, sha: str) -> dict:
        return {
            "label": f"{repo.owner.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

    def diff_entry(self, repo: Repository, change: FileChange, head_sha: str) -> dict:
        web = f"{self.urls.web}/{repo.full_name}"
        data = {
            "sha": change.sha,
            "filename": change.filename,
            "status": change.status,
            "additions": change.additions,
            "deletions": change.deletions,
            "changes": change.additions + change.deletions,
            "blob_url": f"{web}/blob/{head_sha}/{change.filename}",
            "raw_url": f"{web}/raw/{head_sha}/{change.filename}",
            "contents_url": f"{self.urls.repo(repo)}/contents/{change.filename}?ref={head_sha}",
            "patch": change.patch,
        }
        if change.previous_filename:
            data["previous_filename"] = change.previous_filename
        return data

    # git data
    def git_ref(self, repo: Repository, name: str, sha: str) -> dict:
        kind = repo.git.object_type(sha) or "commit"
        return {
            "ref": name,
            "node_id": node_id("Ref", f"{repo.id}:{name}"),
            "url": f"{self.urls.repo(repo)}/git/{name}",
            "object": {"sha": sha, "type": kind, "url": f"{self.urls.repo(repo)}/git/{kind}s/{sha}"},
        }

    def git_commit(self, repo: Repository, info: CommitInfo) -> dict:
        base = self.urls.repo(repo)
        return {
            "sha": info.sha,
            "node_id": node_id("Commit", info.sha),
            "url": f"{base}/git/commits/{info.sha}",
            "html_url": f"{self.urls.web}/{repo.full_name}/commit/{info.sha}",
            "author": _person(info.author),
            "committer": _person(info.committer),
            "tree": {"sha": info.tree, "url": f"{base}/git/trees/{info.tree}"},
            "message": info.message,
            "parents": [
                {"sha": p, "url": f"{base}/git/commits/{p}", "html_url": f"{self.urls.web}/{repo.full_name}/commit/{p}"}
                for p in info.parents
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def git_tree(self, repo: Repository, sha: str, entries: list[TreeEntry]) -> dict:
        base = self.urls.repo(repo)

        def entry(e: TreeEntry) -> dict:
            data = {
                "path": e.path,
                "mode": e.mode,
                "type": e.type,
                "sha": e.sha,
                "url": f"{base}/git/{e.type}s/{e.sha}",
            }
            if e.size is not None:
                data["size"] = e.size
            return data

        return {"sha": sha, "url": f"{base}/git/trees/{sha}", "tree": [entry(e) for e in entries], "truncated": False}

    def blob(self, repo: Repository, sha: str, content: bytes) -> dict:
        return {
            "sha": sha,
            "node_id": node_id("Blob", sha),
            "url": f"{self.urls.repo(repo)}/git/blobs/{sha}",
            "size": len(content),
            "content": base64.encodebytes(content).decode(),
            "encoding": "base64",
        }

    def content_entry(self, repo: Repository, entry: TreeEntry, ref: str, content: bytes | None = None) -> dict:
        base = self.urls.repo(repo)
        kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
        git_url = f"{base}/git/{entry.type}s/{entry.sha}"
        html = f"{self.urls.web}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{entry.path}"
        download = f"{self.urls.web}/{repo.full_name}/raw/{ref}/{entry.path}" if kind == "file" else None
        data = {
            "type": kind,
            "size": entry.size or 0,
            "name": entry.path.rsplit("/", 1)[-1],
            "path": entry.path,
            "sha": entry.sha,
            "url": f"{base}/contents/{entry.path}?ref={ref}",
            "git_url": git_url,
            "html_url": html,
            "download_url": download,
            "_links": {"self": f"{base}/contents/{entry.path}?ref={ref}", "git": git_url, "html": html},
        }
        if content is not None:
            data["content"] = base64.encodebytes(content).decode()
            data["encoding"] = "base64"
        return data

    def commit(self, repo: Repository, info: CommitInfo, files: list[FileChange] | None = None) -> dict:
        base = self.urls.repo(repo)
        web = f"{self.urls.web}/{repo.full_name}"
        data = {
            "url": f"{base}/commits/{info.sha}",
            "sha": info.sha,
            "node_id": node_id("Commit", info.sha),
            "html_url": f"{web}/commit/{info.sha}",
            "comments_url": f"{base}/commits/{info.sha}/comments",
            "commit": {
                "url": f"{base}/git/commits/{info.sha}",
                "author": _person(info.author),
                "committer": _person(info.committer),
                "message": info.message.rstrip("\n"),
                "tree": {"sha": info.tree, "url": f"{base}/git/trees/{info.tree}"},
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": self._user_by_email(info.author.email),
            "committer": self._user_by_email(info.committer.email),
            "parents": [
                {"sha": p, "url": f"{base}/commits/{p}", "html_url": f"{web}/commit/{p}"} for p in info.parents
            ],
        }
        if files is not None:
            data["files"] = [self.diff_entry(repo, f, info.sha) for f in files]
            additions = sum(f.additions for f in files)
            deletions = sum(f.deletions for f in files)
            data["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
        return data

    def _user_by_email(self, email: str) -> dict | None:
        user = next((u for u in self.state.users.values() if u.email and u.email.lower() == email.lower()), None)
        return self.user(user)

    def branch(self, repo: Repository, name: str, info: CommitInfo) -> dict:
        base = self.urls.repo(repo)
        return {
            "name": name,
            "commit": self.commit(repo, info),
            "_links": {"self": f"{base}/branches/{name}", "html": f"{self.urls.web}/{repo.full_name}/tree/{name}"},
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
            },
            "protection_url": f"{base}/branches/{name}/protection",
        }

    # checks
    def check_run(self, repo: Repository, run: CheckRun) -> dict:
        base = self.urls.repo(repo)
        output = run.output
        return {
            "id": run.id,
            "head_sha": run.head_sha,
            "node_id": node_id("CheckRun", run.id),
            "external_id": run.external_id,
            "url": f"{base}/check-runs/{run.id}",
            "html_url": f"{self.urls.web}/{repo.full_name}/runs/{run.id}",
            "details_url": run.details_url,
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": iso(run.started_at),
            "completed_at": iso(run.completed_at),
            "output": {
                "title": output.get("title"),
                "summary": output.get("summary"),
                "text": output.get("text"),
                "annotations_count": len(output.get("annotations") or []),
                "annotations_url": f"{base}/check-runs/{run.id}/annotations",
            },
            "name": run.name,
            "check_suite": {"id": run.suite_id},
            "app": self.app(run.app),
            "pull_requests": [
                {
                    "url": f"{base}/pulls/{i.number}",
                    "id": i.pull_id,
                    "number": i.number,
                    "head": {
                        "ref": i.pull.head_ref,
                        "sha": i.pull.head_sha,
                        "repo": {"id": repo.id, "url": base, "name": repo.name},
                    },
                    "base": {
                        "ref": i.pull.base_ref,
                        "sha": i.pull.base_sha,
                        "repo": {"id": repo.id, "url": base, "name": repo.name},
                    },
                }
                for i in repo.issues.values()
                if i.pull and i.state == "open" and i.pull.head_sha == run.head_sha
            ],
        }


def _person(person) -> dict:
    return {"name": person.name, "email": person.email, "date": person.date}
