"""The "why" page (included by anlao/benefits/urls.py, in the ``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.engine import views

urlpatterns = [
    path("explain/", views.explain, name="explain"),
]
