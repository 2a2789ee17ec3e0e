"""Open aggregate data, public (no login): docs/opendata.md."""
from django.urls import path
from django.views.decorators.http import require_safe

from . import views

app_name = "opendata"

urlpatterns = [
    path("", require_safe(views.page), name="page"),
    path("figures.csv", require_safe(views.data_csv), name="csv"),
    path("figures.json", require_safe(views.data_json), name="json"),
]
