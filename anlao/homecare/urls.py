"""Home-care URLs: one list per part, each owned by its module."""

from django.urls import path

from anlao.homecare import (
    urls_dispatch,
    urls_orders,
    urls_settlement,
    urls_team,
    urls_visits,
    views,
)

app_name = "homecare"
urlpatterns = [
    path("", views.index, name="index"),
    *urls_orders.urlpatterns,
    *urls_dispatch.urlpatterns,
    *urls_visits.urlpatterns,
    *urls_settlement.urlpatterns,
    *urls_team.urlpatterns,
]
