from django.urls import path

from . import views, views_import, views_partner, views_people, views_radar, views_report

app_name = "support"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("programmes/", views.catalogue, name="catalogue"),
    path("households/<int:household>/new/", views.support_new, name="new"),
    path("<int:pk>/", views.support_detail, name="detail"),
    path("<int:pk>/correct/", views.support_correct, name="correct"),
    path("<int:pk>/cancel/", views.support_cancel, name="cancel"),
    path("distributions/", views.distributions, name="distributions"),
    path("distributions/new/", views.distribution_new, name="distribution_new"),
    path("distributions/<int:pk>/", views.distribution_page, name="distribution"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("import/", views_import.upload, name="import"),
    path("import/template.xlsx", views_import.template_xlsx, name="import_template"),
    path("partners/", views_people.partners, name="partners"),
    path("partners/<int:pk>/", views_partner.partner_detail, name="partner"),
    path("pairings/", views_people.pairings, name="pairings"),
    path("pairings/<int:pk>/end/", views_people.pairing_end, name="pairing_end"),
    path("pledges/", views_people.pledges, name="pledges"),
    path("radar/", views_radar.radar, name="radar"),
    path("outcomes/", views_radar.outcomes, name="outcomes"),
    path("report/", views_report.page, name="report"),
    path("report/bieu-02.xlsx", views_report.report_xlsx, name="report_xlsx"),
    path("report/bieu-02.pdf", views_report.report_pdf, name="report_pdf"),
]
