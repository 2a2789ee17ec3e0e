from django.urls import path

from . import views
from . import views_awards as awards
from . import views_report as report

app_name = "emulation"
urlpatterns = [
    path("", views.movement_list, name="list"),
    path("<int:pk>/", views.movement_detail, name="detail"),
    path("<int:pk>/state/", views.movement_state, name="state"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/registrations/", views.registrations, name="registrations"),
    path("<int:pk>/pacts/", views.pacts, name="pacts"),
    path("<int:pk>/activities/", views.activities, name="activities"),
    path("<int:pk>/criteria/", views.criteria, name="criteria"),
    path("<int:pk>/runs/new/", views.run_new, name="run_new"),
    path("criteria/<int:pk>.json", views.criteria_json, name="criteria_json"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("runs/<int:pk>/value/", views.run_value, name="run_value"),
    path("runs/<int:pk>/advance/", views.run_advance, name="run_advance"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    # nominations, votes, decisions, certificates, award histories (issue 12 §6: views_awards.py)
    path("<int:pk>/nominations/", awards.nominations, name="nominations"),
    path("<int:pk>/decisions/", awards.decisions, name="decisions"),
    path("nominations/<int:pk>/", awards.nomination, name="nomination"),
    path("nominations/<int:pk>/item/", awards.nomination_item, name="nomination_item"),
    path("nominations/<int:pk>/advance/", awards.nomination_advance, name="nomination_advance"),
    path("nominations/<int:pk>/return/", awards.nomination_return, name="nomination_return"),
    path("nominations/<int:pk>/vote/", awards.nomination_vote, name="nomination_vote"),
    path("nominations/<int:pk>/decide/", awards.nomination_decide, name="nomination_decide"),
    path("restrictions/<int:pk>/end/", awards.restriction_end, name="restriction_end"),
    path("decisions/<int:pk>/issue/", awards.decision_issue, name="decision_issue"),
    path("decisions/<int:pk>/revoke/", awards.decision_revoke, name="decision_revoke"),
    path("decisions/<int:pk>/recover/", awards.decision_recover, name="decision_recover"),
    path("decisions/<int:pk>/certificate.pdf", awards.certificate, name="certificate"),
    path("participants/<int:pk>/awards/", awards.history, name="history"),
    # the movement's review report (issue 12 §7: views_report.py)
    path("<int:pk>/report/", report.report_page, name="report"),
    path("<int:pk>/report.docx", report.report_docx, name="report_docx"),
    path("<int:pk>/report.pdf", report.report_pdf, name="report_pdf"),
    path("<int:pk>/report/publish/", report.report_publish, name="report_publish"),
]
