"""Run pages: the list, one run, its progress and its actions (in the ``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.runs import views

urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
]
