"""End to end, in headless Chromium against a real server process (its own database): upload a
workbook, watch the job page's progress bar poll to the result, then a bad file's error table."""
import pytest
from playwright.sync_api import expect

from tests.test_e2e_pages import browser, login, server  # noqa: F401  (shared fixtures)
from tests.test_import_support import good_rows, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def page(browser, server):  # noqa: F811
    pg = login(browser, server, "xa")
    yield pg
    pg.close()


@pytest.fixture(scope="module")
def sheets(server):  # noqa: F811
    commune = server.sql("SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                             "WHERE u.username = 'xa'")[0][0]
    codes = [r[0] for r in server.sql("SELECT code FROM units_unit WHERE parent_id = ? AND level = 'village' "
                                          "ORDER BY code", commune)]
    return good_rows(codes[0], codes[1], prefix="00160")


def test_upload_watch_the_progress_and_see_the_counts(server, page, sheets, tmp_path):
    url = server
    path = write_xlsx(tmp_path / "danh_sach.xlsx", sheets)
    page.goto(url + "/import/")
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu từ Excel")
    page.set_input_files("input[name=files]", str(path))
    page.click("button.primary")
    page.wait_for_url("**/import/jobs/*/")
    expect(page.locator(".import-bar")).to_be_visible()
    expect(page.locator("h2")).to_contain_text("Đã nhập", timeout=30_000)     # the poll reloaded the page
    expect(page.locator("#import-pct")).to_have_text("100")
    rows = page.locator("table.import-counts tbody tr")
    expect(rows.nth(0)).to_contain_text("Hộ gia đình")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("3")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("7")
    assert server.sql("SELECT COUNT(*) FROM households_household WHERE code LIKE ?", "00160%")[0][0] == 3
    # the same file again: nothing changes, and the page says so
    page.goto(url + "/import/")
    page.set_input_files("input[name=files]", str(path))
    page.click("button.primary")
    expect(page.locator(".import-same")).to_contain_text("Không có gì thay đổi", timeout=30_000)


def test_a_bad_file_shows_the_error_table(server, page, sheets, tmp_path):
    url = server
    bad = {k: [list(r) for r in v] for k, v in sheets.items()}
    for sheet in bad.values():
        for r in sheet[1:]:
            r[0] = r[0].replace("00160", "00170")
    bad["NhanKhau"][2][2] = "Không rõ"
    path = write_xlsx(tmp_path / "loi.xlsx", bad)
    page.goto(url + "/import/")
    page.set_input_files("input[name=files]", str(path))
    page.click("button.primary")
    expect(page.locator("h2")).to_contain_text("Không nhập được", timeout=30_000)
    # the members keep the ID numbers of the file already imported: those rows are refused as
    # duplicates too; the sex error is reported on its own row
    row = page.locator("table.import-errors tbody tr", has_text="Giới tính phải là 'Nam' hoặc 'Nữ'")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("NhanKhau")
    expect(page.locator("table.import-errors tbody")).to_contain_text("Số CCCD")
    expect(page.locator("a[href$='errors.xlsx']")).to_be_visible()
    assert server.sql("SELECT COUNT(*) FROM households_household WHERE code LIKE ?", "00170%")[0][0] == 0
