from django.urls import path

from . import views, views_import, views_people

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
    path("pairings/", views_people.pairings, name="pairings"),
    path("pairings/<int:pk>/end/", views_people.pairing_end, name="pairing_end"),
    path("pledges/", views_people.pledges, name="pledges"),
]
