from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("units/<int:pk>/", views.unit_reports, name="unit"),
    path("units/<int:pk>/posting-list.pdf", views.posting_list_pdf, name="posting_list_pdf"),
    path("units/<int:pk>/posting-list.xlsx", views.posting_list_xlsx, name="posting_list_xlsx"),
    path("units/<int:pk>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("households/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
]
