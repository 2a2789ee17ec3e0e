"""Markup and script payloads in every text a user or an import can write (tests/xss_payloads.py:
household and member names, addresses, ethnic groups, village and commune names, plan titles,
target notes and sources, survey reasons, meeting minutes, posting places, complaints and their
resolutions, import file names and contents, values in the import error table; and the texts of
the apps added later — support, revolving models, groups, the Fund for the Poor, the emulation
movement, the tablet survey and the prepared files: see tests/xss_payloads.py). Every page, every
chart tooltip and every map popup is opened in headless Chromium, as the roles that see it (the
Front committee for the fund's forms, anonymous for the public pages), and the import forms are sent
files whose bad cells come back in the error table: nothing runs (window.__xss stays undefined, no
dialog opens) and the Content-Security-Policy is never violated (no securitypolicyviolation event:
neither our own code nor an injected attribute needed inline script)."""
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.installations import installation, served
from tests.test_e2e_pages import PASSWORD, Server, browser  # noqa: F401 - the browser fixture
from tests.xss_payloads import P, S, T

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
ROOT = Path(__file__).resolve().parent.parent
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""
# Show every tooltip of every chart on the page (what hovering each bar, point and map area does)
# and report any element the payload would have created, and whether a tooltip showed it as text.
SHOW_ALL_TOOLTIPS = """
() => {
  var found = {charts: 0, tips: 0, injected: 0, payloadShown: 0};
  document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
    var c = echarts.getInstanceByDom(el);
    if (!c) return;
    found.charts++;
    (c.getOption().series || []).forEach(function (s, si) {
      var n = (s.data || []).length;
      for (var i = 0; i < n; i++) {
        c.dispatchAction({type: "showTip", seriesIndex: si, dataIndex: i});
        found.tips++;
        found.injected += document.querySelectorAll('img[src="x"], script:not([src]):not([type])').length;
        if (el.textContent.indexOf("window.__xss") >= 0) {      // the tooltip lives in the chart's element
          found.payloadShown++;
        }
      }
    });
  });
  return found;
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A demo installation with payloads written through the actions, then served."""
    with installation(tmp_path_factory.mktemp("xss"), "xss", 1500) as inst:
        written = inst.run("-m", "tests.xss_payloads", text=True)
        ids = json.loads(written.stdout.strip().splitlines()[-1])
        with served(inst) as url:
            srv = Server(url, inst)
            srv.ids = ids
            yield srv


