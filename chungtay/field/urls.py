from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/xlsform.xlsx", views.xlsform_download, name="xlsform"),
    path("rounds/<int:pk>/ho_ra_soat.csv", views.households_download, name="households"),
    path("rounds/<int:pk>/import/", views.import_upload, name="import"),
    path("rounds/<int:pk>/sync/", views.central_sync, name="sync"),
]
