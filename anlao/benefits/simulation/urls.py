"""Simulation and budget pages (in the ``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.simulation import views

urlpatterns = [
    path("simulate/", views.simulation, name="simulate"),
    path("simulate/export/", views.simulation_export, name="simulate_export"),
    path("programs/<slug:code>/budget/", views.budget, name="budget"),
]
