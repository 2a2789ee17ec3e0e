"""Open data in headless Chromium against a real server: anonymous drill-down country → province
→ commune with the year picker, the JSON link, English; then the same page signed in (the footer
link). Screenshots go to $CHUNGTAY_SCREENSHOTS (a temporary folder by default)."""
import json

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.installations import installation, served
from tests.test_e2e_pages import CHROMIUM, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with installation(tmp_path_factory.mktemp("opendata"), "opendata", 1500) as inst, served(inst) as url:  # the size of the other served installations: one demo per run
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def test_anonymous_drill_down_with_the_year_picker(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page.goto(server + "/open/")
    expect(page.locator("h1")).to_contain_text("Số liệu mở")
    years = page.locator("select[name=year] option").all_inner_texts()
    assert years[0] == "2025" and years[-1] == "2016" and len(years) == 10
    page.select_option("select[name=year]", "2019")
    page.wait_for_url("**year=2019")
    page.locator("table.data tbody a").first.click()                    # the province
    expect(page.locator("h1")).to_contain_text("Quảng Ngãi")
    expect(page.locator(".kpi.poor em")).to_contain_text("%")
    assert page.locator("select[name=year]").input_value() == "2019"
    assert page.locator("table.data tbody tr").count() > 20
    shot(page, "opendata-province")
    page.locator("table.data tbody a").first.click()                    # a commune
    expect(page.locator(".crumbs")).to_contain_text("Quảng Ngãi")
    expect(page.locator("body")).to_contain_text("Số liệu theo thôn không công bố")
    shot(page, "opendata-commune")
    href = page.locator("a", has_text="Tải JSON").get_attribute("href")
    doc = json.loads(page.request.get(server + href).text())
    assert doc["year"] == 2019 and doc["rows"][0]["level"] == "commune"
    page.locator("a", has_text="EN").click()
    expect(page.locator("h1")).to_contain_text("Open data")
    page.close()


def test_signed_in_the_footer_leads_to_the_open_data(browser, server):
    page = login(browser, server, "tinh")
    page.locator("footer a", has_text="Số liệu mở").click()
    expect(page.locator("h1")).to_contain_text("Số liệu mở")
    expect(page.locator(".user")).to_contain_text("Nguyễn Thị Lan")
    page.locator("table.data tbody a").first.click()
    expect(page.locator("table.data")).to_be_visible()
    shot(page, "opendata-signed-in")
    page.close()
