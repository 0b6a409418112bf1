"""A partner's face-recognition result (生存认证) over JSON; writes through services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from anlao.benefits.payments import services
from anlao.core.api_support import ERROR_RESPONSES

router = Router(tags=["benefits"])


class FaceResultIn(Schema):
    id_number: str = Field(max_length=32, description="The elder's resident ID (18 characters "
                           "or a legacy 15-digit number).")
    method: str = Field("face", description="Always `face`.")
    result: str = Field(description="`pass` (the face matched) or `fail`.")
    at: dt.datetime = Field(description="When the face was matched, with UTC offset.")
    reference: str = Field("", max_length=64, description="The partner's own record id.")
    idempotency_key: str = Field(max_length=64, description="Unique per message: a repeated "
                                 "message makes one verification.")
    score: Decimal | None = Field(None, ge=0, le=1, description="Match score 0–1 (optional; "
                                  "a pass below 0.80 is refused).")


class FaceReportOut(Schema):
    verification_id: int | None = Field(description="None when the result was `fail`.")
    verified_on: dt.date | None
    recorded: bool = Field(description="True when this message recorded a verification now.")
    duplicate: bool = Field(description="True when the idempotency key was seen before.")


@router.post("/life-verifications/face",
             response={200: FaceReportOut, 201: FaceReportOut, **ERROR_RESPONSES},
             summary="A partner reports a face-recognition result (生存认证)")
def face_result(request: HttpRequest, body: FaceResultIn) -> Status:
    """For partner systems only (role partner, `life.partner`; staff record verifications on
    the elder's payment page). The elder must live in the partner organisation's area:
    otherwise, or for an unknown ID number, 404. The answer never carries elder data.
    201 when recorded, 200 for a repeated idempotency key or a `fail` result."""
    report = services.partner_report(
        actor=request.auth, id_number=body.id_number, method=body.method, result=body.result,
        at=body.at, reference=body.reference, idempotency_key=body.idempotency_key,
        score=body.score)
    row = report.verification
    duplicate = row is not None and not report.created
    return Status(201 if report.created else 200, {
        "verification_id": row.pk if row else None,
        "verified_on": row.verified_on if row else None,
        "recorded": report.created, "duplicate": duplicate})
