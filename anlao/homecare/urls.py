"""Home-care URLs. Each engineer owns a block; keep names stable (templates link to them)."""

from django.urls import path

from anlao.homecare import views

app_name = "homecare"
urlpatterns = [
    path("", views.index, name="index"),
]
