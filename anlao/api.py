"""The JSON API root (django-ninja). Each app contributes a router; docs at /api/docs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from anlao.alarms.api import router as alarms_router
from anlao.areas.models import AreaLevel
from anlao.areas.selectors import area_get, areas_for
from anlao.areas.services import area_close as area_close_service
from anlao.assessments.api import router as assessments_router
from anlao.benefits.api import router as benefits_router
from anlao.core.api_support import ERROR_RESPONSES, AnlaoAPI
from anlao.core.roles import PERMISSIONS, Role, has_perm
from anlao.core.scoping import jurisdiction_paths
from anlao.facilities.api import router as facilities_router
from anlao.homecare.api import router as homecare_router
from anlao.people.api import router as elders_router
from anlao.waitlist.api import router as waitlist_router
from anlao.workforce.api import router as workforce_router

api = AnlaoAPI(
    title="anlao API", version="1", urls_namespace="api",
    description=(
        "The registry of the civil-affairs bureau's elderly-care platform. Authenticate with "
        "`Authorization: Bearer <token>` (create one under Account → API tokens) or with the "
        "browser session (unsafe methods then need the CSRF token). Every error is "
        '`{"code", "message", "field", "errors"}`; records outside your scope answer 404.'
    ),
)

account_router = Router(tags=["account"])
areas_router = Router(tags=["areas"])


class OrganisationOut(Schema):
    id: int
    name: str
    type: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str = Field(description="Role code, empty for a superuser without a role.")
    role_label: str = Field(description="The role's name in the request language.")
    is_superuser: bool
    organisation: OrganisationOut | None
    jurisdiction: list[str] | None = Field(
        description="Codes of the areas you may see (with everything under them); "
                    "null means everywhere."
    )
    permissions: list[str] = Field(description="What you may do, e.g. `elder.write`.")


class AreaOut(Schema):
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None = Field(description="null for the top of the tree.")


@account_router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth
    paths = jurisdiction_paths(user)
    org = user.organisation
    return {
        "username": user.username, "display_name": user.display_name or user.username,
        "role": user.role or "",
        "role_label": str(Role(user.role).label) if user.role in Role.values else "",
        "is_superuser": user.is_superuser,
        "organisation": {"id": org.pk, "name": org.name, "type": org.type} if org else None,
        "jurisdiction": None if paths is None else [p.rstrip("/").rsplit("/", 1)[-1]
                                                    for p in paths],
        "permissions": sorted(p for p in PERMISSIONS if has_perm(user, p)),
    }


@areas_router.get("/areas", response={200: list[AreaOut], **ERROR_RESPONSES},
                  summary="Areas in your scope")
def areas(request: HttpRequest, level: AreaLevel | None = None) -> list[dict[str, Any]]:
    """The current administrative tree inside your jurisdiction, flat, in tree order."""
    qs = areas_for(actor=request.auth, level=level).select_related("parent")
    return [{"code": a.code, "name": a.name, "level": a.level,
             "parent_code": a.parent.code if a.parent_id else None} for a in qs]


class AreaCloseIn(Schema):
    valid_to: dt.date = Field(description="The first day the area no longer exists.")


class AreaClosedOut(AreaOut):
    valid_from: dt.date
    valid_to: dt.date


@areas_router.post("/areas/{code}/close", response={200: AreaClosedOut, **ERROR_RESPONSES},
                   summary="Close an area (divisions merge)")
def area_close(request: HttpRequest, code: str, payload: AreaCloseIn) -> dict[str, Any]:
    """City administrators only. Areas still under it must be closed first (422); an area
    outside your jurisdiction answers 404. Its history and records stay."""
    area = area_get(actor=request.auth, code=code)
    area = area_close_service(actor=request.auth, area_id=area.pk, valid_to=payload.valid_to)
    return {"code": area.code, "name": area.name, "level": area.level,
            "parent_code": area.parent.code if area.parent_id else None,
            "valid_from": area.valid_from, "valid_to": area.valid_to}


api.add_router("/", account_router)
api.add_router("/", areas_router)
api.add_router("/elders", elders_router)
api.add_router("/benefits", benefits_router)
api.add_router("/assessments", assessments_router)
api.add_router("/facilities", facilities_router)
api.add_router("/waitlist", waitlist_router)
api.add_router("/workforce", workforce_router)
api.add_router("/homecare", homecare_router)
api.add_router("/alarms", alarms_router)
