from django.urls import path

from anlao.alarms import views, views_reports

app_name = "alarms"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("open/", views.queue_rows, name="open"),
    path("new/", views.log_call, name="new"),
    path("devices/", views_reports.devices, name="devices"),
    path("devices/new/", views_reports.device_new, name="device_new"),
    path("statistics/", views_reports.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
