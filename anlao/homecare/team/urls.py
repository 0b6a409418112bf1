"""Home-care URLs for the provider's team (caregiver profiles and leave)."""

from django.urls import path

from anlao.homecare.team import views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<int:pk>/", views.profile_edit, name="team_profile"),
    path("team/<int:pk>/leave/", views.leave_new, name="team_leave"),
]
