"""End to end in headless Chromium against a real server (its own database, loaded with the
demo): the commune officer of xã Đăk Rơ Wa records, through the pages, a pledge and a
distribution for two households of the village head's village, sets up a goat bank (mô hình
ngân hàng dê) for them, hands a goat to the first household and passes its kid on to the
second; then sees the pledge leave the radar's list of pledges with no support, the two
households counted on the outcomes page, the chain of the model and the model on both
household pages. The village head sees the same model, the radar and the outcomes of the
village only. Screenshots go to $CHUNGTAY_SCREENSHOTS (a temporary folder by default)."""
import pytest
from playwright.sync_api import expect

from tests import test_e2e_pages as pages
from tests.test_e2e_pages import login, shot

browser, server = pages.browser, pages.server      # the fixtures: a browser, a server of this module's own

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

YEAR = 2025          # the demo's latest year with review results; every date below lies in it


def _village_and_commune(server, username="thon"):
    (village,), = server.sql("SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                             "WHERE u.username = ?", username)
    (commune, name), = server.sql("SELECT parent_id, name FROM units_unit WHERE id = ?", village)
    return village, commune, name


def _fresh_households(server, village):
    """Two active households of the village with no pledge and no delivered support in YEAR − 1 or
    YEAR (so the radar moves only by what this test records): those poor or near-poor most
    recently first. The demo's programmes and Fund reach nearly every poor household of the small
    test village each year, so these are usually households that were near-poor some years ago."""
    return server.sql(
        "SELECT h.id, h.code FROM households_household h WHERE h.village_id = ? AND h.status = 'active'"
        " AND NOT EXISTS (SELECT 1 FROM support_support s WHERE s.household_id = h.id AND s.is_current"
        "   AND s.status = 'delivered' AND s.year BETWEEN ? AND ?)"
        " AND NOT EXISTS (SELECT 1 FROM support_pledge p WHERE p.household_id = h.id)"
        " ORDER BY COALESCE((SELECT max(a.year) FROM households_assessment a WHERE a.household_id = h.id"
        "   AND a.is_current AND a.kind = 'periodic' AND a.category IN ('poor', 'near_poor')), 0) DESC, h.id LIMIT 2",
        village, YEAR - 1, YEAR)


def _new_in_outcomes(server, households):
    """How many of the households have no delivered support in YEAR − 2 … YEAR yet (the outcomes
    page's "supported" figure grows by these once the test supports them in YEAR)."""
    return sum(1 for h in households if not server.sql(
        "SELECT count(*) FROM support_support WHERE household_id = ? AND is_current AND status = 'delivered'"
        " AND year BETWEEN ? AND ?", h, YEAR - 2, YEAR)[0][0])


def _shot(page, name):
    """A screenshot from the top of the page (a form filled further down scrolls it, and the
    tables' sticky headers would then be drawn in the middle of their rows)."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, name)


def _count(page, name):
    return int(page.locator(f"#radar-counts [data-count={name}]").inner_text().replace(".", ""))


def _radar(page, server, commune):
    page.goto(server + f"/support/radar/?unit={commune}")
    page.fill("form.filters input[name=year]", str(YEAR))
    page.click("form.filters button.primary")
    page.wait_for_url(f"**year={YEAR}**")
    expect(page.locator("h1")).to_contain_text("Không để ai bị bỏ lại phía sau")


def _holding(page, asset):
    """The row of the household page's revolving panel of one asset (by its exact code)."""
    return page.locator("#revolving tbody tr").filter(has=page.locator(f"td:text-is('{asset}')"))


def _supported(page):
    return int(page.locator("#outcome-figures [data-figure=supported]").inner_text().replace(".", ""))


def test_goat_passed_between_two_households_reaches_the_radar_outcomes_and_household_pages(browser, server):
    village, commune, village_name = _village_and_commune(server)
    (hh1, code1), (hh2, code2) = _fresh_households(server, village)
    page = login(browser, server, "xa")

    # a pledge to escape poverty in YEAR, with nothing behind it yet: on the radar's list
    page.goto(server + f"/support/pledges/?household={hh1}#new-pledge")
    expect(page.locator("input[name=household_code]")).to_have_value(code1)
    page.fill("#new-pledge input[name=year]", str(YEAR))
    page.fill("textarea[name=plan]", "Nuôi dê sinh sản theo mô hình ngân hàng dê của thôn")
    page.check("input[name=kinds_asked][value=livestock]")
    page.click("form.form button.primary")
    expect(page.locator("table.data")).to_contain_text(code1)
    _radar(page, server, commune)
    pledges_before = _count(page, "pledges")
    unsupported_before = _count(page, "unsupported")
    assert pledges_before >= 1
    expect(page.locator("#pledges table.data")).to_contain_text(code1)
    expect(page.locator("#pledges table.data")).to_contain_text(f"Đăng ký năm {YEAR}")
    _shot(page, "radar-pledge-without-support")
    page.goto(server + f"/support/outcomes/?unit={commune}&from={YEAR - 2}&to={YEAR}")
    expect(page.locator("h1")).to_contain_text("Kết quả hỗ trợ")
    supported_before = _supported(page)
    newly_supported = _new_in_outcomes(server, (hh1, hh2))

    # a distribution: barns for the goats, one decision, both households
    page.goto(server + "/support/distributions/new/")
    page.fill("input[name=decision_no]", "12/QĐ-UBND")
    page.fill("input[name=decision_date]", f"{YEAR}-02-20")
    page.fill("input[name=title]", "Hỗ trợ làm chuồng dê cho hộ tham gia mô hình")
    page.fill("textarea[name=codes]", f"{code1}\n{code2}")
    page.select_option("select[name=part]", "GNBV2125.DA3.TDA1")
    page.select_option("select[name=kind]", "barn")
    page.fill("input[name=description]", "Vật liệu làm chuồng dê sàn")
    page.fill("input[name=unit_of_measure]", "chuồng")
    page.fill("input[name=value_vnd]", "3.000.000")
    page.fill("input[name=funding]", "NSTW 100%")
    page.fill("input[name=date]", f"{YEAR}-03-10")
    page.fill("input[name=document_no]", "BB-12")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("Hỗ trợ làm chuồng dê cho hộ tham gia mô hình")
    expect(page.locator("table.data")).to_contain_text(code2)
    assert server.sql("SELECT count(*) FROM support_support WHERE document_no = 'BB-12' AND is_current "
                      "AND status = 'delivered'")[0][0] == 2

    # the goat bank: a new model of this commune (the demo may already run one here: its two are in
    # Ngọk Bay and Kon Đào, where the demo's commune officer works at some demo sizes)
    assert server.sql("SELECT count(*) FROM revolving_revolvingmodel WHERE code = 'DE-DAKROWA-2025'")[0][0] == 0
    page.goto(server + "/support/revolving/")
    page.click("text=+ Lập mô hình")
    page.fill("input[name=code]", "DE-DAKROWA-2025")
    page.fill("input[name=name]", "Ngân hàng dê thôn " + village_name)
    page.select_option("select[name=kind]", "livestock")
    page.select_option("select[name=rule_type]", "offspring")
    page.fill("input[name=months]", "18")
    page.fill("input[name=rule_note]", "Hộ nhận tiếp theo do họp thôn bình xét")
    page.fill("input[name=start_date]", f"{YEAR}-01-15")
    page.fill("textarea[name=planned]", f"{code1}\n{code2}")
    _shot(page, "revolving-new")
    page.click("form.form button.primary")
    expect(page.locator("h1")).to_contain_text("Ngân hàng dê thôn " + village_name)
    detail = page.url
    # the first goat to the first household
    page.click("summary:has-text('Thêm tài sản (giao lần đầu)')")
    form = page.locator("form[action$='/assets/new/']")
    form.locator("input[name=code]").fill("DE-01")
    form.locator("input[name=description]").fill("Dê cái Bách Thảo")
    form.locator("select[name=sex]").select_option("female")
    form.locator("input[name=value_vnd]").fill("4.500.000")
    form.locator("input[name=household]").fill(code1)
    form.locator("input[name=date]").fill(f"{YEAR}-02-01")
    form.locator("input[name=witness]").fill("Trưởng thôn " + village_name)
    form.locator("input[name=decision_no]").fill("05/QĐ-UBND")
    form.locator("button.primary").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm tài sản và ghi giao lần đầu")
    expect(page.locator("#assets table.data")).to_contain_text("DE-01")
    # its kid, born at the first household
    page.click("summary:has-text('Sinh')")
    form = page.locator("form[action$='/events/birth/']")
    form.locator("select[name=asset]").select_option(label="DE-01")
    form.locator("input[name=new_code]").fill("DE-01-1")
    form.locator("select[name=sex]").select_option("female")
    form.locator("input[name=value_vnd]").fill("1.500.000")
    form.locator("input[name=date]").fill(f"{YEAR}-08-20")
    form.locator("button.primary").click()
    expect(page.locator("#assets table.data")).to_contain_text("DE-01-1")
    # the pass-on of the kid to the second household, witnessed, by the village's decision
    page.click("summary:has-text('Luân chuyển sang hộ khác')")
    form = page.locator("form[action$='/events/transfer/']")
    form.locator("select[name=asset]").select_option(label="DE-01-1")
    form.locator("input[name=to_household]").fill(code2)
    form.locator("input[name=date]").fill(f"{YEAR}-11-25")
    form.locator("input[name=witness]").fill("Trưởng thôn " + village_name)
    form.locator("input[name=decision_no]").fill("03/QĐ-Thôn")
    form.locator("input[name=note]").fill("Dê con cái đủ 3 tháng tuổi")
    _shot(page, "revolving-transfer-form")
    form.locator("button.primary").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận")
    # the chain: the first household (generation 1), the second received from it (generation 2)
    chain = page.locator("#chain li")
    expect(chain).to_have_count(2)
    expect(chain.nth(0)).to_contain_text("Thế hệ 1")
    expect(chain.nth(0)).to_contain_text(code1)
    expect(chain.nth(1)).to_contain_text("Thế hệ 2")
    expect(chain.nth(1)).to_contain_text(code2)
    expect(chain.nth(1)).to_contain_text("← " + code1)
    transfer = page.locator("#events tr", has_text="Luân chuyển")
    expect(transfer).to_contain_text("DE-01-1")
    expect(transfer).to_contain_text(code1)
    expect(transfer).to_contain_text(code2)
    expect(transfer).to_contain_text("chứng kiến: Trưởng thôn " + village_name)
    expect(transfer).to_contain_text("QĐ 03/QĐ-Thôn")
    expect(page.locator("#plan tbody tr", has_text=code2)).to_contain_text("✓")
    _shot(page, "revolving-chain")
    assert server.sql("SELECT count(*) FROM revolving_event e JOIN revolving_revolvingmodel m ON m.id = e.model_id "
                      "WHERE m.code = 'DE-DAKROWA-2025' AND e.kind = 'transfer'")[0][0] == 1

    # both household pages: the model in the revolving panel, the barn in the support panel
    for hh, asset, generation in ((hh1, "DE-01", "1"), (hh2, "DE-01-1", "2")):
        page.goto(server + f"/households/{hh}/")
        row = _holding(page, asset)
        expect(row).to_contain_text("Ngân hàng dê thôn " + village_name)
        expect(row.locator("td").nth(2)).to_have_text(generation)
        expect(page.locator("#support")).to_contain_text("Vật liệu làm chuồng dê sàn")
    page.goto(server + f"/households/{hh1}/")
    expect(_holding(page, "DE-01")).to_contain_text("Đã chuyển đúng hạn")
    expect(_holding(page, "DE-01-1")).to_contain_text("Đã chuyển")
    _shot(page, "revolving-household")

    # the radar: the pledge now has support behind it (YEAR): off the list, one fewer
    _radar(page, server, commune)
    assert _count(page, "pledges") == pledges_before - 1
    expect(page.locator("#pledges table.data")).not_to_contain_text(code1)
    # a household poor or near-poor in the latest year had no support: no longer "unsupported"
    poorish_now = [c for h, c in ((hh1, code1), (hh2, code2)) if server.sql(
        "SELECT category FROM households_assessment WHERE household_id = ? AND year = ? AND kind = 'periodic' "
        "AND is_current", h, YEAR)[0][0] in ("poor", "near_poor")]
    assert _count(page, "unsupported") == unsupported_before - len(poorish_now)
    for c in poorish_now:
        expect(page.locator("#unsupported table.data")).not_to_contain_text(c)
    for name in ("persistent", "unsupported", "fell_back", "pledges", "near_escape"):
        assert page.locator(f"#radar-counts [data-count={name}]").inner_text().replace(".", "").isdigit()
    _shot(page, "radar")

    # the outcomes: the two households supported in YEAR are counted (once: one supported in
    # YEAR − 2 already was)
    page.goto(server + f"/support/outcomes/?unit={commune}&from={YEAR - 2}&to={YEAR}")
    assert _supported(page) == supported_before + newly_supported
    expect(page.locator("#outcome-figures")).to_contain_text("đ")
    _shot(page, "outcomes")
    page.close()

    # the village head: the model (its households live in the village), the radar and the
    # outcomes of the village; the commune's radar is outside the area (404, not 500)
    page = login(browser, server, "thon")
    page.goto(server + "/support/revolving/")
    expect(page.locator("table.data")).to_contain_text("DE-DAKROWA-2025")
    expect(page.locator("text=+ Lập mô hình")).to_have_count(0)
    page.goto(detail)
    expect(page.locator("#chain li")).to_have_count(2)
    expect(page.locator("summary:has-text('Thêm tài sản (giao lần đầu)')")).to_have_count(0)   # manage: no
    expect(page.locator("summary:has-text('Luân chuyển sang hộ khác')")).to_have_count(1)     # events: own village
    assert page.goto(server + "/support/revolving/new/").status == 403
    resp = page.goto(server + "/support/radar/")
    assert resp.status == 200
    expect(page.locator("h1")).to_contain_text(village_name)
    expect(page.locator("#pledges table.data")).not_to_contain_text(code1)
    _shot(page, "radar-village-head")
    assert page.goto(server + f"/support/radar/?unit={commune}").status == 404
    resp = page.goto(server + "/support/outcomes/")
    assert resp.status == 200
    expect(page.locator("h1")).to_contain_text(village_name)
    assert _supported(page) >= 2
    assert page.goto(server + f"/support/outcomes/?unit={commune}").status == 404
    page.close()

    # another commune's officer does not see the model
    page = login(browser, server, "xa2")
    assert page.goto(detail).status == 404
    page.goto(server + "/support/revolving/")
    expect(page.locator("main")).not_to_contain_text("DE-DAKROWA-2025")
    page.close()


def test_the_nation_sees_the_lists_counted_by_province(browser, server):
    """The national administrator's page (analysis app): the served worker makes the snapshot and
    computes the figures while the page reloads itself, then the province's row and the time of the
    snapshot show; a province officer gets 404."""
    page = login(browser, server, "admin")
    page.goto(server + "/support/")
    page.click("nav.support-nav a:text-is('Toàn quốc')")
    for _ in range(20):                          # 202 while the worker builds the snapshot: reloads every 5 s
        if page.locator("#radar-by-province").count():
            break
        with page.expect_navigation(timeout=30_000):
            pass
    expect(page.locator("#as-of")).to_contain_text("Số liệu lấy từ bản chụp cơ sở dữ liệu lúc")
    expect(page.locator("#radar-by-province tbody tr")).to_have_count(1)
    expect(page.locator("#radar-by-province tbody")).to_contain_text("Quảng Ngãi")
    total = page.locator("#radar-by-province [data-total=unsupported]").inner_text().replace(".", "")
    assert total.isdigit() and int(total) > 0
    assert int(page.locator("#outcome-figures [data-figure=supported]").inner_text().replace(".", "")) > 0
    _shot(page, "national-analysis")
    page.close()
    page = login(browser, server, "tinh")
    assert page.goto(server + "/analysis/national/").status == 404
    expect(page.locator("nav.support-nav")).to_have_count(0)
    page.close()
