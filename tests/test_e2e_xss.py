"""Markup and script payloads in every text a user or an import can write (tests/xss_payloads.py:
household and member names, addresses, ethnic groups, village and commune names, plan titles,
target notes and sources, survey reasons, meeting minutes, posting places, complaints and their
resolutions, import file names and contents, values in the import error table). Every page, every
chart tooltip and every map popup is opened in headless Chromium: nothing runs (window.__xss stays
undefined, no dialog opens) and the Content-Security-Policy is never violated (no
securitypolicyviolation event: neither our own code nor an injected attribute needed inline script)."""
import json
from pathlib import Path

import pytest

from tests.installations import installation, served
from tests.test_e2e_pages import PASSWORD, Server, browser  # noqa: F401 - the browser fixture
from tests.xss_payloads import P

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
        self.page.wait_for_timeout(150)             # an image that failed would have fired its onerror by now
        state = self.page.evaluate("() => ({xss: typeof window.__xss, csp: window.__csp})")
        assert state["xss"] == "undefined", path
        assert state["csp"] == [], (path, state["csp"])
        assert self.dialogs == [], (path, self.dialogs)
        return shown

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
