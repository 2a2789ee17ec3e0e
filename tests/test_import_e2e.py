"""End to end, in headless Chromium against a real server process (its own database): upload a
workbook, watch the job page's progress bar poll to the result, then a bad file's error table."""
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.test_import_support import good_rows, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHUNGTAY_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sql(database: str, query: str, *params):
    if database.startswith("postgres"):
        import psycopg
        with psycopg.connect(database) as c:
            return c.execute(query.replace("?", "%s"), params).fetchall()
    import sqlite3
    with sqlite3.connect(database) as c:
        return c.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = dict(os.environ, CHUNGTAY_DATA_DIR=str(tmp_path_factory.mktemp("import-e2e")))
    db_name = base = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        db_name = f"chungtay_e2e_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {db_name}")
        env["DATABASE_URL"] = f"{base}/{db_name}"
    subprocess.run([sys.executable, "-m", "chungtay", "demo", "--households", "2500", "--no-serve"],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chungtay", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    database = env["DATABASE_URL"] if db_name else str(Path(env["CHUNGTAY_DATA_DIR"]) / "chungtay.sqlite3")
    yield f"http://127.0.0.1:{port}", database
    proc.terminate()
    proc.wait(10)
    if db_name:
        import psycopg
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


@pytest.fixture(scope="module")
def page(server):
    url, _ = server
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        pg = b.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        pg.goto(url + "/login/")
        pg.fill("input[name=username]", "xa")
        pg.fill("input[name=password]", "chungtay2025")
        pg.click("button.primary")
        pg.wait_for_load_state()
        yield pg
        b.close()


@pytest.fixture(scope="module")
def sheets(server):
    _, database = server
    commune = _sql(database, "SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                             "WHERE u.username = 'xa'")[0][0]
    codes = [r[0] for r in _sql(database, "SELECT code FROM units_unit WHERE parent_id = ? AND level = 'village' "
                                          "ORDER BY code", commune)]
    return good_rows(codes[0], codes[1], prefix="00160")


def test_upload_watch_the_progress_and_see_the_counts(server, page, sheets, tmp_path):
    url, database = server
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
    assert _sql(database, "SELECT COUNT(*) FROM households_household WHERE code LIKE ?", "00160%")[0][0] == 3
    # the same file again: nothing changes, and the page says so
    page.goto(url + "/import/")
    page.set_input_files("input[name=files]", str(path))
    page.click("button.primary")
    expect(page.locator(".import-same")).to_contain_text("Không có gì thay đổi", timeout=30_000)


def test_a_bad_file_shows_the_error_table(server, page, sheets, tmp_path):
    url, database = server
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
    row = page.locator("table.import-errors tbody tr").first
    expect(row).to_contain_text("NhanKhau")
    expect(row).to_contain_text("Giới tính phải là 'Nam' hoặc 'Nữ'")
    expect(page.locator("a[href$='errors.xlsx']")).to_be_visible()
    assert _sql(database, "SELECT COUNT(*) FROM households_household WHERE code LIKE ?", "00170%")[0][0] == 0
