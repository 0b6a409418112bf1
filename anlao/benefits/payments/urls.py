"""Bank files, the bank's return file, elders' accounts and the overpayment ledger (in the
``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.payments import views

urlpatterns = [
    path("runs/<int:pk>/files/<slug:kind>/", views.run_file, name="run_file"),
    path("runs/<int:pk>/return-file/", views.run_return, name="run_return"),
    path("elders/<int:elder_id>/payment/", views.elder_payment, name="elder_payment"),
    path("overpayments/", views.overpayments, name="overpayments"),
]
