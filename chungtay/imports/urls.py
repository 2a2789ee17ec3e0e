from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template_xlsx, name="template"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>.json", views.job_json, name="job_json"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
]
