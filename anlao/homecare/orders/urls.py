"""Home-care URLs for orders, care plans and an elder's credit (included by homecare/urls.py)."""

from django.urls import path

from anlao.homecare.orders import views

urlpatterns = [
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/export.xlsx", views.order_export, name="orders_export"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/end/", views.plan_end, name="plan_end"),
    path("elders/<int:elder_id>/credit/", views.elder_credit, name="credit"),
]
