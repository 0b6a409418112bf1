"""The family portal: sign-in by one-time code, what a family member may see, confinement."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from anlao.accounts.models import User
from anlao.core.errors import ServiceError, ValidationFailed
from anlao.people.models import Contact
from anlao.portal import services
from anlao.portal.models import LoginCode, OutboxMessage
from tests.personas import make_elder

pytestmark = pytest.mark.django_db
PHONE = "13955550001"
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def family(world):
    mother = make_elder(world.community_a1, name="张桂兰", seq=1)
    Contact.objects.create(elder=mother, name="张伟", relation="child", phone=PHONE)
    stranger = make_elder(world.community_a1, name="李秀英", seq=2)
    Contact.objects.create(elder=stranger, name="李强", relation="child", phone="13955550002")
    return mother, stranger


def sent_code() -> str:
    return re.search(r"\d{6}", OutboxMessage.objects.first().text).group()


def test_a_registered_contact_gets_a_code_and_signs_in_as_a_family_user(family):
    services.portal_request_code(phone="139 5555 0001", now=NOW)
    user = services.portal_verify_code(phone=PHONE, code=sent_code(), now=NOW)
    assert (user.role, user.phone, user.has_usable_password()) == ("family", PHONE, False)
    # the code is single-use
    with pytest.raises(ValidationFailed):
        services.portal_verify_code(phone=PHONE, code=sent_code(), now=NOW)


def test_an_unregistered_number_gets_the_same_answer_and_no_code(family):
    services.portal_request_code(phone="13900000000", now=NOW)
    assert not LoginCode.objects.exists() and not OutboxMessage.objects.exists()


def test_a_bad_number_is_refused_with_a_clear_message(family):
    with pytest.raises(ValidationFailed) as exc:
        services.portal_request_code(phone="12345", now=NOW)
    assert "11-digit" in exc.value.errors["phone"][0]


def test_an_expired_code_is_refused(family):
    services.portal_request_code(phone=PHONE, now=NOW)
    with pytest.raises(ValidationFailed):
        services.portal_verify_code(phone=PHONE, code=sent_code(),
                                    now=NOW + dt.timedelta(minutes=11))
    assert not User.objects.filter(role="family").exists()


def test_five_wrong_guesses_burn_the_code(family):
    services.portal_request_code(phone=PHONE, now=NOW)
    good = sent_code()
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            services.portal_verify_code(phone=PHONE, code=wrong, now=NOW)
    with pytest.raises(ValidationFailed):
        services.portal_verify_code(phone=PHONE, code=good, now=NOW)


def test_a_number_gets_at_most_five_codes_an_hour(family):
    for i in range(5):
        services.portal_request_code(phone=PHONE, now=NOW + dt.timedelta(minutes=i))
    with pytest.raises(ServiceError, match="Too many"):
        services.portal_request_code(phone=PHONE, now=NOW + dt.timedelta(minutes=6))
    services.portal_request_code(phone=PHONE, now=NOW + dt.timedelta(minutes=61))


def _signed_in(client, family):
    services.portal_request_code(phone=PHONE)
    client.post(reverse("portal:code"), {"phone": PHONE, "code": sent_code()})
    return client


def test_the_family_sees_its_elder_and_not_another(client, family):
    _mother, stranger = family
    c = _signed_in(client, family)
    page = c.get(reverse("portal:elders"), follow=True)
    assert page.status_code == 200 and "张桂兰" in page.content.decode()
    assert c.get(reverse("portal:elder", args=[stranger.pk])).status_code == 404


def test_a_family_user_is_kept_off_the_staff_pages(client, family):
    c = _signed_in(client, family)
    for url in (reverse("home"), reverse("people:list"), "/api/me"):
        response = c.get(url)
        assert response.status_code == 302 and response.url == reverse("portal:elders")


def test_staff_cannot_use_the_portal_pages(client, world, family):
    client.force_login(world.worker_a1)
    assert client.get(reverse("portal:elder", args=[family[0].pk])).status_code == 403


def test_the_code_page_shows_the_error_and_signs_nobody_in(client, family):
    services.portal_request_code(phone=PHONE)
    response = client.post(reverse("portal:code"), {"phone": PHONE, "code": "99999x"})
    assert response.status_code == 400 and "wrong or has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_outbox_is_only_shown_in_demo_mode(client, settings, family):
    settings.PORTAL_SHOW_OUTBOX = False
    assert client.get(reverse("portal:outbox")).status_code == 404
    settings.PORTAL_SHOW_OUTBOX = True
    assert client.get(reverse("portal:outbox")).status_code == 200


def test_the_elder_page_lists_coming_services_and_care_home_applications(client, world, family):
    from anlao.waitlist import services as ws
    from tests.waitlist_fixtures import make_home

    mother = family[0]
    home = make_home(world)
    ws.waitlist_apply(actor=world.worker_a1, elder_id=mother.pk, facility_id=home.pk,
                      bed_category="nursing")
    c = _signed_in(client, family)
    body = c.get(reverse("portal:elder", args=[mother.pk])).content.decode()
    assert "公办福利院" in body and "number 1 in the queue" in body
    assert "No services booked." in body
    assert timezone.localdate()  # the page renders with today's date


def test_a_family_books_a_service_once_and_cancels_it(client, world, family):
    from anlao.homecare.models import Order
    from tests.homecare_fixtures import active_contract, grant

    mother = family[0]
    active_contract(world)
    today = timezone.localdate()
    grant(mother, 20000, period=today.replace(day=1))
    c = _signed_in(client, family)
    form = c.get(reverse("portal:order", args=[mother.pk]))
    assert form.status_code == 200
    bath = next(i for i in form.context["items"] if i.code == "BATH-HOME")
    day = today + dt.timedelta(days=1)
    data = {"item": str(bath.pk), "date": day.isoformat(), "window": "08:00-10:00",
            "note": "", "token": "abc123"}
    assert c.post(reverse("portal:order", args=[mother.pk]), data).status_code == 302
    c.post(reverse("portal:order", args=[mother.pk]), data)  # a double tap
    order = Order.objects.get()
    assert (order.channel, order.elder, order.date) == ("portal", mother, day)
    page = c.get(reverse("portal:elder", args=[mother.pk])).content.decode()
    assert bath.name in page
    c.post(reverse("portal:order_cancel", args=[mother.pk, order.pk]))
    order.refresh_from_db()
    assert order.state == "cancelled"


def test_a_family_cannot_book_for_or_cancel_anothers_elder(client, world, family):
    from anlao.homecare.models import Order
    from tests.homecare_fixtures import active_contract, grant

    _mother, stranger = family
    active_contract(world)
    grant(stranger, 20000, period=timezone.localdate().replace(day=1))
    c = _signed_in(client, family)
    assert c.get(reverse("portal:order", args=[stranger.pk])).status_code == 404
    assert not Order.objects.exists()


def test_a_booking_beyond_the_credit_and_co_pay_shows_why(client, world, settings, family):
    from anlao.homecare.models import Order
    from tests.homecare_fixtures import active_contract

    settings.HOMECARE = {**settings.HOMECARE, "MAX_COPAY_FEN": 0}
    mother = family[0]
    active_contract(world)
    c = _signed_in(client, family)
    bath = next(i for i in c.get(reverse("portal:order", args=[mother.pk])).context["items"]
                if i.code == "BATH-HOME")
    day = timezone.localdate() + dt.timedelta(days=1)
    response = c.post(reverse("portal:order", args=[mother.pk]), {
        "item": str(bath.pk), "date": day.isoformat(), "window": "08:00-10:00", "token": "t1"})
    assert response.status_code == 400 and "Not enough service credit" in response.content.decode()
    assert not Order.objects.exists()


def _done_visit(world, elder):
    from anlao.homecare.models import Visit
    from tests.dispatch_fixtures import make_visit

    v = make_visit(world, at=None, elder=elder, day=timezone.localdate())
    now = timezone.now()
    Visit.objects.filter(pk=v.pk).update(state="done", check_in_at=now - dt.timedelta(hours=1),
                                         check_out_at=now)
    return v


def test_a_family_rates_a_finished_visit_once(client, world, family):
    from anlao.homecare.models import FollowUp

    mother, stranger = family
    mine, theirs = _done_visit(world, mother), _done_visit(world, stranger)
    c = _signed_in(client, family)
    url = reverse("portal:visit_rate", args=[mother.pk, mine.pk])
    c.post(url, {"rating": "4", "comment": "很耐心"})
    fu = FollowUp.objects.get(visit=mine)
    assert (fu.method, fu.rating, fu.comment, fu.recorded_by.role) == ("rating", 4, "很耐心",
                                                                       "family")
    c.post(url, {"rating": "1"})  # a second rating is refused
    fu.refresh_from_db()
    assert fu.rating == 4
    assert "Rated 4 of 5" in c.get(reverse("portal:elder", args=[mother.pk])).content.decode()
    # another family's visit, even through this elder's URL, does not exist for them
    assert c.post(reverse("portal:visit_rate", args=[mother.pk, theirs.pk]),
                  {"rating": "5"}).status_code == 404
    assert not FollowUp.objects.filter(visit=theirs).exists()


def test_a_rating_outside_one_to_five_is_refused(client, world, family):
    from anlao.homecare.models import FollowUp

    mine = _done_visit(world, family[0])
    c = _signed_in(client, family)
    c.post(reverse("portal:visit_rate", args=[family[0].pk, mine.pk]), {"rating": "9"})
    assert not FollowUp.objects.filter(visit=mine, recorded_at__isnull=False).exists()
