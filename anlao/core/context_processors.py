from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from anlao.core.reveal import RevealReason
from anlao.core.roles import has_perm


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        # the reasons a reveal form offers (core/_reveal_reason.html)
        "reveal_reasons": RevealReason.choices,
        # {{ can.elder_write }} etc. in templates: buttons shown only to those who may act
        "can": {
            perm.replace(".", "_"): has_perm(user, perm)
            for perm in ("elder.write", "elder.import", "elder.export", "audit.view",
                         "assessment.view", "policy.view", "benefit.view", "benefit.explain",
                         "facility.view", "facility.write", "workforce.view", "waitlist.view",
                         "payment.account", "payment.view", "homecare.view",
                         "dispatch.manage", "visit.record", "visit.review", "alarm.view",
                         "settlement.view", "catalog.manage", "contract.manage",
                         "order.create", "followup.record", "homecare.staff", "area.manage")
        },
    }
