"""Home-care URLs for the orders pages (included by urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
