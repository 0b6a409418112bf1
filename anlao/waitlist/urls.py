from django.urls import path

from anlao.waitlist import views, views_public

app_name = "waitlist"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("facilities/<int:facility_id>/", views.facility_queue, name="facility"),
    path("facilities/<int:facility_id>/offer/", views.offer_next, name="offer_next"),
    path("facilities/<int:facility_id>/expire/", views.expire, name="expire"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="action"),
    path("public/", views_public.public_index, name="public_index"),
    path("public/<int:facility_id>/", views_public.public_queue, name="public_queue"),
    path("public/<int:facility_id>/<int:application_id>/", views_public.public_why,
         name="public_why"),
]
