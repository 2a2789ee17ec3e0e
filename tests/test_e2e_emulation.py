"""End to end in headless Chromium against a real server (its own database, loaded with the
demo): one emulation movement of xã Đăk Rơ Wa from its launch to the printed certificate, through
the pages, by the personas the roles require (docs/roles.md, the emulation table).

- The commune officer ``xa`` launches a new movement of the commune (not the demo's), moves it to
  "running", registers two villages as participants, puts them in one cluster (head and deputy)
  and records their yearly registrations (đăng ký thi đua).
- The commune Front committee ``mttq`` reports the first village's communication activity with
  its evidence.
- ``xa`` adds a criteria set with two criteria computed from the review results (households that
  escaped poverty: a ratio and a relative criterion) and one entered with evidence (the
  communication), opens the scoring of 2025, is told which values are missing, enters them,
  computes the scores — each computed score shows the figures behind it and its formula — and
  moves the scoring to the cluster re-check and to the council.
- The commune chairman ``chutich`` (the council's chair) publishes the scores; ``xa`` may not.
- ``xa`` nominates the best-scoring participant for the commune chairman's Giấy khen: the
  dossier is refused while its Law 06/2022 Art. 84 items are missing, then gets them, is
  submitted, received, appraised, voted by the council (a member of the nominated village flagged
  as a conflict of interest and not counted) and submitted upward.
- ``chutich`` records the decision (quyết định khen thưởng): the bonus is the coefficient × the
  base salary in force, rounded up to the ten thousand đồng; the certificate prints as a PDF whose
  text names the village; the decision register and the village's award history list it.

Every expected figure is computed here from the demo's records (the review results of the two
villages) and the criteria table, not typed. Screenshots ``emulation-*.png`` go to
$CHUNGTAY_SCREENSHOTS (a temporary folder by default; `make screenshots` refreshes
docs/screenshots/)."""
import datetime as dt
import json
import math
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import test_e2e_pages as pages
from tests.test_e2e_pages import SHOTS, login, shot

browser, server = pages.browser, pages.server      # the fixtures: a browser, a server of this module's own

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

YEAR = 2025                     # the year scored: the demo's latest year with review results
FIRST, LAST = 2024, 2026        # the movement's period
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The criteria set: A1 and A2 computed from the review results, B1 entered with evidence.
A1_POINTS, A1_TARGET, A2_POINTS, B1_POINTS = 40, 4, 20, 10
TABLE = {"code": "DRW-2025", "name": {"vi": "Thi đua các thôn, làng 2025", "en": "Villages 2025"},
         "bands": [{"min": 0, "label": "Hoàn thành"}, {"min": 30, "label": "Hoàn thành xuất sắc"}],
         "criteria": [
             {"code": "A1", "name": {"vi": "Hộ thoát nghèo so với chỉ tiêu", "en": "Escaped against the target"},
              "column": "escaped", "points": A1_POINTS, "kind": "ratio", "target": A1_TARGET, "source": "escaped"},
             {"code": "A2", "name": {"vi": "Hộ thoát nghèo so với các thôn trong cụm", "en": "Escaped, cluster"},
              "column": "escaped", "points": A2_POINTS, "kind": "relative", "source": "escaped"},
             {"code": "B1", "name": {"vi": "Có hoạt động tuyên truyền", "en": "Communication activity"},
              "column": "communication", "points": B1_POINTS, "kind": "boolean"}]}
COUNCIL = [  # name, position, ballot; the fourth belongs to the nominated village (its name is added)
    ("Phạm Văn Đức", "Chủ tịch UBND xã", "đồng ý"),
    ("Trần Văn Minh", "Công chức Văn hóa – Xã hội", "đồng ý"),
    ("Nguyễn Thị Hạnh", "Chủ tịch Ủy ban MTTQ xã", "đồng ý"),
    ("Y Blao", "Trưởng thôn", "đồng ý"),
    ("Lê Văn Tâm", "Bí thư Đoàn xã", "không đồng ý"),
]


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _go(page, locator):
    """Click something that navigates, and wait for the next page (not the old one still on screen)."""
    with page.expect_navigation():
        (page.locator(locator) if isinstance(locator, str) else locator).click()


