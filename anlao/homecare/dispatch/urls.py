"""Home-care URLs for the dispatch pages (included by homecare/urls.py)."""

from django.urls import path

from anlao.homecare.dispatch import views

urlpatterns: list = [
    path("dispatch/", views.dispatch_page, name="dispatch"),
    path("dispatch/day.json", views.dispatch_json, name="dispatch_json"),
    path("dispatch/plan/", views.dispatch_replan, name="dispatch_replan"),
    path("dispatch/visit/<int:pk>/pin/", views.visit_pin, name="dispatch_pin"),
    path("dispatch/visit/<int:pk>/unpin/", views.visit_unpin, name="dispatch_unpin"),
    path("dispatch/visit/<int:pk>/move/", views.visit_move, name="dispatch_move"),
]
