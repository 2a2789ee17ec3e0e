from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("files/", views.file_list, name="files"),
    path("files/new", views.file_new, name="file_new"),
    path("files/<int:pk>/", views.file_page, name="file"),
    path("files/<int:pk>.json", views.file_json, name="file_json"),
    path("files/<int:pk>/download", views.file_download, name="file_download"),
    path("demo/", views.demo_status, name="demo"),
]
