"""Facility pages. views.py: list, detail, map, compliance, admission; views_edit.py: create
and edit; views_excel.py: Excel."""

from django.urls import path

from anlao.facilities import views, views_edit, views_excel

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("map/", views.facility_map, name="map"),
    path("compliance/", views.facility_compliance, name="compliance"),
    path("new/", views_edit.facility_create, name="create"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views_edit.facility_edit, name="edit"),
    path("<int:pk>/admit/", views.facility_admit, name="admit"),
    path("<int:pk>/discharge/<int:elder_id>/", views.facility_discharge, name="discharge"),
    path("<int:pk>/rooms/", views.room_save, name="room_save"),
    path("export.xlsx", views_excel.facility_export, name="export"),
    path("import/", views_excel.facility_import, name="import"),
    path("import/template.xlsx", views_excel.facility_import_template, name="import_template"),
]
