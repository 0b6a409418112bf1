from django.contrib import admin
from django.urls import include, path

from anlao.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("anlao.accounts.urls")),
    path("", include("anlao.planning.urls")),
    path("", include("anlao.core.urls")),
    path("areas/", include("anlao.areas.urls")),
    path("elders/", include("anlao.people.urls")),
    path("assessments/", include("anlao.assessments.urls")),
    path("benefits/", include("anlao.benefits.urls")),
    path("facilities/", include("anlao.facilities.urls")),
    path("workforce/", include("anlao.workforce.urls")),
    path("waitlist/", include("anlao.waitlist.urls")),
    path("homecare/", include("anlao.homecare.urls")),
    path("alarms/", include("anlao.alarms.urls")),
    path("portal/", include("anlao.portal.urls")),
]
