from django.urls import path

from anlao.planning import views

urlpatterns = [
    path("", views.home, name="home"),
]
