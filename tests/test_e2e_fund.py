"""End to end in headless Chromium against a real server (its own database, loaded with the
demo): the Front committee of xã Đăk Rơ Wa (persona ``mttq``) keeps the books of its Fund for the
Poor through the pages. It adds an enterprise donor, records its pledge (cam kết) and a bank
transfer (tiền ủng hộ) that partly fulfils it, and prints the receipt (biên lai, a PDF: donor,
amount in figures and in words, the next number of the year's unbroken sequence). It allocates
(phân bổ) money to livelihoods, pays (chi) one household under that decision and finds the payment
among the household's supports. Then it publishes (công khai) the second half of 2025, and a
visitor who is not logged in finds the period on the public page with the totals of the demo's
books for those six months plus what the test recorded. Screenshots go to $CHUNGTAY_SCREENSHOTS
(a temporary folder by default; `make screenshots` refreshes docs/screenshots/)."""
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import test_e2e_pages as pages
from tests.test_e2e_pages import SHOTS, login, shot

browser, server = pages.browser, pages.server      # the fixtures: a browser, a server of this module's own

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# The period the test publishes: the second half of 2025 (the demo published each peak month, the books are
# closed up to 18/11/2025). Everything the test records lies in it, on its last days, after every entry of the demo.
START, END = "2025-07-01", "2025-12-31"
PERIOD = "01/07/2025 – 31/12/2025"
DONOR = "Công ty TNHH Cà phê Đăk Hà"
PLEDGED, GIVEN, ALLOCATED, PAID = 100_000_000, 50_000_000, 30_000_000, 12_000_000
ALIVE = "NOT EXISTS (SELECT 1 FROM fund_ledgertransaction r WHERE r.reverses_id = {}.txn_id)"


def _vnd(text: str) -> int:
    """"1.234.567 đ" → 1234567."""
    digits = re.sub(r"[^\d-]", "", text)
    assert digits, text
    return int(digits)


def _figures(server, fund, start, end):
    """The public statement's figures read straight from the books (chungtay/fund/public.py in SQL):
    received, allocated, paid out and the money held at the end; livelihood households and amount."""
    one = lambda q, *p: server.sql(q, *p)[0][0] or 0                                  # noqa: E731
    received = one("SELECT SUM(d.value_vnd) FROM fund_donation d WHERE d.fund_id = ? AND d.date BETWEEN ? AND ? AND "
                   + ALIVE.format("d"), fund, start, end)
    allocated = one("SELECT SUM(l.amount_vnd) FROM fund_allocationline l JOIN fund_allocation a "
                    "ON a.id = l.allocation_id WHERE a.fund_id = ? AND a.decision_date BETWEEN ? AND ? AND "
                    + ALIVE.format("a"), fund, start, end)
    paid = one("SELECT SUM(x.amount_vnd) FROM fund_disbursement x WHERE x.fund_id = ? AND x.date BETWEEN ? AND ? AND "
               + ALIVE.format("x"), fund, start, end)
    held = one("SELECT SUM(l.amount) FROM fund_ledgerline l JOIN fund_ledgertransaction t ON t.id = l.txn_id "
               "WHERE l.fund_id = ? AND t.date <= ? AND l.account IN ('cash', 'bank', 'goods')", fund, end)
    (households, amount), = server.sql(
        "SELECT COUNT(DISTINCT x.household_id), COALESCE(SUM(x.amount_vnd), 0) FROM fund_disbursement x "
        "WHERE x.fund_id = ? AND x.purpose = 'livelihood' AND x.date BETWEEN ? AND ? AND " + ALIVE.format("x"),
        fund, start, end)
    return {"received": received, "allocated": allocated, "paid": paid, "held": held,
            "livelihood": (households, amount)}


def _held(page):
    """"Quỹ đang giữ" of the fund's books page."""
    return _vnd(re.search(r"Quỹ đang giữ: ([\d.]+ đ)", page.locator("main").inner_text()).group(1))


