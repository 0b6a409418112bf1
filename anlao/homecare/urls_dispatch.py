"""Home-care URLs for the dispatch pages (included by urls.py)."""

from django.urls import path

from anlao.homecare import dispatch_views

urlpatterns: list = [
    path("dispatch/", dispatch_views.dispatch_page, name="dispatch"),
    path("dispatch/day.json", dispatch_views.dispatch_json, name="dispatch_json"),
    path("dispatch/plan/", dispatch_views.dispatch_replan, name="dispatch_replan"),
    path("dispatch/visit/<int:pk>/pin/", dispatch_views.visit_pin, name="dispatch_pin"),
    path("dispatch/visit/<int:pk>/unpin/", dispatch_views.visit_unpin, name="dispatch_unpin"),
    path("dispatch/visit/<int:pk>/move/", dispatch_views.visit_move, name="dispatch_move"),
]
