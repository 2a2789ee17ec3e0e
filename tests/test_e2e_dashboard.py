"""End to end: a provincial officer creates a plan with targets for the demo province, opens
the dashboard, checks the progress figures against the registry, follows a number down to
its households; screenshots of the dashboard, the map and the at-risk targets."""
import re

import pytest
from playwright.sync_api import expect

from tests.test_e2e_pages import browser, login, server, shot  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _num(text: str) -> float:
    """Vietnamese number "25,60" / "1.234" → float."""
    return float(text.strip().rstrip("%").replace(".", "").replace(",", "."))


def test_plan_targets_dashboard_and_drill_down(browser, server):  # noqa: F811
    page = login(browser, server, "tinh")
    page.goto(server + "/plans/")
    page.fill("#new-plan input[name=title]", "Kế hoạch thực hiện phong trào “Cả nước chung tay vì người nghèo”")
    page.fill("#new-plan input[name=document_no]", "2736/KH-UBND")
    page.fill("#new-plan input[name=start_year]", "2016")
    page.fill("#new-plan input[name=end_year]", "2020")
    page.click("button:has-text('Tạo kế hoạch')")
    expect(page.locator("h1")).to_contain_text("chung tay")
    # province-wide: 3–4 points a year counted as 3.5, baseline computed from the registry (2016)
    page.fill("#new-target input[name=baseline_year]", "2016")
    page.click("button:has-text('Thêm chỉ tiêu')")
    expect(page.locator("#targets tbody tr")).to_have_count(1)
    # ethnic-minority households, 5 points a year, baseline from the registry
    page.select_option("#new-target select[name=population]", "ethnic_minority")
    page.fill("#new-target input[name=low]", "5")
    page.fill("#new-target input[name=high]", "")
    page.fill("#new-target input[name=baseline_year]", "2016")
    page.click("button:has-text('Thêm chỉ tiêu')")
    # the seeds' baseline entered from the official report, with the published figure to check
    page.select_option("#new-target select[name=unit]", label="Tỉnh Kon Tum")
    page.select_option("#new-target select[name=population]", "all")
    page.fill("#new-target input[name=low]", "3")
    page.fill("#new-target input[name=high]", "4")
    page.fill("#new-target input[name=counted]", "3.5")
    page.fill("#new-target input[name=baseline_year]", "2015")
    page.fill("#new-target input[name=baseline_value]", "26.11")
    page.fill("#new-target input[name=baseline_source]", "UBND tỉnh Kon Tum, số liệu đầu năm 2016")
    page.fill("#new-target input[name=published_change]", "3.56")
    page.fill("#new-target input[name=published_year]", "2017")
    page.fill("#new-target input[name=published_source]", "Báo cáo kết quả đến 31/12/2017")
    page.click("button:has-text('Thêm chỉ tiêu')")
    expect(page.locator("#targets tbody tr")).to_have_count(3)
    expect(page.locator("#targets")).to_contain_text("số công bố không khớp")
    page.select_option("select[name=as_of]", "2017")
    expect(page.locator("#targets .tag.status-at_risk, #targets .tag.status-off_track").first).to_be_visible()
    shot(page, "targets-at-risk")

    # the progress figures match the registry (read straight from the server's database)
    first = page.locator("#targets tbody tr").first
    baseline = _num(first.locator("td").nth(3).inner_text().split("\n")[0])
    actual = _num(first.locator("td").nth(4).inner_text().split("\n")[0])
    def rate(y):   # recounted from the assessments themselves, not from the summary the page uses
        (t, p), = server.sql("select count(*), sum(case when a.category = 'poor' then 1 else 0 end) "
                             "from households_assessment a join units_unit u on u.id = a.province_id "
                             "where u.code = '51' and a.year = ? and a.is_current and a.kind = 'periodic'", y)
        return round(100 * p / t, 2)
    assert baseline == rate(2016) and actual == rate(2017)
    first.locator("a").first.click()
    expect(page.locator("ul.formulas")).to_contain_text("÷ (2017 − 2016)")
    page.go_back()
    page.locator("#targets tbody tr").nth(2).locator("a").first.click()
    expect(page.locator("#published")).to_contain_text("KHÔNG suy ra được")
    shot(page, "target-published-check")

    page.goto(server + "/plans/")
    page.locator("table.data tbody tr td a").first.click()
    page.click("text=Bảng điều khiển →")
    expect(page.locator("#chart-trend canvas")).to_be_visible()
    expect(page.locator("#chart-map canvas")).to_be_visible()
    page.wait_for_timeout(800)
    shot(page, "dashboard")
    page.locator("#chart-map").screenshot(path=str(shot.__globals__["SHOTS"] / "dashboard-map.png"))
    page.click("text=Phân tích đa chiều")
    expect(page.locator("#af-summary")).to_contain_text("M0")
    expect(page.locator("#af-indicators tbody tr")).to_have_count(12)    # 2021-2025 standard (latest year)
    expect(page.locator("#near tbody tr").first).to_be_visible()
    shot(page, "af-analysis")
    page.go_back()
    kpi = page.locator("a.kpi.poor")
    poor = int(re.search(r"([\d.]+) /", kpi.locator("em").inner_text()).group(1).replace(".", ""))
    kpi.click()                                   # follow the number down to its households
    expect(page.locator("h1")).to_contain_text("Danh sách hộ")
    count = int(page.locator(".actions .muted").first.inner_text().split()[0].replace(".", ""))
    assert count == poor
    expect(page.locator("table.data tbody tr").first.locator(".tag")).to_have_text("Hộ nghèo")
    page.close()
