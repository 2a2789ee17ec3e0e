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
neither our own code nor an injected attribute needed inline script).

The pages are listed in tests/xss_pages.py, by the user who opens them; tests/test_xss_pages_complete.py
holds that list against every URL pattern of the project (each is opened here or waived with its reason).
One browser context per user serves the whole module (a log-in each); a page waits for the network to
settle only when a request of its scripts is still running once it has loaded."""
import json
from pathlib import Path
from urllib.parse import quote

import pytest

import tests.test_e2e_pages as e2e_pages
from tests.installations import installation, served
from tests.test_e2e_pages import PASSWORD, Server
from tests.xss_pages import PAGES, SENT, entries
from tests.xss_payloads import P, S, T

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
browser = e2e_pages.browser             # the module's headless Chromium (a fixture)
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
    def __init__(self, browser, server, username):
        self.ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        self.ctx.add_init_script(WATCH)
        self.dialogs = []
        self.page = self.ctx.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.running = set()                        # requests not finished yet (the page's scripts' fetches)
        self.page.on("request", lambda r: self.running.add(r))
        self.page.on("requestfinished", lambda r: self.running.discard(r))
        self.page.on("requestfailed", lambda r: self.running.discard(r))
        self.server, self.username = server, username
        if username is None:                        # anonymous: the public pages
            return
        self.page.goto(server + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button.primary")
        self.page.wait_for_load_state()

    def open(self, path, tooltips=False, status=200):
        self.running.clear()
        resp = self.page.goto(self.server + path)   # returns once the page has loaded (images included)
        for _ in range(10):                         # a province's figures the worker prepares: 202, the
            if not (resp.status == 202 and status == 200):   # page reloads itself every 3 s until shown
                break
            self.ran_nothing(path)
            with self.page.expect_navigation(timeout=30_000) as nav:
                pass
            resp = nav.value
        assert resp.status == status, (path, resp.status)
        if self.running:                            # a script's fetch (map, radar, job progress, API docs)
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
        self.ran_nothing(path + " (sent " + name + ")")

    def ran_nothing(self, path):
        self.page.wait_for_timeout(150)             # an image that failed would have fired its onerror by now
        state = self.page.evaluate("() => ({xss: typeof window.__xss, csp: window.__csp})")
        assert state["xss"] == "undefined", path
        assert state["csp"] == [], (path, state["csp"])
        assert self.dialogs == [], (path, self.dialogs)

    def close(self):
        self.ctx.close()

    def open_group(self, group: str) -> dict:
        """Open every page of ``group`` (tests/xss_pages.py) in turn; what each tooltip pass found."""
        assert PAGES[group][0] == self.username, (group, self.username)
        shown = {}
        for path, status, tooltips in entries(group):
            shown[path] = self.open(path.format(**self.server.ids, q=Q), tooltips=tooltips, status=status)
        return shown

    def send_group(self, group: str, *files) -> None:
        """Send each import form of ``group`` its file, in the order of ``SENT[group]``."""
        assert len(files) == len(SENT[group])
        for path, (name, content) in zip(SENT[group], files):
            self.send(path.format(**self.server.ids), name, content)


@pytest.fixture(scope="module")
def visit(browser, server):
    """``visit(username)``: the user's browser context, logged in once and kept for the module."""
    opened: dict = {}

    def get(username):
        if username not in opened:
            opened[username] = Visit(browser, server, username)
        return opened[username]
    yield get
    for v in opened.values():
        v.close()


def test_payloads_were_written(server):
    ids = server.ids
    assert ids["import_status"] == "done" and ids["import_bad_status"] == "failed"
    assert server.sql("SELECT count(*) FROM households_member WHERE full_name = ?", P)[0][0] >= 3
    for table, column in [("support_partner", "name"), ("support_pledge", "plan"), ("revolving_revolvingmodel", "name"),
                          ("revolving_event", "witness"), ("groups_group", "name"), ("groups_meeting", "minutes"),
                          ("fund_donor", "name"), ("fund_allocation", "title"), ("fund_disbursement", "description"),
                          ("emulation_movement", "name"), ("emulation_pact", "clauses"), ("emulation_activity", "story"),
                          ("emulation_nomination", "achievements"), ("emulation_nomination", "returned_reason"),
                          ("emulation_nominationitem", "note"), ("emulation_councilvote", "council"),
                          ("emulation_councilmember", "name"), ("emulation_awarddecision", "citation"),
                          ("emulation_awarddecision", "issuer"), ("emulation_awardrevocation", "reason"),
                          ("emulation_restriction", "note"), ("api_apitoken", "name")]:
        assert server.sql(f"SELECT count(*) FROM {table} WHERE {column} = ?", P)[0][0] >= 1, (table, column)


