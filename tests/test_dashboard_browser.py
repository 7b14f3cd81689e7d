"""The dashboard in headless Chromium with JavaScript disabled: rows, click-through, a non-blank screenshot."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from bot.api.keys import KeyStore
from bot.settings import Settings
from bot.store.audit import AuditEvent, AuditLog
from bot.store.registry import EnvironmentRecord, JobRecord, Registry
from tests.conftest import require_tool
from tests.support.bot_stack import wait_for
from tests.support.redis_server import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


_world: dict[str, str] = {}
REPORT = """<!-- dev-agent:report -->
## dev-agent plan

\u274c **Blocked**: 1 policy rule(s) failed

| Resource | Monthly |
|---|---|
| `aws_db_instance.main` | $120.00 |

<details><summary>Spec</summary>

```yaml
name: payments-staging
```
</details>
<script>document.title = "owned"</script>
"""


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    import uvicorn

    from bot.intake.web import build_runtime

    state = tmp_path_factory.mktemp("dashboard")
    settings = Settings(state_dir=state, webhook_secret="browser-secret", github_app_id=1,
                        github_private_key=_throwaway_key())
    registry = Registry(settings)
    today = dt.date.today()
    registry.upsert(EnvironmentRecord(name="payments-staging", repository="octo/infra", tier="staging", owner="alice",
                                      cloud="aws", region="us-west-2", status="planned", monthly_cost_usd=312.5,
                                      expires_on=today + dt.timedelta(days=12), pr_url="https://github.com/octo/infra/pull/7",
                                      report=REPORT))
    registry.upsert(EnvironmentRecord(name="search-dev", repository="octo/infra", owner="bob", cloud="gcp",
                                      region="us-central1", status="drifted", drift=True, monthly_cost_usd=88.0,
                                      expires_on=today - dt.timedelta(days=2)))
    registry.upsert(EnvironmentRecord(name="old-demo", repository="octo/infra", owner="carol", status="destroyed",
                                      monthly_cost_usd=600.0, expires_on=today + dt.timedelta(days=21)))
    registry.put_job(JobRecord(id="delivery-42", kind="issues.opened", environment="payments-staging",
                               repository="octo/infra", status="done",
                               links={"pull_request": "https://github.com/octo/infra/pull/7"}))
    AuditLog(settings).record(AuditEvent(action="plan", actor="alice", environment="payments-staging",
                                         repository="octo/infra", pull_request=7, detail="0 blocking finding(s)"))
    registry.upsert(EnvironmentRecord(name="elsewhere-dev", repository="globex/infra", status="planned"))
    token, _ = KeyStore(settings).create("browser", ["read"], installation=1, repositories=["octo/infra"])
    _world["token"] = token
    app = build_runtime(settings).app
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 20, interval=0.05, what="the dashboard server")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _throwaway_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_dashboard_works_without_javascript(dashboard_url, tmp_path: Path):
    if not Path(CHROMIUM).exists():
        require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 800}).new_page()
            page.goto(dashboard_url + "/environments/octo/infra/payments-staging")
            page.wait_for_url("**/dashboard/login")  # no session: the login form, no report
            assert "aws_db_instance" not in page.content()
            page.fill("input[name=key]", _world["token"])
            page.click("button[type=submit]")
            page.wait_for_url(dashboard_url + "/")
            rows = page.locator("#environments tbody tr")  # only the key's repository: not globex/infra
            assert rows.count() == 3
            destroyed, planned, drifted = (rows.nth(i).inner_text() for i in range(3))
            assert "destroyed" in destroyed and "days left" not in destroyed
            assert "$312.50" in planned and "12 days left" in planned
            assert "drifted" in drifted and "expired 2 days ago" in drifted
            # Only environments that exist count: the drifted one, not the planned or destroyed ones.
            assert "$88.00/month under management" in page.inner_text("#summary")
            jobs = page.locator("#jobs tbody tr").first.inner_text()
            assert "delivery-42" in jobs and "payments-staging" in jobs and "#7" in jobs
            shot = page.screenshot(full_page=True)

            page.select_option("select[name=owner]", "bob")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**/?repository=&state=&owner=bob")
            assert [page.locator("#environments tbody tr td a").first.inner_text()] == ["search-dev"]
            assert page.locator("#environments tbody tr").count() == 1

            page.goto(dashboard_url + "/")
            page.get_by_role("link", name="payments-staging").first.click()
            page.wait_for_url("**/environments/octo/infra/payments-staging")
            report = page.locator("#report")
            assert report.locator("h2").inner_text() == "dev-agent plan"  # rendered, not raw markdown
            assert report.locator("table td code").first.inner_text() == "aws_db_instance.main"
            assert report.locator(".mark-fail").inner_text() == "\u2717"  # a symbol every font has, not an emoji
            assert "<!--" not in report.inner_html() and "```" not in report.inner_text()
            assert page.title() != "owned" and "<script" not in report.inner_html()
            timeline = page.locator("#timeline").inner_text()
            assert "plan (PR #7)" in timeline and "alice" in timeline and "status: planned" in timeline
            detail_shot = page.screenshot(full_page=True)
            page.goto("about:blank")
            blank = page.screenshot()
        finally:
            browser.close()
    (tmp_path / "dashboard.png").write_bytes(shot)
    (tmp_path / "environment.png").write_bytes(detail_shot)
    assert len(detail_shot) > 5 * len(blank)
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    assert len(shot) > 5 * len(blank)  # text, tables and badges compress far worse than an empty page
