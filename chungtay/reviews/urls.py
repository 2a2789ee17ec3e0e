from django.urls import path

from . import views

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("<int:pk>/", views.round_page, name="round"),
    path("<int:pk>/add/", views.round_add, name="round_add"),
    path("<int:pk>/advance/", views.round_advance, name="round_advance"),
    path("<int:pk>/households/<int:hid>/survey/", views.round_survey, name="round_survey"),
    path("<int:pk>/meeting/", views.round_meeting, name="round_meeting"),
    path("<int:pk>/posting/", views.round_posting, name="round_posting"),
    path("<int:pk>/complaints/<int:cid>/", views.round_resolve, name="round_resolve"),
    path("<int:pk>/recognise/", views.round_recognise, name="round_recognise"),
    path("movements/<int:unit>/", views.movements_page, name="movements"),
]
