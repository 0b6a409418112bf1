from django.urls import path

from anlao.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
