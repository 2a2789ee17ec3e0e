"""The pages the payload browser test (tests/test_e2e_xss.py) opens, and the URL patterns it does
not open, each with the reason (not a test module).

``PAGES``: by group, the user who opens the group's pages (``None``: anonymous) and their paths,
formatted with the ids tests/xss_payloads.py printed (``{household}``, ``{round}``…) and ``{q}``,
a payload in a query string. An entry is a path, or ``(path, status)`` for a page that answers an
error page (400) on purpose, or ``(path, "tooltips")`` for a page whose every chart tooltip is
shown. ``SENT``: the import forms that are opened, then sent a file whose bad cells hold payloads.

tests/test_xss_pages_complete.py resolves every path against the URL patterns and fails unless each
pattern of the project is opened here or named in ``WAIVED`` (or is an operation of the JSON API):
a new page cannot be left out silently."""
from __future__ import annotations

TOOLTIPS = "tooltips"

PAGES: dict[str, tuple[str | None, list]] = {
    "commune": ("xa", [
        "/", "/units/{commune}/", "/units/{village}/", "/households/?unit={commune}&q=XSS",
        "/households/?unit={commune}&village={village}", "/households/new/", "/households/{household}/",
        "/households/{household}/assess/", "/households/{household}/members/new/", "/reviews/", "/reviews/{round}/",
        "/reviews/{field_round}/households/{household}/survey/", "/reviews/movements/{commune}/", "/import/",
        "/import/jobs/{import_ok}/", "/import/jobs/{import_bad}/", "/reports/units/{commune}/", "/standards/",
        "/api/v1/keys/", "/api/v1/docs"]),
    "dashboards": ("tinh", [
        ("/dashboard/{province}/", TOOLTIPS), ("/dashboard/{commune}/", TOOLTIPS), "/analysis/{province}/", "/plans/",
        "/plans/{plan}/", ("/plans/targets/{target}/", TOOLTIPS), "/units/{province}/"]),
    "national": ("admin", [("/national/", TOOLTIPS), "/analysis/national/?programme={q}"]),
    "support": ("xa", [
        "/support/?unit={commune}&year=2025", "/support/?programme={q}&kind=livestock", "/support/programmes/",
        "/support/households/{household}/new/", "/support/{support}/correct/", "/support/distributions/",
        "/support/distributions/new/", "/support/distributions/{distribution}/", "/support/evidence/{evidence}/",
        "/support/partners/", "/support/partners/{partner}/", "/support/pairings/?household={household}",
        "/support/pledges/?household={household}", "/support/radar/?unit={commune}&year=2025&full=pledges",
        "/support/outcomes/?unit={commune}", "/support/report/?unit={commune}&from={q}", "/support/{support}/"]),
    "support_province": ("tinh", [
        "/support/radar/?unit={province}&year=2025&full=pledges", "/support/outcomes/",
        "/support/report/?unit={province}&from=2025&to=2025"]),
    "revolving": ("xa", [
        "/support/revolving/", "/support/revolving/new/", "/support/revolving/{revolving}/", "/support/groups/?q={q}",
        "/support/groups/{group}/"]),
    "village_head": ("thon", [
        "/reviews/{field_round}/households/{other}/survey/", "/support/groups/", "/support/pledges/?year=2026",
        "/support/revolving/{revolving}/"]),
    "fund": ("mttq", [
        "/fund/", "/fund/{fund}/", "/fund/{fund}/campaigns/", "/fund/{fund}/pledges/", "/fund/{fund}/donations/",
        "/fund/{fund}/donations/new/", "/fund/{fund}/allocate/", "/fund/{fund}/disburse/", "/fund/{fund}/pay-list/",
        "/fund/{fund}/disbursements/", "/fund/{fund}/transfer/", "/fund/{fund}/bank/?statement={statement}",
        "/fund/{fund}/recipients/", "/fund/entries/{reversible}/reverse/", "/fund/{fund}/donors/",
        "/fund/{fund}/houses/", "/fund/{fund}/houses/new/", "/fund/houses/{house}/", "/fund/houses/{house}/stage/",
        "/fund/houses/{house}/contribution/"]),
    "fund_reader": ("tinh", ["/fund/", "/fund/{fund}/", "/fund/houses/{house}/"]),
    "fund_public": (None, ["/fund/public/", "/fund/public/{period}/"]),
    "emulation": ("xa", [
        "/emulation/", "/emulation/{movement}/", "/emulation/{movement}/participants/",
        "/emulation/{movement}/registrations/", "/emulation/{movement}/pacts/", "/emulation/{movement}/activities/",
        "/emulation/{movement}/criteria/", "/emulation/evidence/{emulation_evidence}/",
        "/emulation/{movement}/nominations/", "/emulation/nominations/{nomination}/",
        "/emulation/nominations/{nomination_returned}/", "/emulation/nominations/{nomination_vote}/",
        "/emulation/nominations/{nomination_draft}/", "/emulation/{movement}/decisions/",
        "/emulation/participants/{awarded}/awards/", "/emulation/{movement}/report/",
        ("/emulation/{movement}/report/?from={q}", 400), "/emulation/runs/{run}/"]),
    "emulation_chairman": ("chutich", [
        "/emulation/runs/{run}/", "/emulation/nominations/{nomination_upward}/",
        "/emulation/nominations/{nomination_draft_decision}/", "/emulation/{movement}/decisions/",
        "/emulation/{movement}/report/"]),
    "tablet": ("xa", ["/reviews/{field_round}/"]),
    "prepared": ("tinh", ["/jobs/files/", "/jobs/files/{prepared}/"]),
    "public": (None, ["/login/", "/jobs/demo/", "/open/?year=2025&unit={province_code}",
                      "/open/?year=2025&unit={commune_code}"]),
}
SENT: dict[str, list[str]] = {
    "support": ["/support/import/"],
    "fund": ["/fund/{fund}/donations/import/", "/fund/{fund}/bank/"],
    "tablet": ["/field/rounds/{field_round}/"],
}

