"""The printable report: a real PDF, the masked ID only, every answer, the level changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.assessments import services as s
from anlao.assessments.pdf import report_html
from anlao.assessments.views import place
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


@pytest.fixture
def submitted(aw):
    a = s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk, data={
        "assessor_1": aw.assessor_1.pk, "assessor_2": aw.assessor_2.pk,
        "assessed_on": TODAY - dt.timedelta(days=1),
        "answers": full_answers(70), "dementia": True})
    return s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk)


def test_the_report_downloads_as_a_pdf(aw, client, submitted):
    client.force_login(aw.worker_a1)
    response = client.get(reverse("assessments:pdf", args=[submitted.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_report_masks_the_id_and_has_every_item_and_the_level_change(aw, submitted):
    html = report_html(submitted, place(submitted.elder))
    elder = submitted.elder
    assert elder.id_number not in html and elder.masked_id_number in html
    assert all(f">{i}<" in html for i in ("B.1.1", "B.2.4", "B.3.9", "B.4.5"))
    assert "F00" in html  # the dementia change, with its reason
    assert html.count('class="line"') == 6  # signature lines
