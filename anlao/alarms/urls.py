from django.urls import path

from anlao.alarms import views

app_name = "alarms"
urlpatterns = [
    path("", views.queue, name="queue"),
]
