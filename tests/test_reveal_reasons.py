"""A reveal's reason is chosen from a list (service delivery, payment, verification,
complaint, other + text) and stored clean: no control or format characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from anlao.core.errors import ServiceError
from anlao.core.models import AccessLog
from anlao.core.reveal import RevealReason, reason_display
from anlao.people import services
from tests.api_client import ApiClient
from tests.personas import make_elder

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("reason, note", [
    ("curious", ""), ("上门核实", ""), ("other", ""), ("other", " \x00\n "), ("", "核实"),
])
def test_a_reason_outside_the_list_or_other_without_text_is_refused(world, reason, note):
    elder = make_elder(world.community_a1)
    with pytest.raises(ServiceError) as caught:
        services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field="phone",
                              reason=reason, note=note)
    assert caught.value.field == "reason"
    assert not AccessLog.objects.exists()


def test_control_and_format_characters_are_not_stored(world):
    elder = make_elder(world.community_a1)
    services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field="phone",
                          reason="other", note="家属\x00来电\r\n投诉\u202e\u200b 核实\x1b[31m")
    assert AccessLog.objects.get().reason == "other: 家属来电 投诉 核实[31m"


@pytest.mark.parametrize("code", RevealReason.values)
def test_each_reason_of_the_list_is_accepted(world, code):
    elder = make_elder(world.community_a1)
    services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field="phone",
                          reason=code, note="电话回访")
    assert AccessLog.objects.get().reason == f"{code}: 电话回访"


def test_the_reasons_read_in_english_and_have_chinese():
    """The Chinese comes from the catalogue (locale/pending/people-data.po until the next
    scripts/i18n.sh run)."""
    with translation.override("en"):
        english = [str(label) for label in RevealReason.labels]
        assert reason_display("payment: 核对账户") == "payment — 核对账户"
    assert english == ["service delivery", "payment", "verification", "complaint", "other"]
    catalogues = "".join(p.read_text() for p in LOCALE.glob("**/*.po"))
    for msgid in english:
        assert f'msgid "{msgid}"\nmsgstr "' in catalogues


def test_the_page_offers_the_list(world):
    elder = make_elder(world.community_a1)
    c = Client()
    c.force_login(world.worker_a1)
    page = c.get(reverse("people:detail", args=[elder.pk])).content.decode()
    for code in RevealReason.values:
        assert f'<option value="{code}"' in page


def test_the_api_refuses_free_text_as_the_reason(world):
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "phone", "reason": "好奇\x00"})
    assert r.status_code == 422
    assert not AccessLog.objects.exists()
