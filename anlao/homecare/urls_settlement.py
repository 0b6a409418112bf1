"""Home-care URLs for the settlement pages (included by urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
