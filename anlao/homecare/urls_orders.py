"""Home-care URLs for the orders, credit, catalog and contract pages (included by urls.py)."""

from django.urls import path

from anlao.homecare import views_catalog, views_orders

urlpatterns = [
    path("orders/new/", views_orders.order_new, name="order_new"),
    path("orders/export.xlsx", views_orders.order_export, name="orders_export"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/cancel/", views_orders.order_cancel, name="order_cancel"),
    path("plans/new/", views_orders.plan_new, name="plan_new"),
    path("elders/<int:elder_id>/credit/", views_orders.elder_credit, name="credit"),
    path("catalog/", views_catalog.catalog, name="catalog"),
    path("contracts/", views_catalog.contract_list, name="contracts"),
    path("contracts/new/", views_catalog.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views_catalog.contract_detail, name="contract"),
    path("contracts/<int:pk>/state/", views_catalog.contract_state, name="contract_state"),
]