def _top(page, name):
    """A screenshot from the top of the page (see test_e2e_revolving._shot)."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, name)


def _pdf_png(pdf: bytes, name: str) -> None:
    """The printed certificate as a picture for the docs (when poppler's pdftoppm is installed)."""
    if shutil.which("pdftoppm") is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(SHOTS / name)],
                   input=pdf, check=True, capture_output=True)


def _num(x) -> str:
    """Points as the scoring page writes them: the Vietnamese way, without trailing zeros."""
    s = f"{x:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return s.rstrip("0").rstrip(",")


def _villages(server, commune):
    """Each village of the commune: (id, name, escaped, poor, without a result) in YEAR, from the
    current periodic review results of the village (poor in YEAR − 1, a result in YEAR and not poor:
    the ``escaped`` source of docs/emulation.md)."""
    rows = server.sql("SELECT a.village_id, a.household_id, a.year, a.category FROM households_assessment a "
                      "WHERE a.commune_id = ? AND a.kind = 'periodic' AND a.is_current AND a.year IN (?, ?)",
                      commune, YEAR - 1, YEAR)
    history = {}
    for village, hh, year, category in rows:
        history.setdefault(village, {}).setdefault(hh, {})[year] = category
    names = dict(server.sql("SELECT id, full_name FROM units_unit WHERE parent_id = ? AND level = 'village'", commune))
    out = []
    for village, name in names.items():
        poor = [ys for ys in history.get(village, {}).values() if ys.get(YEAR - 1) == "poor"]
        escaped = sum(1 for ys in poor if ys.get(YEAR) not in (None, "poor"))
        gone = sum(1 for ys in poor if ys.get(YEAR) is None)
        out.append((village, name, escaped, len(poor), gone))
    return out


def _two_villages(server, commune):
    """The village with the most households escaped in YEAR, and one with fewer (the most of the
    others, then the most poor households), with another name."""
    vs = _villages(server, commune)
    a = max(vs, key=lambda v: (v[2], v[3], -v[0]))
    assert a[2] >= 1, "the demo commune has a village where households escaped poverty in 2025"
    others = [v for v in vs if v[2] < a[2] and v[3] > 0 and v[1] != a[1]]
    b = max(others, key=lambda v: (v[2], v[3], -v[0]))
    return a, b


def _figures(v) -> str:
    _, _, escaped, poor, gone = v
    return (f"{escaped} hộ nghèo năm {YEAR - 1} không còn nghèo năm {YEAR} (trong {poor} hộ nghèo"
            + (f", {gone} hộ chưa có kết quả {YEAR}" if gone else "") + ")")


def _score_row(page, name):
    return page.locator("table.data tbody tr").filter(has=page.locator(f"td:text-is('{name}')"))


def _cell(row, code):
    """The cell of criterion ``code`` in a row of the scoring table (cluster, rank, name, criteria…)."""
    return row.locator("td").nth(3 + [c["code"] for c in TABLE["criteria"]].index(code))


def _text(pdf: bytes) -> str:
    raw = "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", raw).split())


