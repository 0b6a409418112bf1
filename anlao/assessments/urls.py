"""Assessment pages. views.py: list, history, requests, detail, state changes;
views_entry.py: the step form and autosave; views_reports.py: PDF, schedule, statistics, import.
"""

from django.urls import path

from anlao.assessments import views, views_entry, views_reports

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("schedule/", views_reports.schedule, name="schedule"),
    path("statistics/", views_reports.statistics, name="statistics"),
    path("import/", views_reports.import_upload, name="import"),
    path("import/template.xlsx", views_reports.import_template, name="import_template"),
    path("elders/<int:elder_id>/", views.elder_history, name="elder"),
    path("elders/<int:elder_id>/request/", views.request_create, name="request"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("elders/<int:elder_id>/start/", views_entry.assessment_start, name="start"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/step/<int:step>/", views_entry.assessment_step, name="step"),
    path("<int:pk>/answers/", views_entry.answers_save, name="answers"),
    path("<int:pk>/submit/", views_entry.assessment_submit, name="submit"),
    path("<int:pk>/review/", views.assessment_review, name="review"),
    path("<int:pk>/reject/", views.assessment_reject, name="reject"),
    path("<int:pk>/finalise/", views.assessment_finalise, name="finalise"),
    path("<int:pk>/report.pdf", views_reports.assessment_pdf, name="pdf"),
]
