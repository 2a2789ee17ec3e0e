"""End to end in headless Chromium against a real server: the commune officer records a
distribution (one decision, two households), a partner, a pairing and a pledge through the
pages, and sees them on the household page beside the year's result; the village head sees
them read-only. Screenshots go to $CHUNGTAY_SCREENSHOTS (a temporary folder by default)."""
import pytest
from playwright.sync_api import expect

from tests.test_e2e_pages import browser, login, server, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _two_households(server, village_name="thon"):
    """Two active households of the village head's village (the commune officer's commune)."""
    (village,), = server.sql("SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                             "WHERE u.username = ?", village_name)
    rows = server.sql("SELECT id, code FROM households_household WHERE village_id = ? AND status = 'active' "
                      "ORDER BY id LIMIT 2", village)
    return rows


def test_distribution_pairing_and_pledge_reach_the_household_page(browser, server):  # noqa: F811
    (hh1, code1), (hh2, code2) = _two_households(server)
    page = login(browser, server, "xa")
    # a distribution: one decision, two households
    page.goto(server + "/support/distributions/new/")
    page.fill("input[name=decision_no]", "46/QĐ-UBND")
    page.fill("input[name=decision_date]", "2024-04-01")
    page.fill("input[name=title]", "Cấp bò giống cho hộ nghèo")
    page.fill("textarea[name=codes]", f"{code1}\n{code2}")
    page.select_option("select[name=part]", "GNBV2125.DA3.TDA1")
    page.select_option("select[name=kind]", "livestock")
    page.fill("input[name=description]", "Bò cái giống lai Zebu")
    page.fill("input[name=unit_of_measure]", "con")
    page.fill("input[name=value_vnd]", "20.000.000")
    page.fill("input[name=funding]", "NSTW 70%; HO 30%")
    page.fill("input[name=date]", "2024-04-10")
    page.fill("input[name=document_no]", "BB-46")
    shot(page, "support-distribution-form")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("Cấp bò giống cho hộ nghèo")
    expect(page.locator("table.data")).to_contain_text(code1)
    expect(page.locator("table.data")).to_contain_text(code2)
    shot(page, "support-distribution")
    assert server.sql("SELECT count(*) FROM support_support WHERE document_no = 'BB-46' AND is_current")[0][0] == 2
    # a partner and a pairing with the first household
    page.goto(server + "/support/partners/")
    page.click("text=Đăng ký tổ chức, cá nhân")
    page.fill("input[name=name]", "Hội Liên hiệp Phụ nữ xã")
    page.select_option("select[name=kind]", "womens_union")
    page.click("form.form button.primary")
    expect(page.locator("table.data")).to_contain_text("Hội Liên hiệp Phụ nữ xã")
    page.goto(server + f"/support/pairings/?household={hh1}#new-pairing")
    page.select_option("select[name=helper]", label="Hội Liên hiệp Phụ nữ xã (Hội Liên hiệp Phụ nữ)")
    page.fill("input[name=start_date]", "2024-01-15")
    page.fill("textarea[name=commitments]", "Hướng dẫn làm chuồng và chăm sóc bò")
    page.click("form.form button.primary")
    expect(page.locator("table.data")).to_contain_text("Hướng dẫn làm chuồng")
    shot(page, "support-pairings")
    # a pledge to escape poverty in 2024
    page.goto(server + f"/support/pledges/?household={hh1}#new-pledge")
    expect(page.locator("input[name=household_code]")).to_have_value(code1)
    page.fill("#new-pledge input[name=year]", "2024")
    page.fill("textarea[name=plan]", "Nuôi bò sinh sản, trồng cà phê")
    page.check("input[name=kinds_asked][value=livestock]")
    page.click("form.form button.primary")
    expect(page.locator("table.data")).to_contain_text(code1)
    shot(page, "support-pledges")
    # the household page: the support beside the 2024 result, the pairing and the pledge
    page.goto(server + f"/households/{hh1}/")
    panel = page.locator("#support")
    row = panel.locator("tr", has=page.locator("td b", has_text="2024"))
    expect(row).to_contain_text("Con giống, vật nuôi")
    expect(row).to_contain_text("20.000.000")
    expect(row).to_contain_text("Hội Liên hiệp Phụ nữ xã")
    expect(row).to_contain_text("Thoát nghèo")
    expect(row.locator(".tag").first).to_be_visible()            # the year's review result
    shot(page, "support-household")
    page.close()
    # the village head sees the same, without the buttons
    page = login(browser, server, "thon")
    page.goto(server + f"/households/{hh1}/")
    expect(page.locator("#support")).to_contain_text("Bò cái giống lai Zebu")
    expect(page.locator("#support")).not_to_contain_text("+ Ghi hỗ trợ")
    shot(page, "support-household-village-head")
    page.close()
