"""Lists read right and page (issue 20): the assessor's waiting queue pages like the other lists
instead of stopping at 50, and the facility list's name column reads 名称 (a place's name)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from anlao.assessments.models import AssessmentReason, AssessmentRequest
from tests import assessment_personas
from tests.personas import TODAY, make_elder
from tests.test_facilities_services import make_facility


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_the_assessors_queue_pages_past_fifty(world):
    aw = assessment_personas.build(world)
    for i in range(60):  # plus the one the personas open: 61 waiting
        elder = make_elder(world.community_a1, seq=100 + i)
        AssessmentRequest.objects.create(elder=elder, agency=aw.agency,
                                         reason=AssessmentReason.FIRST,
                                         requested_on=TODAY - dt.timedelta(days=i % 9))
    c = _client(aw.assessor_1)
    first = c.get("/assessments/").content.decode()
    assert "61 elders are waiting for your agency" in first
    waiting = first.split('id="waiting"', 1)[1].split("</ul>", 1)[0]
    assert waiting.count("list-group-item") == settings.PAGE_SIZE
    last_page = -(-61 // settings.PAGE_SIZE)
    assert f"wpage={2}" in first
    last = c.get(f"/assessments/?wpage={last_page}").content.decode()
    rest = last.split('id="waiting"', 1)[1].split("</ul>", 1)[0]
    assert rest.count("list-group-item") == 61 - settings.PAGE_SIZE * (last_page - 1)


@pytest.mark.zh
@pytest.mark.django_db
def test_the_facility_lists_name_column_reads_mingcheng(world):
    make_facility(world, area=world.community_a1, operator=world.provider)
    html = _client(world.street_officer_a).get("/facilities/").content.decode()
    head = html.split('id="facility-table"', 1)[1].split("</thead>", 1)[0]
    assert "名称" in head and "姓名" not in head


@pytest.mark.zh
@pytest.mark.django_db
def test_the_area_lists_name_column_reads_mingcheng(world):
    html = _client(world.city_admin).get("/areas/").content.decode()
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "名称" in head and "姓名" not in head