def test_movement_from_launch_to_the_printed_certificate(browser, server):
    (commune, commune_name), = server.sql(
        "SELECT u.id, u.full_name FROM accounts_assignment a JOIN auth_user p ON p.id = a.user_id "
        "JOIN units_unit u ON u.id = a.unit_id WHERE p.username = 'xa'")
    va, vb = _two_villages(server, commune)
    name_a, name_b = va[1], vb[1]
    demo_movements = server.sql("SELECT count(*) FROM emulation_movement")[0][0]
    today = dt.date.today()
    commune_in_text = commune_name.replace("Xã ", "xã ")            # "Xã Đăk Rơ Wa" inside a sentence
    title = f"Phong trào thi đua “Thôn, làng chung tay vì người nghèo” {commune_in_text} {FIRST}–{LAST}"
    issuer = f"UBND {commune_in_text}"

    # 1. the commune officer launches the movement
    page = login(browser, server, "xa")
    page.goto(server + "/emulation/")
    page.click("#launch summary")
    form = page.locator("#launch form")
    form.locator("input[name=name]").fill(title)
    form.locator("select[name=level]").select_option("commune")
    form.locator("select[name=unit]").select_option(str(commune))
    form.locator("input[name=decision_no]").fill("35/KH-UBND")
    form.locator("input[name=decision_date]").fill(f"{FIRST}-01-15")
    form.locator("input[name=issuer]").fill(issuer)
    form.locator("input[name=start_year]").fill(str(FIRST))
    form.locator("input[name=end_year]").fill(str(LAST))
    form.locator("textarea[name=goal_text]").fill("Mỗi năm mỗi thôn có ít nhất 2 hộ nghèo thoát nghèo bền vững")
    contents = form.locator("textarea[name=contents]").input_value().splitlines()
    assert len(contents) == 6                  # pre-filled: the six contents of Kon Tum's plan 2736/KH-UBND
    _top(page, "emulation-1-launch")
    _go(page, form.locator("button.primary"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi quyết định phát động phong trào")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".head .tag")).to_have_text("Đã phát động")
    movement = int(re.search(r"/emulation/(\d+)/$", page.url).group(1))
    assert server.sql("SELECT count(*) FROM emulation_movement")[0][0] == demo_movements + 1
    expect(page.locator("main .card ol li")).to_have_count(6)
    _go(page, "button:has-text('Chuyển sang: Đang triển khai')")
    expect(page.locator(".head .tag")).to_have_text("Đang triển khai")
    base = server + f"/emulation/{movement}"

    # 2. two villages take part, in one cluster (head and deputy of YEAR), with their registrations
    page.goto(base + "/participants/")
    for village in (va, vb):
        page.click("summary:has-text('Thêm đối tượng tham gia')")
        form = page.locator("form:has(input[name=what][value=participant])")
        form.locator("select[name=kind]").select_option("unit")
        form.locator("select[name=unit]").select_option(str(village[0]))
        _go(page, form.locator("button.primary"))
        expect(page.locator(".messages")).to_contain_text("Đã lưu")
    parts = dict(server.sql("SELECT unit_id, id FROM emulation_participant WHERE movement_id = ?", movement))
    pa, pb = parts[va[0]], parts[vb[0]]
    # a participant is named as its village is labelled: "Thôn 1 (xã … cũ)" beside its namesakes
    stored = dict(server.sql("SELECT unit_id, name FROM emulation_participant WHERE movement_id = ?", movement))
    cluster = f"Cụm thi đua các thôn, làng {commune_in_text}"
    page.click("summary:has-text('Thêm cụm, khối thi đua')")
    form = page.locator("form:has(input[name=what][value=cluster])")
    form.locator("input[name=name]").fill(cluster)
    form.locator("select[name=kind]").select_option("cluster")
    _go(page, form.locator("button.primary"))
    for p, role in ((pa, "head"), (pb, "deputy")):
        page.click("summary:has-text('Xếp đối tượng vào cụm')")
        form = page.locator("form:has(input[name=what][value=member])")
        form.locator("select[name=cluster]").select_option(label=cluster)
        form.locator("select[name=participant]").select_option(str(p))
        form.locator("input[name=year]").fill(str(YEAR))
        form.locator("select[name=role]").select_option(role)
        _go(page, form.locator("button.primary"))
        expect(page.locator(".messages")).to_contain_text("Đã lưu")
    members = page.locator("table.data").nth(1).locator("tbody tr")
    expect(members).to_have_count(2)
    expect(members.filter(has_text=name_a)).to_contain_text("Cụm trưởng")
    expect(members.filter(has_text=name_b)).to_contain_text("Cụm phó")
    expect(members.first).to_contain_text(cluster)
    _top(page, "emulation-2-participants")
    page.goto(base + "/registrations/")
    for p, planned in ((pa, 3), (pb, 2)):
        page.click("summary:has-text('Ghi đăng ký thi đua')")
        form = page.locator("details form")
        form.locator("select[name=participant]").select_option(str(p))
        form.locator("input[name=year]").fill(str(YEAR))
        form.locator("textarea[name=titles]").fill("Thôn, làng tiêu biểu trong phong trào")
        form.locator("textarea[name=targets]").fill(f"Hộ nghèo thoát nghèo | hộ | {planned}\n"
                                                     "Pano, áp phích tuyên truyền | cụm | 1")
        _go(page, form.locator("button.primary"))
        expect(page.locator(".messages")).to_contain_text("Đã ghi đăng ký thi đua")
    regs = page.locator("table.data").first.locator("tbody tr")
    expect(regs).to_have_count(2)
    expect(regs.filter(has_text=name_a)).to_contain_text("Hộ nghèo thoát nghèo: 3 hộ")
    expect(regs.filter(has_text=name_b)).to_contain_text("Hộ nghèo thoát nghèo: 2 hộ")
    page.close()

    # 3. the Front committee reports the first village's communication activity, with its evidence
    page = login(browser, server, "mttq")
    page.goto(base + "/participants/")
    expect(page.locator("summary:has-text('Thêm đối tượng tham gia')")).to_have_count(0)   # emulation_manage: no
    page.goto(base + "/activities/")
    page.click("summary:has-text('Báo cáo hoạt động')")
    form = page.locator("details form")
    form.locator("select[name=participant]").select_option(str(pa))
    form.locator("select[name=content]").select_option(index=5)          # 5. Thôn, làng giúp nhau thoát nghèo…
    form.locator("select[name=kind]").select_option("communication")
    form.locator("input[name=title]").fill("Dựng pano tuyên truyền phong trào tại nhà văn hóa thôn")
    form.locator("input[name=date]").fill(f"{YEAR}-06-15")
    form.locator("input[name=quantity]").fill("2")
    form.locator("input[name=unit_of_measure]").fill("cụm pano")
    form.locator("input[name=evidence]").set_input_files(_pdf("pano-nha-van-hoa.pdf"))
    _go(page, form.locator("button.primary"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi hoạt động")
    row = page.locator("table.data tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name_a)
    expect(row).to_contain_text("Nội dung 5")
    expect(row).to_contain_text("2 cụm pano")
    expect(row.locator("a")).to_have_text("pano-nha-van-hoa.pdf")
    _top(page, "emulation-3-activity")
    page.goto(base + "/")
    expect(page.locator("main")).to_contain_text("Hoạt động: 1")
    page.close()

    # 4. the criteria set and the scoring of YEAR: computed criteria from the review results
    page = login(browser, server, "xa")
    page.goto(base + "/criteria/")
    page.click("summary:has-text('Thêm bộ tiêu chí')")
    page.fill("details textarea[name=table]", json.dumps(TABLE, ensure_ascii=False, indent=1))
    _go(page, "details form button.primary")
    expect(page.locator(".messages")).to_contain_text("Đã lưu bộ tiêu chí")
    sets = page.locator("table.data").first
    expect(sets).to_contain_text("DRW-2025 v1")
    expect(sets.locator("div", has_text="A1")).to_contain_text("tính từ hệ thống")
    expect(sets.locator("div", has_text="B1")).to_contain_text("nhập kèm minh chứng")
    page.fill("form[action$='/runs/new/'] input[name=year]", str(YEAR))
    _go(page, "button:has-text('Mở đợt chấm điểm')")
    expect(page.locator("h2").first).to_contain_text(f"Chấm điểm năm {YEAR}")
    run_url = page.url
    run = int(re.search(r"/runs/(\d+)/", run_url).group(1))
    expect(page.locator("table.data tbody")).to_contain_text("Chưa tính điểm.")
    expect(page.locator("table.data thead th small")).to_have_text([_num(c["points"]) for c in TABLE["criteria"]])
    # the entered criterion has no value yet: the computation says whose are missing
    _go(page, "button:has-text('Tính điểm')")
    expect(page.locator(".messages")).to_contain_text("Thiếu giá trị, cần nhập kèm minh chứng")
    expect(page.locator(".messages")).to_contain_text(f"{stored[va[0]]}: B1")
    expect(page.locator(".messages")).to_contain_text(f"{stored[vb[0]]}: B1")
    communication = {pa: 1, pb: 0}       # the first village reported its communication, the second did not
    for p, value in communication.items():
        page.click("summary:has-text('Nhập giá trị tiêu chí')")
        form = page.locator("form[action$='/value/']")
        form.locator("select[name=participant]").select_option(str(p))
        form.locator("select[name=criterion]").select_option("B1")
        form.locator("input[name=value]").fill(str(value))
        # every entered value comes with its evidence (a report of the communication, or of its absence)
        form.locator("input[name=evidence]").set_input_files(_pdf("bao-cao-tuyen-truyen.pdf"))
        _go(page, form.locator("button.primary"))
        expect(page.locator(".messages")).to_contain_text("Đã ghi giá trị")
    _go(page, "button:has-text('Tính điểm')")
    expect(page.locator(".messages")).to_contain_text("Đã tính điểm")

    # the expected points, from the villages' figures and the table
    lo, hi = min(va[2], vb[2]), max(va[2], vb[2])
    expected = {}
    for v, p in ((va, pa), (vb, pb)):
        a1 = A1_POINTS * min(max(v[2] / A1_TARGET, 0), 1)
        a2 = A2_POINTS * (v[2] - lo) / (hi - lo)
        b1 = B1_POINTS if communication[p] == 1 else 0
        expected[v[1]] = {"A1": a1, "A2": a2, "B1": b1, "total": a1 + a2 + b1}
    best, other = sorted(expected, key=lambda n: -expected[n]["total"])
    assert expected[best]["total"] > expected[other]["total"]
    best_v = va if best == name_a else vb
    for name, e in expected.items():
        row = _score_row(page, name)
        expect(row.locator("td").nth(0)).to_have_text(cluster)
        expect(row.locator("td").nth(1)).to_have_text("1" if name == best else "2")
        for code in ("A1", "A2", "B1"):
            expect(_cell(row, code).locator("summary")).to_have_text(_num(e[code]))
        expect(row.locator("td").nth(6)).to_have_text(_num(e["total"]))
        expect(row.locator("td").nth(7)).to_have_text("Hoàn thành xuất sắc" if e["total"] >= 30 else "Hoàn thành")
    # A1 of each village comes from the outcomes: the figures behind it and its formula are shown
    for v in (va, vb):
        cell = _cell(_score_row(page, v[1]), "A1")
        cell.locator("summary").click()
        expect(cell.locator("div.small").first).to_have_text(_figures(v))
        explanation = cell.locator("code")
        expect(explanation).to_contain_text(f"escaped = {v[2]}: {A1_POINTS} × {v[2]}/{A1_TARGET}")
        expect(explanation).to_contain_text(f"= {_num(expected[v[1]]['A1'])} điểm")
    cell = _cell(_score_row(page, best), "A2")
    cell.locator("summary").click()
    expect(cell.locator("code")).to_contain_text(f"(thấp nhất trong cụm {lo}, cao nhất {hi})")
    assert server.sql("SELECT source FROM emulation_score WHERE run_id = ? AND participant_id = ? AND criterion = 'A1'",
                      run, pa)[0][0] == "escaped"
    _top(page, "emulation-4-scores")
    _go(page, "button:has-text('Chuyển sang: Cụm, khối phúc tra')")
    _go(page, "button:has-text('Chuyển sang: Hội đồng thi đua chấm')")
    expect(page.locator("h2 + p .tag")).to_have_text("Hội đồng thi đua chấm")
    expect(page.locator("button:has-text('Công bố kết quả')")).to_have_count(0)      # scoring_publish: no

    # 5. the commune chairman, who chairs the council, publishes the scores
    chair = login(browser, server, "chutich")
    chair.goto(run_url)
    chair.fill("form[action$='/advance/'] input[name=comment_days]", "15")
    _go(chair, "button:has-text('Công bố kết quả')")
    expect(chair.locator(".messages")).to_contain_text("Đã chuyển bước chấm điểm")
    expect(chair.locator("h2 + p .tag")).to_have_text("Đã công bố")
    expect(chair.locator("h2 + p")).to_contain_text(
        f"công bố ngày {today:%d/%m/%Y}, lấy ý kiến đến hết ngày {today + dt.timedelta(days=15):%d/%m/%Y}")
    expect(chair.locator("button:has-text('Tính điểm')")).to_have_count(0)           # nothing changes any more
    _top(chair, "emulation-5-published")

    # 6. the best-scoring village is nominated for the commune chairman's Giấy khen
    page.goto(base + "/nominations/")
    leaders = page.locator("table.data").first.locator("tbody tr")
    expect(leaders).to_have_count(1)                                   # rank 1 of the one cluster
    expect(leaders.locator("td").nth(2)).to_have_text(stored[best_v[0]])
    expect(leaders.locator("td").nth(3)).to_have_text(_num(expected[best]["total"]))
    page.click("summary:has-text('Lập hồ sơ đề nghị khen thưởng')")
    form = page.locator("form:has(input[name=what][value=nomination])")
    form.locator("select[name=participant]").select_option(str(parts[best_v[0]]))
    form.locator("select[name=subject_kind]").select_option("collective")
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("select[name=form_code]").select_option("giay_khen_xa")
    form.locator("textarea[name=achievements]").fill(
        f"Dẫn đầu {cluster} năm {YEAR} với {_num(expected[best]['total'])} điểm: {_figures(best_v)}.")
    form.locator("select[name=run]").select_option(str(run))
    _go(page, form.locator("button.primary"))
    expect(page.locator(".messages")).to_contain_text("Đã lập hồ sơ đề nghị khen thưởng")
    nomination_url = page.url
    head = page.locator(".card", has_text="Hồ sơ đề nghị khen thưởng #")
    expect(head.locator("h2 .tag")).to_have_text("Đang lập hồ sơ")
    expect(head).to_contain_text(best)
    expect(head).to_contain_text("Giấy khen của Chủ tịch UBND xã")
    # not submitted while the items of Art. 84 are missing
    _go(page, "button:has-text('Chuyển bước: Đã nộp')")
    expect(page.locator(".messages")).to_contain_text("Chưa nộp được: hồ sơ còn thiếu")
    expect(page.locator(".messages")).to_contain_text("Điều 84")
    expect(page.locator("h2 .tag").first).to_have_text("Đang lập hồ sơ")
    items = page.locator("form[action$='/item/'] select[name=item] option")
    values = [items.nth(i).get_attribute("value") for i in range(items.count())]
    assert len(values) == 4
    for i, value in enumerate(values):
        form = page.locator("form[action$='/item/']")
        form.locator("select[name=item]").select_option(value)
        form.locator("input[name=file]").set_input_files(_pdf(f"thanh-phan-{i + 1}.pdf"))
        form.locator("input[name=checked]").check()
        _go(page, form.locator("button"))
        expect(page.locator(".messages")).to_contain_text("Đã lưu thành phần hồ sơ")
    expect(page.locator("table.data").first.locator("tbody tr", has_text="✓")).to_have_count(4)
    for step in ("Đã nộp", "Đã tiếp nhận", "Đã thẩm định"):
        _go(page, f"button:has-text('Chuyển bước: {step}')")
        expect(page.locator("h2 .tag").first).to_have_text(step)
    # the council's vote: a member of the nominated village is flagged and not counted
    members = [(n, pos, ballot, best if n == "Y Blao" else "") for n, pos, ballot in COUNCIL]
    form = page.locator("form[action$='/vote/']")
    form.locator("input[name=council]").fill(f"Hội đồng Thi đua – Khen thưởng {commune_in_text}")
    form.locator("textarea[name=members]").fill("\n".join(f"{n} | {pos} | có mặt | {b} | {aff}"
                                                          for n, pos, b, aff in members))
    form.locator("input[name=minutes]").set_input_files(_pdf("bien-ban-hoi-dong.pdf"))
    _go(page, form.locator("button.primary"))
    expect(page.locator(".messages")).to_contain_text("Đã ghi kết quả bỏ phiếu")
    approvals = sum(1 for n, _, b, aff in members if b == "đồng ý" and not aff)
    assert approvals * 2 > len(members)
    vote = page.locator(".card:has(h2:text-is('Kết quả bỏ phiếu của hội đồng'))")
    expect(vote).to_contain_text(f"{len(members)}/{len(members)} thành viên có mặt")
    expect(vote).to_contain_text(f"{approvals}/{len(members)} đồng ý")
    expect(vote).to_contain_text("được thông qua")
    expect(vote.locator("tr", has_text="Y Blao")).to_contain_text("Thuộc đơn vị được đề nghị khen thưởng")
    expect(vote.locator("p", has_text="Quy tắc")).to_contain_text("Giả định, cần đối chiếu văn bản")
    expect(vote).not_to_contain_text("ASSUMPTION")
    against = vote.locator("tr", has_text="Lê Văn Tâm").locator("td")
    expect(against.nth(4)).to_have_text("không đồng ý")                 # the ballot, in Vietnamese
    expect(against.nth(5)).to_have_text("–")
    # not submitted upward while the published scores are open to public comment (15 days from today)
    _go(page, "button:has-text('Chuyển bước: Đã trình cấp có thẩm quyền')")
    expect(page.locator(".messages")).to_contain_text(
        f"đang lấy ý kiến công khai đến hết ngày {today + dt.timedelta(days=15):%d/%m/%Y}")
    expect(page.locator("h2 .tag").first).to_have_text("Hội đồng đã bỏ phiếu")
    # the period passes (the scores published 16 days ago, the comments closed yesterday)
    server.sql("UPDATE emulation_scorerun SET published_on = ?, comment_until = ? WHERE id = ?",
               (today - dt.timedelta(days=16)).isoformat(), (today - dt.timedelta(days=1)).isoformat(), run)
    _go(page, "button:has-text('Chuyển bước: Đã trình cấp có thẩm quyền')")
    expect(page.locator("h2 .tag").first).to_have_text("Đã trình cấp có thẩm quyền")
    expect(page.locator("form[action$='/decide/']")).to_have_count(0)                # award_decide: no
    _top(page, "emulation-6-nomination")
    page.close()

    # 7. the chairman records the decision; the certificate prints
    chair.goto(nomination_url)
    form = chair.locator("form[action$='/decide/']")
    expect(form.locator("input[name=issuer]")).to_have_value(issuer)
    form.locator("select[name=final]").select_option("1")
    form.locator("input[name=number]").fill("48/QĐ-UBND")
    form.locator("input[name=decided_on]").fill(today.isoformat())
    form.locator("input[name=signer]").fill("Phạm Văn Đức")
    _go(chair, form.locator("button.primary"))
    expect(chair.locator(".messages")).to_contain_text("Đã ghi quyết định khen thưởng")
    expect(chair.locator("h2 .tag").first).to_have_text("Đã có quyết định")
    decision = chair.locator(".card", has_text="Tiền thưởng")
    expect(decision).to_contain_text("Số 48/QĐ-UBND")
    bonus_line = decision.locator("p", has_text="Tiền thưởng").inner_text()
    coef, salary, source, bonus = re.search(r"Tiền thưởng: ([\d.,]+) × ([\d.]+) \((.+?)\) = ([\d.]+) đồng",
                                            bonus_line).groups()
    coef, salary, bonus = Decimal(coef.replace(",", ".")), int(salary.replace(".", "")), int(bonus.replace(".", ""))
    from chungtay.emulation import commendation as rules      # the rules as data: the coefficient, the salary
    assert coef == Decimal(str(rules.FORMS_BY_CODE["giay_khen_xa"].coefficient["collective"]))
    assert (salary, source) == rules.base_salary(today)
    assert bonus == math.ceil(coef * salary / 10_000) * 10_000            # rounded up to the ten thousand đồng
    assert bonus % 10_000 == 0 and 0 <= bonus - coef * salary < 10_000
    _top(chair, "emulation-7-decision")
    link = chair.locator("a:has-text('In giấy khen, bằng khen (PDF)')")
    resp = chair.request.get(server + link.get_attribute("href"))
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    pdf = resp.body()
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert best in text
    assert "GIẤY KHEN" in text and "TẶNG" in text
    assert "Quyết định số 48/QĐ-UBND" in text
    assert f"ngày {today:%d/%m/%Y}" in text
    assert issuer.upper().replace("UBND", "ỦY BAN NHÂN DÂN") in text
    assert "DỰ THẢO" not in text
    # the default citation names the movement once ("… trong phong trào thi đua “Thôn, làng …”, năm 2025")
    assert f"Đã có thành tích xuất sắc trong {title[0].lower()}{title[1:]}, năm {YEAR}" in text
    _pdf_png(pdf, "emulation-8-certificate")

    # the decision register and the village's award history list it
    chair.goto(base + "/decisions/")
    row = chair.locator("table.data tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("48/QĐ-UBND")
    expect(row).to_contain_text(best)
    expect(row).to_contain_text(f"{bonus:,}".replace(",", "."))
    chair.goto(server + f"/emulation/participants/{parts[best_v[0]]}/awards/")
    expect(chair.locator("main")).to_contain_text("48/QĐ-UBND")
    expect(chair.locator("main")).to_contain_text(f"Số năm liên tục có khen thưởng tính đến {YEAR}: 1")
    chair.close()
