"""Benefit pages, namespace ``benefits``: each subpackage's URLs, included in this order
(``runs/<pk>/checks/`` and ``runs/<pk>/return-file/`` come before ``runs/<pk>/<action>/``)."""

from django.urls import include, path

app_name = "benefits"
urlpatterns = [
    path("", include("anlao.benefits.policy.urls")),
    path("", include("anlao.benefits.checks.urls")),
    path("", include("anlao.benefits.payments.urls")),
    path("", include("anlao.benefits.runs.urls")),
    path("", include("anlao.benefits.engine.urls")),
    path("", include("anlao.benefits.simulation.urls")),
]