def test_nothing_runs_on_the_commune_officers_pages(visit, server):
    ids, v = server.ids, visit("xa")
    v.open_group("commune")
    v.open(f"/households/{ids['household']}/")
    assert v.page.get_by_text(P).count() >= 2                # the names are shown, as text
    v.open(f"/import/jobs/{ids['import_bad']}/")
    assert "onerror=" in v.page.inner_text("body")           # the bad values come back, as text
    v.open("/api/v1/keys/")
    assert v.page.get_by_text(P).count() >= 1                # the key's name, as text


def test_nothing_runs_in_the_dashboards_tooltips_and_map_popups(visit, server):
    shown = visit("tinh").open_group("dashboards")
    province = shown["/dashboard/{province}/"]
    assert province["charts"] >= 4 and province["tips"] > 20
    assert province["payloadShown"] > 0                       # the commune's name was in a tooltip, as text
    assert shown["/dashboard/{commune}/"]["payloadShown"] > 0   # its villages: one is named with a payload


def test_nothing_runs_on_the_national_map(visit, server):
    shown = visit("admin").open_group("national")["/national/"]
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
    v.open_group("support")                                   # ends on the support's own page
    assert v.page.get_by_text(P).count() >= 2                 # description, partner, reason: as text
    v.open(f"/support/partners/{ids['partner']}/")
    assert v.page.get_by_text(P).count() >= 2                 # the partner's name and its donor's
    # an import whose bad cells hold payloads: the error table shows them back, as text
    v.send_group("support", (S + ".csv", _csv(
        ["ma_ho", "thanh_vien", "chuong_trinh", "loai", "mo_ta", "so_luong", "don_vi_tinh", "gia_tri", "nguon_von",
         "ngay", "trang_thai", "don_vi_ho_tro", "so_van_ban"],
        [P, S, S, P, P, P, T, S, P, P, S, P, S],
        [ids["household_code"], "", S, "livestock", P, "1", T, "1", "NSTW 100%", "01/08/2025", "", S, S])))
    assert "onerror=" in v.page.inner_text("#errors")
    visit("tinh").open_group("support_province")


def test_nothing_runs_on_the_revolving_and_group_pages(visit, server):
    v = visit("xa")
    v.open_group("revolving")                                 # ends on the group's page
    assert v.page.get_by_text(P).count() >= 2                 # the group's name, purpose, meeting, notes
    v = visit("thon")                                         # the village head: the survey and event forms
    v.open_group("village_head")                              # ends on the model's page
    assert v.page.get_by_text(P).count() >= 2                 # the model's name, the witness, the notes


def test_nothing_runs_on_the_fund_pages(visit, server):
    v = visit("mttq")                                         # the Front committee: every form of the fund
    v.open_group("fund")
    assert v.page.get_by_text(P).count() >= 1
    v.send_group("fund", (S + ".csv", _csv(
        ["nha_tai_tro", "loai", "giau_ten", "ngay", "so_tien", "hinh_thuc", "kenh", "hien_vat", "dot", "ma_giao_dich"],
        [P, S, P, P, S, P, S, P, P, S])),
        (S + ".csv", _csv(["date", "amount", "reference", "description"], ["2025-10-20", P, S, P])))
    assert "onerror=" in v.page.inner_text("body")           # the bank file's bad cell, named in the message
    visit("tinh").open_group("fund_reader")                   # a reader of the fund
    v = visit(None)
    v.open_group("fund_public")
    assert v.page.get_by_text(P).count() >= 1                 # a donor named with a payload, as text


def test_nothing_runs_on_the_emulation_pages(visit, server):
    ids, v = server.ids, visit("xa")
    v.open_group("emulation")                                 # ends on the scoring's page
    assert v.page.get_by_text(P).count() >= 2                 # participants, cluster, criteria, bands
    v.open(f"/emulation/nominations/{ids['nomination']}/")
    assert v.page.get_by_text(P).count() >= 3                 # achievements, council, members, notes
    v.open(f"/emulation/{ids['movement']}/decisions/")
    assert v.page.get_by_text(P).count() >= 1                 # issuers, citations, the revocation's reason
    visit("chutich").open_group("emulation_chairman")         # the publishing, decision and issuing forms


def test_nothing_runs_on_the_tablet_survey_the_prepared_files_and_the_open_data(visit, server):
    v = visit("xa")
    v.send_group("tablet", (S + ".csv", _csv(
        ["meta/instanceID", "ma_ho", "can_cu", "thu_nhap", "thieu_hut", "dang_ky_thoat_ngheo", "ghi_chu"],
        [S, P, P, S, P, T, P])))
    assert "onerror=" in v.page.inner_text("#field-errors")
    v.open_group("tablet")
    visit("tinh").open_group("prepared")
    v = visit(None)
    v.open_group("public")                                    # ends on the commune's open data
    assert v.page.get_by_text(P).count() >= 1                 # the commune's name, as text