class Visit:
    def __init__(self, browser, server, username):   # noqa: F811 - the fixture's value
        self.ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        self.ctx.add_init_script(WATCH)
        self.dialogs = []
        self.page = self.ctx.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.server = server
        if username is None:                        # anonymous: the public pages
            return
        self.page.goto(server + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button.primary")
        self.page.wait_for_load_state()

    def open(self, path, tooltips=False):
        resp = self.page.goto(self.server + path)
        assert resp.status == 200, (path, resp.status)
        self.page.wait_for_load_state("networkidle")
        shown = None
        if tooltips:
            shown = self.page.evaluate(SHOW_ALL_TOOLTIPS)
            assert shown["injected"] == 0, (path, shown)
        self.ran_nothing(path)
        return shown

    def send(self, path, name, content):
        """Open the page of an import form, send it a file, and check the answer (the page with the
        error table: 200 or 400)."""
        self.open(path)
        form = self.page.locator("form:has(input[type=file])")
        form.locator("input[type=file]").set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
        with self.page.expect_navigation() as nav:
            form.locator("button.primary").click()
        status = nav.value.status if nav.value else None
        assert status in (200, 400), (path, status)
        self.page.wait_for_load_state("networkidle")
        self.ran_nothing(path + " (sent " + name + ")")

    def ran_nothing(self, path):
        self.page.wait_for_timeout(150)             # an image that failed would have fired its onerror by now
        state = self.page.evaluate("() => ({xss: typeof window.__xss, csp: window.__csp})")
        assert state["xss"] == "undefined", path
        assert state["csp"] == [], (path, state["csp"])
        assert self.dialogs == [], (path, self.dialogs)

    def close(self):
        self.ctx.close()


@pytest.fixture
def visit(browser, server):   # noqa: F811 - pytest injects the imported fixture
    opened = []

    def make(username):
        v = Visit(browser, server, username)
        opened.append(v)
        return v
    yield make
    for v in opened:
        v.close()


def test_payloads_were_written(server):
    ids = server.ids
    assert ids["import_status"] == "done" and ids["import_bad_status"] == "failed"
    assert server.sql("SELECT count(*) FROM households_member WHERE full_name = ?", P)[0][0] >= 3
    for table, column in [("support_partner", "name"), ("support_pledge", "plan"), ("revolving_revolvingmodel", "name"),
                          ("revolving_event", "witness"), ("groups_group", "name"), ("groups_meeting", "minutes"),
                          ("fund_donor", "name"), ("fund_allocation", "title"), ("fund_disbursement", "description"),
                          ("emulation_movement", "name"), ("emulation_pact", "clauses"), ("emulation_activity", "story")]:
        assert server.sql(f"SELECT count(*) FROM {table} WHERE {column} = ?", P)[0][0] >= 1, table


def test_nothing_runs_on_the_commune_officers_pages(visit, server):
    ids, v = server.ids, visit("xa")
    hh, rnd = ids["household"], ids["round"]
    for path in ["/", f"/units/{ids['commune']}/", f"/units/{ids['village']}/",
                 f"/households/?unit={ids['commune']}&q=XSS", f"/households/?unit={ids['commune']}&village={ids['village']}",
                 f"/households/{hh}/", f"/households/{hh}/assess/", f"/households/{hh}/members/new/",
                 "/reviews/", f"/reviews/{rnd}/",
                 f"/reviews/movements/{ids['commune']}/", "/import/", f"/import/jobs/{ids['import_ok']}/",
                 f"/import/jobs/{ids['import_bad']}/", f"/reports/units/{ids['commune']}/", "/standards/"]:
        v.open(path)
    v.open(f"/households/{hh}/")
    assert v.page.get_by_text(P).count() >= 2                # the names are shown, as text
    v.open(f"/import/jobs/{ids['import_bad']}/")
    assert "onerror=" in v.page.inner_text("body")           # the bad values come back, as text


def test_nothing_runs_in_the_dashboards_tooltips_and_map_popups(visit, server):
    ids, v = server.ids, visit("tinh")
    shown = v.open(f"/dashboard/{ids['province']}/", tooltips=True)
    assert shown["charts"] >= 4 and shown["tips"] > 20
    assert shown["payloadShown"] > 0                          # the commune's name was in a tooltip, as text
    shown = v.open(f"/dashboard/{ids['commune']}/", tooltips=True)   # its villages: one is named with a payload
    assert shown["payloadShown"] > 0
    v.open(f"/analysis/{ids['province']}/")
    v.open("/plans/")
    v.open(f"/plans/{ids['plan']}/")
    v.open(f"/plans/targets/{ids['target']}/", tooltips=True)
    v.open(f"/units/{ids['province']}/")


def test_nothing_runs_on_the_national_map(visit, server):
    v = visit("admin")
    shown = v.open("/national/", tooltips=True)
    assert shown["charts"] == 1 and shown["tips"] > 30


# --- the apps added later (tests/xss_payloads.py: movement_apps) --------------------------------

Q = quote(P)       # a payload in a query string: echoed back in the filters' inputs


def _csv(*rows) -> bytes:
    import csv
    import io
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def test_nothing_runs_on_the_support_pages(visit, server):
    ids, v = server.ids, visit("xa")
    c, hh, entry = ids["commune"], ids["household"], ids["support"]
    for path in [f"/support/?unit={c}&year=2025", f"/support/?programme={Q}&kind=livestock",
                 f"/support/households/{hh}/new/", f"/support/{entry}/correct/", "/support/distributions/",
                 "/support/distributions/new/", f"/support/distributions/{ids['distribution']}/",
                 f"/support/evidence/{ids['evidence']}/", "/support/partners/", f"/support/pairings/?household={hh}",
                 f"/support/pledges/?household={hh}", f"/support/radar/?unit={c}&year=2025&full=pledges",
                 f"/support/outcomes/?unit={c}", f"/support/report/?unit={c}&from={Q}", f"/support/{entry}/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 2                 # description, partner, reason: as text
    # an import whose bad cells hold payloads: the error table shows them back, as text
    v.send("/support/import/", S + ".csv", _csv(
        ["ma_ho", "thanh_vien", "chuong_trinh", "loai", "mo_ta", "so_luong", "don_vi_tinh", "gia_tri", "nguon_von",
         "ngay", "trang_thai", "don_vi_ho_tro", "so_van_ban"],
        [P, S, S, P, P, P, T, S, P, P, S, P, S],
        [ids["household_code"], "", S, "livestock", P, "1", T, "1", "NSTW 100%", "01/08/2025", "", S, S]))
    assert "onerror=" in v.page.inner_text("#errors")
    v = visit("tinh")
    for path in [f"/support/radar/?unit={ids['province']}&year=2025&full=pledges", "/support/outcomes/",
                 f"/support/report/?unit={ids['province']}&from=2025&to=2025"]:
        v.open(path)


def test_nothing_runs_on_the_revolving_and_group_pages(visit, server):
    ids, v = server.ids, visit("xa")
    m, g = ids["revolving"], ids["group"]
    for path in ["/support/revolving/", "/support/revolving/new/", f"/support/revolving/{m}/",
                 f"/support/groups/?q={Q}", f"/support/groups/{g}/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 2                 # the group's name, purpose, meeting, notes
    v = visit("thon")                                         # the village head: the event forms
    for path in ["/support/groups/", "/support/pledges/?year=2026", f"/support/revolving/{m}/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 2                 # the model's name, the witness, the notes


def test_nothing_runs_on_the_fund_pages(visit, server):
    ids, v = server.ids, visit("mttq")                        # the Front committee: every form of the fund
    f = ids["fund"]
    for path in ["/fund/", f"/fund/{f}/", f"/fund/{f}/campaigns/", f"/fund/{f}/pledges/", f"/fund/{f}/donations/",
                 f"/fund/{f}/donations/new/", f"/fund/{f}/allocate/", f"/fund/{f}/disburse/",
                 f"/fund/{f}/disbursements/", f"/fund/{f}/transfer/", f"/fund/{f}/bank/?statement={ids['statement']}",
                 f"/fund/entries/{ids['reversible']}/reverse/", f"/fund/{f}/donors/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 1
    v.send(f"/fund/{f}/donations/import/", S + ".csv", _csv(
        ["nha_tai_tro", "loai", "giau_ten", "ngay", "so_tien", "hinh_thuc", "kenh", "hien_vat", "dot", "ma_giao_dich"],
        [P, S, P, P, S, P, S, P, P, S]))
    assert "onerror=" in v.page.inner_text("#errors")
    v.send(f"/fund/{f}/bank/", S + ".csv",
           _csv(["date", "amount", "reference", "description"], ["2025-10-20", P, S, P]))
    assert "onerror=" in v.page.inner_text("body")           # the bad cell, named in the message
    v = visit("tinh")                                         # a reader of the fund
    for path in ["/fund/", f"/fund/{f}/"]:
        v.open(path)
    v = visit(None)
    for path in ["/fund/public/", f"/fund/public/{ids['period']}/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 1                 # a donor named with a payload, as text


def test_nothing_runs_on_the_emulation_pages(visit, server):
    ids, v = server.ids, visit("xa")
    mv, run = ids["movement"], ids["run"]
    for path in ["/emulation/", f"/emulation/{mv}/", f"/emulation/{mv}/participants/",
                 f"/emulation/{mv}/registrations/",
                 f"/emulation/{mv}/pacts/", f"/emulation/{mv}/activities/", f"/emulation/{mv}/criteria/",
                 f"/emulation/evidence/{ids['emulation_evidence']}/", f"/emulation/runs/{run}/"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 2                 # participants, cluster, criteria, bands
    visit("chutich").open(f"/emulation/runs/{run}/")          # the chairman: the publishing form


def test_nothing_runs_on_the_tablet_survey_the_prepared_files_and_the_open_data(visit, server):
    ids, v = server.ids, visit("xa")
    rnd = ids["field_round"]
    v.send(f"/field/rounds/{rnd}/", S + ".csv", _csv(
        ["meta/instanceID", "ma_ho", "can_cu", "thu_nhap", "thieu_hut", "dang_ky_thoat_ngheo", "ghi_chu"],
        [S, P, P, S, P, T, P]))
    assert "onerror=" in v.page.inner_text("#field-errors")
    v.open(f"/reviews/{rnd}/")
    v = visit("tinh")
    v.open("/jobs/files/")
    v.open(f"/jobs/files/{ids['prepared']}/")
    v = visit(None)
    for path in [f"/open/?year=2025&unit={ids['province_code']}", f"/open/?year=2025&unit={ids['commune_code']}"]:
        v.open(path)
    assert v.page.get_by_text(P).count() >= 1                 # the commune's name, as text
