"""Check findings and the life-verification worklist (in the ``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.checks import views

urlpatterns = [
    path("runs/<int:pk>/checks/", views.run_checks, name="run_checks"),
    path("life/", views.worklist, name="worklist"),
]
