"""Home-care URLs for the settlement pages and the dashboard (included by homecare/urls.py)."""

from django.urls import path

from anlao.homecare.settlement import views as v

urlpatterns: list = [
    path("settlements/", v.settlement_list, name="settlements"),
    path("settlements/compute/", v.settlement_compute_view, name="settlement_compute"),
    path("settlements/<int:pk>/", v.settlement_detail, name="settlement"),
    path("settlements/<int:pk>/approve/", v.settlement_approve_view, name="settlement_approve"),
    path("settlements/<int:pk>/export/", v.settlement_export_view, name="settlement_export"),
    path("settlements/<int:pk>/recompute/", v.settlement_recompute_view,
         name="settlement_recompute"),
    path("settlements/<int:pk>/statement.xlsx", v.settlement_xlsx, name="settlement_xlsx"),
    path("settlements/<int:pk>/statement.pdf", v.settlement_pdf, name="settlement_pdf"),
    path("stats/", v.dashboard, name="stats"),
]
