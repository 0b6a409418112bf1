"""Home-care URLs for the visits pages (included by homecare/urls.py)."""

from django.urls import path

from anlao.homecare.visits import views as v

urlpatterns = [
    path("route/", v.my_route, name="my_route"),
    path("route/unplanned/", v.route_unplanned, name="route_unplanned"),
    path("route/visits/<int:pk>/", v.route_visit, name="route_visit"),
    path("route/visits/<int:pk>/check-in/", v.visit_check_in, name="visit_check_in"),
    path("route/visits/<int:pk>/check-out/", v.visit_check_out, name="visit_check_out"),
    path("route/visits/<int:pk>/tasks/", v.visit_tasks, name="visit_tasks"),
    path("route/visits/<int:pk>/address/", v.visit_reveal, name="visit_reveal"),
    path("route/visits/<int:pk>/code/", v.visit_code, name="visit_code"),
    path("route/visits/<int:pk>/confirm/", v.visit_confirm, name="visit_confirm"),
    path("anomalies/", v.anomaly_list, name="anomalies"),
    path("anomalies/<int:pk>/review/", v.anomaly_review, name="anomaly_review"),
    path("followups/", v.followup_list, name="followups"),
    path("followups/sample/", v.followup_sample, name="followups_sample"),
    path("followups/<int:pk>/", v.followup_record, name="followup_record"),
    path("ratings/", v.ratings, name="ratings"),
]
