"""Home-care URLs for the catalog and the providers' contracts (included by homecare/urls.py)."""

from django.urls import path

from anlao.homecare.catalog import views

urlpatterns = [
    path("catalog/", views.catalog, name="catalog"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/state/", views.contract_state, name="contract_state"),
]
