from django.urls import path

from . import views

app_name = "revolving"
urlpatterns = [
    path("", views.model_list, name="list"),
    path("new/", views.model_new, name="new"),
    path("<int:pk>/", views.model_detail, name="detail"),
    path("<int:pk>/assets/new/", views.asset_new, name="asset_new"),
    path("<int:pk>/plan/", views.plan_add, name="plan_add"),
    path("<int:pk>/events/<str:kind>/", views.event_new, name="event_new"),
    path("<int:pk>/events/<int:event>/void/", views.event_void, name="event_void"),
]
