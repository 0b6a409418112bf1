"""Home-care URLs for the dispatch pages (included by urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
