"""End to end: one commune walks through a complete periodic review in the browser —
list, survey with live classification, village meeting (one household sent back by a vote
under 50%), posting, a complaint, recognition and lock by the commune chairman — then editing a locked result is
refused and the movements reflect the round. Screenshots of each step go to $CHUNGTAY_SCREENSHOTS (a temporary folder by default;
`make screenshots` refreshes docs/screenshots/)."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from chungtay.reports.readback import xlsx_rows
from tests.test_e2e_pages import browser, login, server, shot  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
YEAR = 2026


def test_a_commune_walks_through_a_complete_round(browser, server):  # noqa: F811
    page = login(browser, server, "xa")
    # an extra household that asked to be reviewed (Form 01): one that was average last year
    page.goto(server + f"/households/?year={YEAR - 1}&category=average")
    extra = page.locator("table.data tbody tr td a").first.inner_text().strip()

    page.goto(server + "/reviews/")
    page.fill("input[name=year]", str(YEAR))
    page.click("button:has-text('Mở đợt rà soát')")
    expect(page.locator("h1")).to_contain_text(f"Rà soát định kỳ {YEAR}")
    listed = page.locator("#round-households tbody tr").count()
    assert listed > 3
    page.fill("input[name=code]", extra)
    page.click("button:has-text('Thêm hộ')")
    expect(page.locator("#round-households tbody tr")).to_have_count(listed + 1)
    shot(page, "round-1-listing")

    page.click("button:has-text('Bắt đầu rà soát')")
    expect(page.locator(".stepper li.on")).to_have_text("Rà soát, chấm điểm")
    page.locator("a.survey").first.click()
    n = 0
    while True:
        poor = n % 2 == 0
        page.fill("input[name=value]", "1000000" if poor else "1800000")
        if poor:
            for code in ("employment", "nutrition", "latrine"):
                page.check(f"input[data-code={code}]")
            expect(page.locator("#preview")).to_contain_text("Hộ nghèo: thu nhập 1.000.000 đ ≤ chuẩn nghèo 1.500.000 đ")
        else:
            expect(page.locator("#preview")).to_contain_text("Hộ có mức sống trung bình")
        if n == 0:
            shot(page, "round-2-survey")
        n += 1
        with page.expect_navigation():     # the next page, not the old one still on screen
            page.click("button[name=next]")
        if "/survey/" not in page.url:
            break
    assert n == listed + 1
    expect(page.locator(".todo")).to_contain_text("Chuyển sang họp dân")

    page.click("button:has-text('Chuyển sang họp dân')")
    sent_back_code, meetings = None, 0
    while page.locator("#meeting select[name=village] option").count():
        page.fill("#meeting input[name=chaired_by]", "Trưởng thôn A Thút")
        page.fill("#meeting input[name=attendees]", "30")
        page.fill("#meeting textarea[name=minutes]", "Họp dân bình xét danh sách hộ nghèo, cận nghèo.")
        rows = page.locator("#meeting tbody tr:not([hidden])")
        for i in range(rows.count()):
            agree = "10" if sent_back_code is None and i == 0 else "25"
            if agree == "10":
                sent_back_code = rows.nth(i).locator("small").inner_text().strip()
            rows.nth(i).locator("input").fill(agree)
        if meetings == 0:
            shot(page, "round-3-meeting")
        meetings += 1
        with page.expect_navigation():
            page.click("button:has-text('Lưu biên bản họp')")
        # each meeting saved, or the page's own message says why not (not a later, vaguer failure)
        expect(page.locator(".messages .msg").first).to_contain_text("Đã ghi biên bản họp")
    expect(page.locator(".todo")).to_contain_text("1 hộ phải rà soát lại")
    returned = page.locator("#round-households tr", has_text=sent_back_code)
    expect(returned).to_contain_text("rà soát lại")
    returned.locator("a.survey").click()
    expect(page.locator("main")).to_contain_text("Họp dân không thống nhất")
    page.fill("input[name=value]", "2000000")
    page.click("button:has-text('Lưu kết quả')")
    page.fill("#meeting input[name=chaired_by]", "Trưởng thôn A Thút")
    page.fill("#meeting input[name=attendees]", "20")
    page.fill("#meeting textarea[name=minutes]", "Họp lại sau rà soát lại.")
    page.locator("#meeting tbody tr:not([hidden]) input").fill("15")
    page.click("button:has-text('Lưu biên bản họp')")
    expect(page.locator(".todo")).to_contain_text("Niêm yết danh sách")

    page.fill("input[name=posted_from]", date.today().isoformat())
    page.click("button:has-text('Niêm yết danh sách')")
    expect(page.locator(".stepper li.on")).to_have_text("Niêm yết, phúc tra")
    page.fill("#complaint input[name=code]", extra)
    page.fill("#complaint input[name=complainant]", "Nguyễn Văn Dân")
    page.fill("#complaint textarea[name=content]", "Đề nghị phúc tra: hộ đã có thu nhập ổn định.")
    page.click("button:has-text('Ghi nhận')")
    expect(page.locator(".todo")).to_contain_text("1 khiếu nại chưa giải quyết")
    shot(page, "round-4-posting")
    page.select_option("form.resolve select[name=outcome]", "upheld")
    page.fill("form.resolve textarea[name=resolution]", "Phúc tra: thu nhập bình quân 2.600.000 đ/người/tháng.")
    page.fill("form.resolve input[name=income]", "2600000")
    page.click("button:has-text('Giải quyết')")
    expect(page.locator("main")).to_contain_text("Chấp nhận – phúc tra lại")

    # recognition and lock are the commune chairman's (docs/roles.md)
    round_url = page.url.split("?")[0]
    chair = login(browser, server, "chutich")
    chair.goto(round_url)
    chair.fill("#recognise input[name=decision_no]", "215/QĐ-UBND")
    chair.fill("#recognise input[name=decided_by]", "Chủ tịch UBND xã")
    chair.click("button:has-text('Công nhận kết quả')")
    expect(chair.locator(".stepper li.on")).to_have_text("Đã công nhận")
    shot(chair, "round-5-recognised")
    chair.click("button:has-text('Khóa đợt rà soát')")
    expect(chair.locator(".stepper li.on")).to_have_text("Đã khóa")
    expect(chair.locator(".messages")).to_contain_text("giữ kết quả năm trước")
    shot(chair, "round-6-locked")
    chair.close()

    # a locked periodic result is not offered for editing: the household page offers only the
    # regular review, and says why
    page.goto(round_url)
    page.locator("#round-households tbody tr td a").first.click()
    page.click("text=Ghi kết quả rà soát")
    page.goto(page.url.split("?")[0] + f"?year={YEAR}")
    expect(page.locator("#periodic-note")).to_contain_text("đã được công nhận và khóa")
    expect(page.locator("select[name=kind] option")).to_have_count(1)
    expect(page.locator("select[name=kind] option")).to_have_attribute("value", "regular")
    shot(page, "round-7-locked-edit-refused")

    # the movements reflect the round
    page.goto(server + "/reviews/")
    page.locator("table.data tbody tr td a").first.click()
    page.click(f"text=Biến động {YEAR - 1}→{YEAR}")
    expect(page.locator("h1")).to_contain_text("Biến động")
    body = page.locator("main").inner_text()
    newly = int(re.search(r"Hộ nghèo phát sinh\s+([\d.]+)", body).group(1).replace(".", ""))
    escaped = int(re.search(r"Thoát nghèo\s+([\d.]+)", body).group(1).replace(".", ""))
    assert newly + escaped > 0
    shot(page, "round-8-movements")

    # ... and so does the summary report form of the commune for the year
    commune_url = page.locator(".crumbs a").first.get_attribute("href")
    commune_id = re.search(r"/units/(\d+)/", commune_url).group(1)
    xlsx = page.request.get(server + f"/reports/units/{commune_id}/summary.xlsx?year={YEAR}")
    assert xlsx.status == 200
    rows = xlsx_rows(xlsx.body())
    head = next(r for r in rows if r and "Số hộ nghèo phát sinh" in r)
    col = head.index("Số hộ nghèo phát sinh")
    total = next(r for r in rows if r and any(isinstance(v, str) and "Tổng" in v for v in r[:2]))
    assert total[col] == newly
    page.goto(server + f"/units/{commune_id}/?year={YEAR}")
    households = int(page.locator(".kpi b").first.inner_text().replace(".", ""))
    total_col = next(r.index("Tổng số hộ dân cư") for r in rows if r and "Tổng số hộ dân cư" in r)
    assert total[total_col] == households
    page.close()
