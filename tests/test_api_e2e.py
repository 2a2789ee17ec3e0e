"""The API against real server processes, and its pages in headless Chromium: the "Khóa API" page
(Vietnamese first) as the commune officer and the village head, a key used from outside and
revoked, the interactive docs working under the site's Content-Security-Policy, and the rate limit
shared by two server processes on one database. Screenshots go to $CHUNGTAY_SCREENSHOTS (a temporary
folder by default)."""
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.installations import Installation, installation, served
from tests.test_e2e_pages import browser, login, shot  # noqa: F401 - the e2e fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    with installation(tmp_path_factory.mktemp("api-e2e"), "apie2e", 1500) as i:  # the size of the other served installations: one demo per run
        yield i


@pytest.fixture(scope="module")
def server(inst):
    with served(inst) as url:
        yield url


def watch_csp(page) -> list[str]:
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def test_the_commune_officer_creates_uses_and_revokes_a_key(browser, server):  # noqa: F811
    page = login(browser, server, "xa")
    problems = watch_csp(page)
    page.click("header .user >> text=Khóa API")
    expect(page.locator("h1")).to_have_text("Khóa API")
    page.fill("input[name=name]", "Phần mềm của Sở")
    page.select_option("select[name=scope]", "write")
    page.fill("input[name=days]", "30")
    page.click("form.form button.primary")
    secret = page.locator("#secret").inner_text().strip()
    assert secret.startswith("ct_")
    expect(page.locator("#keys")).to_contain_text("Phần mềm của Sở")
    expect(page.locator("#keys")).to_contain_text("Còn hiệu lực")
    shot(page, "api-keys-xa")
    r = httpx.get(server + "/api/v1/households", params={"limit": 2}, headers={"Authorization": f"Bearer {secret}"},
                  timeout=30)
    assert r.status_code == 200 and len(r.json()["items"]) == 2 and r.headers["ETag"]
    assert httpx.get(server + "/api/v1/households", headers={"Authorization": f"Bearer {secret}",
                                                             "If-None-Match": r.headers["ETag"]},
                     params={"limit": 2}, timeout=30).status_code == 304
    page.goto(server + "/api/v1/keys/")
    assert secret not in page.content()                 # shown once
    expect(page.locator("#keys tbody tr")).to_have_count(1)
    page.click("#keys >> text=Thu hồi")
    expect(page.locator("#keys")).to_contain_text("Đã thu hồi")
    r = httpx.get(server + "/api/v1/households", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert not problems, problems
    page.close()


def test_the_village_head_has_the_page_too(browser, server):  # noqa: F811
    page = login(browser, server, "thon")
    problems = watch_csp(page)
    page.goto(server + "/api/v1/keys/")
    expect(page.locator("h1")).to_have_text("Khóa API")
    expect(page.locator(".card").last).to_contain_text("Chưa có khóa nào")
    page.fill("input[name=name]", "Sổ tay thôn")
    page.click("form.form button.primary")
    expect(page.locator("#new-key")).to_contain_text("chỉ hiện một lần")
    shot(page, "api-keys-thon")
    assert not problems, problems
    page.close()


def test_the_interactive_docs_work_under_the_csp(browser, server):  # noqa: F811
    page = login(browser, server, "xa")
    problems = watch_csp(page)
    resp = page.goto(server + "/api/v1/docs")
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    expect(page.locator(".opblock").first).to_be_visible(timeout=20000)
    assert page.locator(".opblock").count() >= 20
    # try one call from the page with the session
    page.locator(".opblock-get .opblock-summary-path", has_text=re.compile(r"^/api/v1/standards$")).click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200", timeout=10000)
    expect(page.locator(".live-responses-table")).to_contain_text("2021-2025")
    shot(page, "api-docs")
    assert not problems, problems
    page.close()


def test_the_rate_limit_holds_across_two_server_processes(inst):
    out = inst.run("-m", "chungtay", "tokens", "create", "--user", "xa", "--name", "hai tiến trình")
    secret = out.stdout.decode().strip()
    env = {**inst.env, "CHUNGTAY_API_RATE_ALL": "6"}
    limited = Installation(env, inst.data_dir, inst.database_url)
    with served(limited) as a, served(limited) as b:
        h = {"Authorization": f"Bearer {secret}"}
        for _ in range(3):          # wait for the first minute boundary to be far
            # a fresh server's first answer loads the app: 30 s, not httpx's 5, on a busy machine
            codes = [httpx.get(url + "/api/v1/standards", headers=h, timeout=30).status_code
                     for url in (a, b, a, b, a, b)]
            last = httpx.get(b + "/api/v1/standards", headers=h, timeout=30)
            if last.status_code == 429 or codes.count(429):
                break
        assert codes == [200] * 6 or 429 in codes         # the minute may turn once mid-way
        assert last.status_code == 429 and 1 <= int(last.headers["Retry-After"]) <= 60
        assert last.json()["code"] == "rate_limited"
