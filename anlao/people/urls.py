"""Registry pages. views.py: list, detail, forms, reveal; views_excel.py: import and export."""

from django.urls import path

from anlao.people import views, views_absence, views_excel

app_name = "people"
urlpatterns = [
    path("", views.elder_list, name="list"),
    path("new/", views.elder_create, name="create"),
    path("<int:pk>/", views.elder_detail, name="detail"),
    path("<int:pk>/edit/", views.elder_edit, name="edit"),
    path("<int:pk>/reveal/", views.elder_reveal, name="reveal"),
    path("<int:pk>/status/", views.elder_status, name="status"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:cid>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/absences/", views_absence.absence_add, name="absence_add"),
    path("<int:pk>/absences/<int:aid>/end/", views_absence.absence_close, name="absence_end"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    path("<int:pk>/household/leave/", views.household_remove, name="household_leave"),
    path("export.xlsx", views_excel.elder_export, name="export"),
    path("import/", views_excel.import_upload, name="import"),
    path("import/template.xlsx", views_excel.import_template, name="import_template"),
    path("import/<int:batch_id>/", views_excel.import_review, name="import_review"),
    path("import/<int:batch_id>/report.xlsx", views_excel.import_report, name="import_report"),
    path("import/<int:batch_id>/commit/", views_excel.import_commit, name="import_commit"),
    path("import/<int:batch_id>/cancel/", views_excel.import_cancel, name="import_cancel"),
]
