from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/targets/<int:pk>/", views.target_page, name="target"),
    path("plans/targets/<int:pk>/derive/", views.target_derive, name="target_derive"),
    path("national/", views.national, name="national"),
    path("national/provinces.geojson", views.national_geo, name="national_geo"),
    path("dashboard/<int:pk>/", views.dashboard, name="dashboard"),
    path("analysis/<int:pk>/", views.analysis, name="analysis"),
    path("dashboard/<int:pk>/data.csv", views.dashboard_csv, name="dashboard_csv"),
    path("dashboard/<int:pk>/map.geojson", views.dashboard_geo, name="dashboard_geo"),
]
