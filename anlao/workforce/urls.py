from django.urls import path

from anlao.workforce import views, views_claims, views_edit

app_name = "workforce"
urlpatterns = [
    path("", views.caregiver_list, name="caregivers"),
    path("caregivers/new/", views.caregiver_new, name="caregiver_new"),
    path("caregivers/<int:pk>/", views.caregiver_detail, name="caregiver"),
    path("caregivers/<int:pk>/edit/", views_edit.caregiver_edit, name="caregiver_edit"),
    path("caregivers/<int:pk>/<slug:action>/", views.caregiver_action, name="caregiver_action"),
    path("kpi/", views.kpi, name="kpi"),
    path("claims/", views_claims.batch_list, name="claims"),
    path("claims/<int:pk>/", views_claims.batch_detail, name="claim"),
    path("claims/<int:pk>/<slug:action>/", views_claims.batch_action, name="claim_action"),
]