FILE = "a file (PDF, Excel, Word, CSV or an image), not an HTML page"
JSON = "JSON or GeoJSON (for the pages' scripts or the API), not an HTML page"
POST = ("POST only (GET answers 405): a write that redirects, or shows again the template of a page opened "
        "here, with the form's errors")
REDIRECT = "a redirect, no page of its own"
MISSING = "no page of its own: answers the 404 page"

# The URL patterns the payload test does not open, with the reason. The operations of the JSON API
# (django-ninja operations in the ``api`` namespace) are waived by their kind (JSON by construction).
WAIVED: dict[str, str] = {
    "healthz": JSON,
    "logout": POST,
    "set_language": REDIRECT,
    "api:openapi-json": JSON,
    "api:api-root": MISSING + " (django-ninja's root of the API; its docs are opened)",
    "api:not_found": JSON + " (the API's 404)",
    "imports:template": FILE, "imports:job_json": JSON, "imports:job_errors": FILE,
    "round_add": POST, "round_advance": POST, "round_meeting": POST, "round_posting": POST, "round_resolve": POST,
    "round_recognise": POST,
    "target_derive": POST, "national_geo": JSON, "dashboard_csv": FILE, "dashboard_geo": JSON,
    "reports:posting_list_pdf": FILE, "reports:posting_list_xlsx": FILE, "reports:summary_xlsx": FILE,
    "reports:certificate_pdf": FILE,
    "jobs:file_new": POST, "jobs:file_json": JSON, "jobs:file_download": FILE,
    "field:xlsform": FILE, "field:households": FILE, "field:import": POST + " (its form is sent a file here)",
    "field:sync": POST,
    "opendata:csv": FILE, "opendata:json": JSON,
    "support:cancel": POST, "support:import_template": FILE, "support:pairing_end": POST,
    "support:report_xlsx": FILE, "support:report_pdf": FILE,
    "revolving:asset_new": POST, "revolving:plan_add": POST, "revolving:event_new": POST, "revolving:event_void": POST,
    "groups:member_add": POST, "groups:member_leave": POST, "groups:meeting_add": POST, "groups:entry_add": POST,
    "groups:entry_reverse": POST,
    "fund:receipt": FILE, "fund:publish": POST,
    # A period of more than statements.INLINE_MAX (5000) donations answers a waiting page instead of the
    # file; it shows the fund's name and the period's dates only, as the fund's pages opened here do.
    "fund:public_statement": FILE + "; over 5000 donations a waiting page (the fund's name, the dates)",
    "fund:statement": FILE + "; over 5000 donations a page that asks for the file (the fund's name, the dates)",
    "emulation:state": POST, "emulation:criteria_json": JSON, "emulation:run_new": POST, "emulation:run_value": POST,
    "emulation:run_advance": POST, "emulation:nomination_item": POST, "emulation:nomination_advance": POST,
    "emulation:nomination_return": POST, "emulation:nomination_vote": POST, "emulation:nomination_decide": POST,
    "emulation:restriction_end": POST, "emulation:decision_issue": POST, "emulation:decision_revoke": POST,
    "emulation:decision_recover": POST, "emulation:certificate": FILE, "emulation:report_docx": FILE,
    "emulation:report_pdf": FILE, "emulation:report_publish": POST,
}


def entries(group: str) -> list[tuple[str, int, bool]]:
    """(path template, expected status, show the tooltips) of the group's pages."""
    out = []
    for e in PAGES[group][1]:
        path, extra = (e, None) if isinstance(e, str) else e
        out.append((path, extra if isinstance(extra, int) else 200, extra == TOOLTIPS))
    return out


def templates() -> list[str]:
    """Every path template the payload test opens (the import forms' too)."""
    return [p for g in PAGES for p, _, _ in entries(g)] + [p for paths in SENT.values() for p in paths]
