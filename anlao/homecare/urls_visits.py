"""Home-care URLs for the visits pages (included by urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
