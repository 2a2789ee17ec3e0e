from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/savings/", views.entry_add, name="entry_add"),
    path("savings/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
]
