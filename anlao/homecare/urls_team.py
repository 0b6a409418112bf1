"""Home-care URLs for the provider's team (caregiver profiles and leave)."""

from django.urls import path

from anlao.homecare import views_team

urlpatterns = [
    path("team/", views_team.team, name="team"),
    path("team/<int:pk>/", views_team.profile_edit, name="team_profile"),
    path("team/<int:pk>/leave/", views_team.leave_new, name="team_leave"),
]
