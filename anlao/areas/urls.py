"""The area tree page (city administrators)."""

from django.urls import path

from anlao.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("<int:pk>/close/", views.area_close, name="close"),
]
