from django.urls import path

from anlao.core import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/access/", views.access_log, name="access_log"),
]