def _top(page, name):
    """A screenshot of the whole page, from its top (sticky table headers stay in place)."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, name)


def _view(page, name, at=None, height=900):
    """A screenshot of what the window shows (a long list would make a picture metres long): from
    the top, or with the element ``at`` at the top of the window."""
    page.set_viewport_size({"width": 1366, "height": height})
    if at:
        page.locator(at).evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8)")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _receipt_png(pdf: bytes, name: str) -> None:
    """The printed receipt as a picture for the docs (when poppler's pdftoppm is installed)."""
    if shutil.which("pdftoppm") is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", "-", str(SHOTS / name)],
                   input=pdf, check=True, capture_output=True)


def test_pledge_donation_receipt_allocation_payment_and_public_statement(browser, server):
    (fund, fund_code, fund_name, commune_code, commune_name), = server.sql(
        "SELECT f.id, f.code, f.name, u.code, u.full_name FROM fund_fund f JOIN units_unit u ON u.id = f.unit_id "
        "JOIN accounts_assignment a ON a.unit_id = f.unit_id JOIN auth_user p ON p.id = a.user_id "
        "WHERE p.username = 'mttq'")
    # a poor (else near-poor) household of the commune in 2025 with no livelihood payment from the
    # fund in the period: the public page then counts one household more for livelihoods
    (hh, hh_code), = server.sql(
        "SELECT h.id, h.code FROM households_household h JOIN households_assessment r ON r.household_id = h.id "
        "AND r.year = 2025 AND r.kind = 'periodic' AND r.is_current AND r.category IN ('poor', 'near_poor') "
        "WHERE h.commune_id = (SELECT unit_id FROM fund_fund WHERE id = ?) AND h.status = 'active' "
        "AND NOT EXISTS (SELECT 1 FROM fund_disbursement x WHERE x.household_id = h.id "
        "AND x.purpose = 'livelihood' AND x.date BETWEEN ? AND ?) ORDER BY r.category DESC, h.id LIMIT 1",
        fund, START, END)
    (last_receipt,), = server.sql("SELECT MAX(receipt_no) FROM fund_donation WHERE fund_id = ? AND receipt_year = 2025",
                                  fund)
    assert last_receipt, "the demo has donations to the commune fund in 2025"
    before = _figures(server, fund, START, END)
    assert before["received"] > 0 and before["paid"] > 0      # the demo's books for the period are not empty
    assert not server.sql("SELECT 1 FROM fund_publishedperiod WHERE fund_id = ? AND start = ? AND \"end\" = ?",
                          fund, START, END)

    page = login(browser, server, "mttq")
    page.goto(server + "/fund/")
    with page.expect_navigation():
        page.click(f"table.data a:text-is('{fund_name}')")
    expect(page.locator("h1")).to_have_text(fund_name)
    held_before = _held(page)

    # 1. the donor, its pledge, its donation (part of the pledge) and the receipt
    with page.expect_navigation():
        page.click("nav.tabs a:text-is('Nhà tài trợ')")
    page.select_option("select[name=kind]", "enterprise")
    page.fill("input[name=name]", DONOR)
    page.fill("input[name=contact]", "Ông Nguyễn Văn Hùng, giám đốc – 0905 123 456")
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã thêm nhà tài trợ")
    expect(page.locator("table.data tbody tr", has_text=DONOR)).to_contain_text(DONOR)

    with page.expect_navigation():
        page.click("nav.tabs a:text-is('Cam kết')")
    page.select_option("select[name=donor]", label=DONOR)
    page.fill("input[name=amount_vnd]", "100.000.000")
    page.fill("input[name=made_on]", "2025-10-20")
    page.fill("input[name=due_date]", "2025-12-31")
    page.select_option("select[name=campaign]", label="Tháng cao điểm Vì người nghèo 2025")
    page.fill("input[name=note]", "Cam kết tại lễ phát động Tháng cao điểm; nộp hai đợt")
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã ghi cam kết")
    pledge = page.locator("table.data tbody tr", has_text=DONOR)
    expect(pledge).to_contain_text("100.000.000 đ")
    expect(pledge).to_contain_text("31/12/2025")
    expect(pledge.locator("td").nth(4)).to_have_text("0 đ")          # nothing paid yet

    with page.expect_navigation():
        page.click("nav.tabs a:text-is('Ủng hộ')")
    with page.expect_navigation():
        page.click("a.button:has-text('Ghi ủng hộ')")
    page.select_option("select[name=donor]", label=DONOR)
    page.fill("input[name=date]", "2025-12-29")
    page.select_option("select[name=form]", "money")
    page.fill("input[name=value_vnd]", "50.000.000")
    page.select_option("select[name=channel]", "bank")
    page.select_option("select[name=campaign]", label="Tháng cao điểm Vì người nghèo 2025")
    page.select_option("select[name=pledge]", label=f"{DONOR}: 100.000.000 đ – 31/12/2025")
    page.fill("input[name=bank_reference]", "FT25363918274")
    _top(page, "fund-donation-form")
    with page.expect_navigation():
        page.click("form.form button.primary")
    receipt = f"{fund_code}-2025-{last_receipt + 1:05d}"             # the next number: none skipped
    expect(page.locator(".messages")).to_contain_text(f"Đã ghi, biên lai số {receipt}")
    row = page.locator("table.data tbody tr").first                  # the newest receipt first
    expect(row.locator("td").first).to_have_text(receipt)
    expect(row).to_contain_text(DONOR)
    expect(row).to_contain_text("Chuyển khoản")
    expect(row).to_contain_text("50.000.000 đ")
    _view(page, "fund-donations", height=640)
    # the receipt: the printable PDF behind the receipt number
    href = row.locator("td a").first.get_attribute("href")
    resp = page.request.get(server + href)
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    assert f'bien-lai-{receipt}.pdf' in resp.headers["content-disposition"]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(resp.body())).pages)
    for expected in ("BIÊN LAI THU", f"Số: {receipt}", DONOR, "Doanh nghiệp", "50.000.000 đồng", "Chuyển khoản",
                     "Năm mươi triệu đồng", "Tháng cao điểm Vì người nghèo 2025", "FT25363918274", "29/12/2025"):
        assert expected in text, (expected, text)
    _receipt_png(resp.body(), "fund-receipt")
    # the pledge is half kept
    with page.expect_navigation():
        page.click("nav.tabs a:text-is('Cam kết')")
    pledge = page.locator("table.data tbody tr", has_text=DONOR)
    expect(pledge.locator("td").nth(4)).to_have_text("50.000.000 đ")
    expect(pledge.locator("td").nth(5)).to_have_text("50")
    _top(page, "fund-pledges")
    with page.expect_navigation():
        page.click("nav.tabs a:text-is('Sổ quỹ')")
    assert _held(page) == held_before + GIVEN

    # 2. the allocation decision, then a payment to a household under it
    with page.expect_navigation():
        page.click("a.button:text-is('Phân bổ')")
    unallocated = _vnd(re.search(r"Chưa phân bổ: ([\d.]+ đ)", page.locator("main").inner_text()).group(1))
    assert unallocated >= GIVEN
    page.fill("input[name=decision_no]", "21/QĐ-MTTQ-BTT.X")
    page.fill("input[name=decision_date]", "2025-12-30")
    page.fill("input[name=title]", "Phân bổ Quỹ hỗ trợ sinh kế cho hộ nghèo cuối năm 2025")
    page.fill("textarea[name=lines]", f"livelihood; {commune_code}; 30.000.000")
    _top(page, "fund-allocation-form")
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã ghi quyết định phân bổ")
    expect(page.locator("main")).to_contain_text("21/QĐ-MTTQ-BTT.X (30/12/2025) Phân bổ Quỹ hỗ trợ sinh kế cho hộ "
                                                 "nghèo cuối năm 2025: 30.000.000 đ")
    assert _held(page) == held_before + GIVEN                         # an allocation moves no money

    with page.expect_navigation():
        page.click("a.button:text-is('Chi hỗ trợ hộ')")
    page.fill("input[name=household]", hh_code)
    page.select_option("select[name=purpose]", "livelihood")
    page.fill("input[name=amount_vnd]", "12.000.000")
    page.fill("input[name=date]", "2025-12-31")
    page.select_option("select[name=paid_from]", "bank")
    page.select_option("select[name=allocation]", label="21/QĐ-MTTQ-BTT.X (30/12/2025)")
    page.fill("input[name=document_no]", "PC-125/2025")
    page.fill("input[name=description]", "Hỗ trợ mua bò cái giống sinh sản")
    _top(page, "fund-disbursement-form")
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text(f"Đã chi cho hộ {hh_code} và ghi vào sổ hỗ trợ của hộ")
    row = page.locator("table.data tbody tr").first                  # the latest payment first
    expect(row).to_contain_text(hh_code)
    expect(row).to_contain_text("31/12/2025")
    expect(row).to_contain_text("Hỗ trợ sinh kế, sản xuất")
    expect(row).to_contain_text("12.000.000 đ")
    _view(page, "fund-disbursements", height=560)
    # the household's page: the payment is one of its supports in 2025, from the fund
    with page.expect_navigation():
        row.locator(f"a:text-is('{hh_code}')").click()
    assert page.url.rstrip("/").endswith(f"/households/{hh}")
    year = page.locator("#support tbody tr").filter(has=page.locator("td:first-child b:text-is('2025')"))
    item = year.locator(".support-item", has_text="Hỗ trợ mua bò cái giống sinh sản")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("12.000.000 đ")
    expect(item).to_contain_text("QVNN.SX")                           # the fund's part of the catalogue
    expect(item).to_contain_text("Đã trao")
    _view(page, "fund-household", at="#support", height=480)
    assert server.sql("SELECT s.source FROM support_support s JOIN fund_disbursement x "
                      "ON x.support_entry_id = s.entry_id WHERE x.household_id = ? AND x.document_no = 'PC-125/2025' "
                      "AND s.is_current", hh) == [("fund",)]

    # 3. the period published, then read by anyone on the public page
    page.goto(server + f"/fund/{fund}/")
    assert _held(page) == held_before + GIVEN - PAID
    page.fill("input[name=start]", START)
    page.fill("input[name=end]", END)
    with page.expect_navigation():
        page.click("button:has-text('Công khai kỳ này')")
    expect(page.locator(".messages")).to_contain_text("Đã công khai kỳ báo cáo")
    expect(page.locator("main a", has_text=PERIOD)).to_have_count(1)
    page.close()

    visitor = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")   # not logged in
    visitor.goto(server + "/fund/public/")
    period = visitor.locator("table.data tbody tr", has_text=fund_name).filter(has_text=PERIOD)
    expect(period).to_have_count(1)
    _top(visitor, "fund-public-list")
    with visitor.expect_navigation():
        period.locator("a").click()
    expect(visitor.locator("h1")).to_have_text(fund_name)
    expect(visitor.locator("main")).to_contain_text(f"Kỳ {PERIOD}")
    totals = {k: _vnd(visitor.locator(f"#totals [data-total={k}]").inner_text())
              for k in ("received", "allocated", "paid", "held")}
    assert totals == {"received": before["received"] + GIVEN, "allocated": before["allocated"] + ALLOCATED,
                      "paid": before["paid"] + PAID, "held": before["held"] + GIVEN - PAID}
    livelihood = visitor.locator("#by-purpose tbody tr", has_text="Hỗ trợ sinh kế, sản xuất").locator("td")
    households, amount = before["livelihood"]
    expect(livelihood.nth(1)).to_have_text(str(households + 1))
    assert _vnd(livelihood.nth(2).inner_text()) == amount + PAID
    expect(visitor.locator("#allocations tbody tr", has_text="21/QĐ-MTTQ-BTT.X")).to_contain_text("30.000.000 đ")
    given = visitor.locator("#donations tbody tr", has_text=DONOR)
    expect(given).to_have_count(1)
    expect(given).to_contain_text("29/12/2025")
    expect(given).to_contain_text("50.000.000 đ")
    main = visitor.locator("main").inner_text()
    assert hh_code not in main                                        # no household is named on the statement
    _view(visitor, "fund-public-period", height=1180)
    visitor.close()
