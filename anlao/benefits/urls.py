"""Benefit pages: programs and their policies, runs, and an elder's "why"."""

from django.urls import path

from anlao.benefits.checks import views as checks_views
from anlao.benefits.payments import views as payviews
from anlao.benefits.runs import views

app_name = "benefits"
urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/<slug:code>/", views.program_detail, name="program"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/files/<slug:kind>/", payviews.run_file, name="run_file"),
    path("runs/<int:pk>/return-file/", payviews.run_return, name="run_return"),
    path("runs/<int:pk>/checks/", checks_views.run_checks, name="run_checks"),  # before <action>
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
    path("elders/<int:elder_id>/payment/", payviews.elder_payment, name="elder_payment"),
    path("life/", payviews.worklist, name="worklist"),
    path("overpayments/", payviews.overpayments, name="overpayments"),
    path("explain/", views.explain, name="explain"),
]

from anlao.benefits.simulation import views as simviews  # noqa: E402  (appended by the simulation feature)

urlpatterns += [
    path("simulate/", simviews.simulation, name="simulate"),
    path("simulate/export/", simviews.simulation_export, name="simulate_export"),
    path("programs/<slug:code>/budget/", simviews.budget, name="budget"),
]
