"""English left on Chinese pages (issue 20): stored reasons are English source strings that must
reach the catalogue and be translated where they are shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from anlao.assessments.scoring import Conditions, apply_level_changes, reason_text
from anlao.homecare.dispatch.routing.reasons import NO_TIME
from anlao.homecare.models import Order
from tests.test_homecare_orders_pages import setup  # noqa: F401  (fixture)


@pytest.mark.zh
@pytest.mark.parametrize("conditions", [
    Conditions(coma=True), Conditions(dementia=True), Conditions(psychiatric_disorder=True),
    Conditions(risk_events={"fall": 2}),
    Conditions(dementia=True, risk_events={"fall": 1, "lost": 1}),
])
def test_level_change_reasons_read_chinese(conditions):
    _level, changes = apply_level_changes(3, conditions)
    assert changes
    with translation.override("zh-hans"):
        for c in changes:
            text = reason_text(c.as_dict())
            assert text != c.reason % (c.params or {}), c.reason


@pytest.mark.zh
def test_an_orders_unassigned_reason_reads_chinese(setup):  # noqa: F811
    world, elder, day = setup
    c = Client()
    c.force_login(world.worker_a1)
    c.post("/homecare/orders/new/", {
        "elder": elder.pk, "item": "BATH-HOME", "date": day.isoformat(),
        "window_start": "09:00", "window_end": "11:00", "channel": "community", "key": "z1"})
    order = Order.objects.get()
    assert order.visit is not None
    order.visit.unassigned_reason = NO_TIME
    order.visit.save(update_fields=["unassigned_reason"])
    html = c.get(f"/homecare/orders/{order.pk}/").content.decode()
    assert "时间不够" in html and "Could not fit" not in html


@pytest.mark.zh
def test_skill_codes_read_chinese_on_team_catalog_and_dispatch(world):
    from anlao.homecare.dispatch.selectors import RouteRow
    from tests.dispatch_fixtures import make_profile
    from tests.homecare_fixtures import load_catalog

    load_catalog()
    profile = make_profile(world, "李芳", skills=["bathing", "escort", "nursing"], level="level5")
    c = Client()
    c.force_login(world.provider_manager)
    team = c.get("/homecare/team/").content.decode()
    row = team.split("李芳", 1)[1].split("</tr>", 1)[0]
    assert "助浴" in row and "陪同" in row and "护理" in row and "五级" in row
    assert not any(f">{code}<" in row for code in ("bathing", "escort", "nursing"))
    catalog = c.get("/homecare/catalog/").content.decode()
    assert "BATH-HOME" in catalog
    assert ">bathing" not in catalog and "level5" not in catalog
    with translation.override("zh-hans"):
        assert RouteRow(profile, "#000", None).skills == "助浴, 陪同, 护理"


@pytest.mark.zh
def test_program_pages_carry_no_developer_notes(world):
    from anlao.benefits.policy.programs import load_programs

    c = Client()
    c.force_login(world.city_admin)
    assert c.get("/benefits/programs/gongshu-80-89-allowance/").status_code == 200
    for program in load_programs().values():
        html = c.get(f"/benefits/programs/{program.code}/").content.decode()
        for dev in ("Seed 0", "BENEFITS_PARAMS", "secondary material", "NOT modelled",
                    "The seed"):
            assert dev not in html, (program.code, dev)
