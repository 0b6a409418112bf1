"""Program pages (included by anlao/benefits/urls.py, in the ``benefits`` namespace)."""

from django.urls import path

from anlao.benefits.policy import views

urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/<slug:code>/", views.program_detail, name="program"),
]
