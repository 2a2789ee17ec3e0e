"""End to end in headless Chromium against a real server loaded with the demo: the Front committee of
the demo commune (persona ``mttq``) decides an allocation for Tết gifts, then pays three households at
once on "Chi theo danh sách". A first try with an unknown and a repeated code shows both lines in
Vietnamese and pays nobody; the corrected list pays all three, each payment a support of its
household. Screenshots go to $CHUNGTAY_SCREENSHOTS (`make screenshots` refreshes docs/screenshots/)."""
import pytest
from playwright.sync_api import expect

from tests import test_e2e_pages as pages
from tests.test_e2e_fund import _view
from tests.test_e2e_pages import login, shot

browser, server = pages.browser, pages.server      # the fixtures: a browser, a server of this module's own

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DECISION = "22/QĐ-MTTQ-BTT.X"


def test_the_committee_pays_a_list_of_households_at_once(browser, server):
    (fund, commune), = server.sql(
        "SELECT f.id, f.unit_id FROM fund_fund f JOIN accounts_assignment a ON a.unit_id = f.unit_id "
        "JOIN auth_user p ON p.id = a.user_id WHERE p.username = 'mttq'")
    (commune_code, commune_name), = server.sql("SELECT code, full_name FROM units_unit WHERE id = ?", commune)
    codes = [c for c, in server.sql("SELECT code FROM households_household WHERE commune_id = ? AND status = 'active' "
                                    "AND end_year IS NULL ORDER BY id LIMIT 3", commune)]
    page = login(browser, server, "mttq")
    page.goto(server + f"/fund/{fund}/")
    with page.expect_navigation():
        page.click("a.button:text-is('Phân bổ')")
    page.fill("input[name=decision_no]", DECISION)
    page.fill("input[name=decision_date]", "2026-01-10")
    page.fill("input[name=title]", "Quà Tết Bính Ngọ cho hộ nghèo")
    page.fill("textarea[name=lines]", f"livelihood; {commune_code}; 1.500.000")
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã ghi quyết định phân bổ")

    with page.expect_navigation():
        page.click("a.button:text-is('Chi theo danh sách')")
    expect(page.locator("h1")).to_have_text("Chi hỗ trợ theo danh sách hộ")
    page.select_option("select[name=allocation]", label=f"{DECISION} (10/01/2026)")
    page.select_option("select[name=purpose]", "livelihood")
    page.fill("input[name=amount_vnd]", "500.000")
    page.fill("input[name=date]", "2026-01-15")
    page.fill("input[name=description]", "Quà Tết Bính Ngọ")
    page.fill("textarea[name=households]", f"{codes[0]}\n{codes[1]}\nKHONG-CO\n{codes[0]}")
    with page.expect_navigation():
        page.click("form.form button.primary")
    errors = page.locator("form .error")
    expect(errors).to_contain_text(f"Dòng 3: Mã hộ KHONG-CO: không có trong {commune_name}")
    expect(errors).to_contain_text(f"Dòng 4: mã hộ {codes[0]} đã có ở dòng 1")
    shot(page, "fund-pay-list-errors")
    assert server.sql("SELECT count(*) FROM fund_disbursement WHERE document_no = ?", DECISION) == [(0,)]

    page.fill("textarea[name=households]", "\n".join(codes))
    with page.expect_navigation():
        page.click("form.form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã chi cho 3 hộ, tổng 1.500.000 đ, và ghi vào sổ hỗ trợ của từng hộ")
    rows = page.locator("table.data tbody tr", has_text="15/01/2026")
    expect(rows).to_have_count(3)
    for code in codes:
        expect(page.locator("table.data tbody tr", has_text=code).first).to_contain_text("500.000 đ")
    _view(page, "fund-pay-list-done", height=560)
    paid = server.sql("SELECT h.code, s.source, s.value_vnd FROM fund_disbursement d JOIN households_household h "
                      "ON h.id = d.household_id JOIN support_support s ON s.entry_id = d.support_entry_id AND s.is_current "
                      "WHERE d.document_no = ? ORDER BY h.id", DECISION)
    assert paid == [(c, "fund", 500_000) for c in codes]
    page.close()
