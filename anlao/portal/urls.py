from django.urls import path

from anlao.portal import ordering, views

app_name = "portal"
urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("elders/", views.elders, name="elders"),
    path("elders/<int:pk>/", views.elder, name="elder"),
    path("elders/<int:pk>/order/", ordering.order_new, name="order"),
    path("elders/<int:pk>/orders/<int:order_id>/cancel/", ordering.order_cancel,
         name="order_cancel"),
    path("elders/<int:pk>/visits/<int:visit_id>/rate/", ordering.visit_rate, name="visit_rate"),
    path("outbox/", views.outbox, name="outbox"),
]
