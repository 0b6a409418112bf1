"""Benefit pages: programs and their policies, runs, and an elder's "why"."""

from django.urls import path

from anlao.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/<slug:code>/", views.program_detail, name="program"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
    path("explain/", views.explain, name="explain"),
]
