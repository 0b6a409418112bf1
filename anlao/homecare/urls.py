"""Home-care URLs: the landing page, then each subpackage's list, included explicitly."""

from django.urls import path

from anlao.homecare import views
from anlao.homecare.catalog import urls as catalog_urls
from anlao.homecare.dispatch import urls as dispatch_urls
from anlao.homecare.orders import urls as orders_urls
from anlao.homecare.settlement import urls as settlement_urls
from anlao.homecare.team import urls as team_urls
from anlao.homecare.visits import urls as visits_urls

app_name = "homecare"
urlpatterns = [
    path("", views.index, name="index"),
    *orders_urls.urlpatterns,
    *catalog_urls.urlpatterns,
    *dispatch_urls.urlpatterns,
    *visits_urls.urlpatterns,
    *settlement_urls.urlpatterns,
    *team_urls.urlpatterns,
]
