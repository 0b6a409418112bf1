"""Reviewing compliance findings (the rules kernel's lifecycle): confirm or dismiss with a
reason, the decision kept by the nightly re-check, a dismissed finding no longer counted."""

from __future__ import annotations

import pytest
from django.test import Client

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.facilities import selectors, services
from anlao.facilities.models import ComplianceFinding
from tests.test_facilities_services import make_facility

pytestmark = pytest.mark.django_db


def licence_finding(world, **kw) -> ComplianceFinding:
    f = make_facility(world, licence_number="", **kw)
    return ComplianceFinding.objects.get(facility=f, rule="licence")


def test_dismissing_needs_a_reason_is_audited_and_survives_the_nightly_check(world):
    finding = licence_finding(world)
    with pytest.raises(ValidationFailed, match="note"):
        services.compliance_finding_review(actor=world.street_officer_a, finding_id=finding.pk,
                                           status="dismissed", note=" ")
    services.compliance_finding_review(actor=world.street_officer_a, finding_id=finding.pk,
                                       status="dismissed", note="备案号在办理中")
    assert AuditLog.objects.filter(action="compliance_finding.review",
                                   entity_id=str(finding.pk)).exists()
    services.facilities_check_all()
    again = ComplianceFinding.objects.get(facility=finding.facility, rule="licence")
    assert (again.status, again.note, again.reviewed_by) == (
        "dismissed", "备案号在办理中", world.street_officer_a)
    with pytest.raises(ServiceError, match="already reviewed"):
        services.compliance_finding_review(actor=world.street_officer_a, finding_id=again.pk,
                                           status="confirmed", note="x")


def test_a_dismissed_finding_no_longer_counts_against_the_facility(world):
    finding = licence_finding(world)
    before = selectors.findings_for(actor=world.district_officer).count()
    services.compliance_finding_review(actor=world.district_officer, finding_id=finding.pk,
                                       status="dismissed", note="豁免")
    assert selectors.findings_for(actor=world.district_officer).count() == before - 1
    assert selectors.findings_for(actor=world.district_officer, status="dismissed").get() == finding


def test_only_writers_in_scope_may_review(world):
    finding = licence_finding(world)
    with pytest.raises(PermissionDenied):
        services.compliance_finding_review(actor=world.caregiver, finding_id=finding.pk,
                                           status="dismissed", note="x")
    with pytest.raises(NotFound):
        services.compliance_finding_review(actor=world.street_officer_b, finding_id=finding.pk,
                                           status="dismissed", note="x")
    assert ComplianceFinding.objects.get(pk=finding.pk).status == "open"


def test_the_compliance_page_confirms_a_finding(world):
    finding = licence_finding(world)
    c = Client()
    c.force_login(world.street_officer_a)
    page = c.get("/facilities/compliance/").content.decode()
    assert 'name="note"' in page and "Confirm" in page
    r = c.post("/facilities/compliance/", {"id": finding.pk, "status": "confirmed",
                                           "note": "已通知整改", "back": "rule=licence"})
    assert r.status_code == 302 and r["Location"].endswith("?rule=licence")
    finding.refresh_from_db()
    assert (finding.status, finding.note) == ("confirmed", "已通知整改")
    page = c.get("/facilities/compliance/?status=confirmed").content.decode()
    assert "已通知整改" in page
