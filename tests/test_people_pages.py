"""Registry pages: permissions (403/404), response shape, filters, forms mapped to services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.core.models import AccessLog, AuditLog
from anlao.people.models import Contact, Elder, ElderStatus
from tests.personas import make_elder, make_id_number, serve


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def pair(world):
    return make_elder(world.community_a1, name="张桂兰", seq=1), \
        make_elder(world.community_b1, name="赵秀珍", seq=2)


def _form(world, **over):
    data = {"name": "李建国", "id_number": make_id_number(dt.date(1945, 6, 1), seq=7, male=True),
            "birth_date": "", "sex": "", "phone": "13900001111",
            "residence_area": world.community_a1.code, "hukou_area": "", "address": "3幢201室",
            "lat": "", "lng": "", "living_situation": "lives_alone", "disability_grade": "",
            "note": "", "dibao": "on"}
    data.update(over)
    return data


# --- list --------------------------------------------------------------------------------

def test_the_list_needs_a_login(client, world):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_shows_only_elders_in_scope_with_masked_values(as_user, world, pair):
    c = as_user(world.worker_a1)
    response = c.get(reverse("people:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "张桂兰" in body and "赵秀珍" not in body
    assert pair[0].masked_id_number in body and pair[0].id_number not in body
    assert "138****5678" in body and "13812345678" not in body


@pytest.mark.parametrize(("params", "shown", "hidden"), [
    ({"q": "桂兰"}, "张桂兰", "赵秀珍"),
    ({"street": "330105002000"}, "赵秀珍", "张桂兰"),
    ({"community": "330105001001"}, "张桂兰", "赵秀珍"),
    ({"street": "330105002000", "community": "330105001001"}, "赵秀珍", "张桂兰"),  # stale
    ({"category": "dibao"}, "王大妈", "张桂兰"),
    ({"age_band": "100+"}, "王大妈", "张桂兰"),
])
def test_list_filters_and_search(as_user, world, pair, params, shown, hidden):
    make_elder(world.community_b1, name="王大妈", seq=3, birth=dt.date(1920, 1, 1), dibao=True)
    body = as_user(world.district_officer).get(reverse("people:list"), params).content.decode()
    assert shown in body and hidden not in body


def test_an_unknown_filter_value_is_ignored_not_an_error(as_user, world, pair):
    response = as_user(world.district_officer).get(
        reverse("people:list"), {"age_band": "hundreds", "status": "zombie", "category": "x"})
    assert response.status_code == 200
    assert "张桂兰" in response.content.decode()


def test_deceased_elders_show_only_when_asked(as_user, world, pair):
    make_elder(world.community_a1, name="钱老伯", seq=4, male=True,
               status=ElderStatus.DECEASED, status_date=dt.date(2024, 1, 1))
    c = as_user(world.worker_a1)
    assert "钱老伯" not in c.get(reverse("people:list")).content.decode()
    assert "钱老伯" in c.get(reverse("people:list"), {"status": "deceased"}).content.decode()
    assert "钱老伯" in c.get(reverse("people:list"), {"status": "all"}).content.decode()


def test_an_htmx_request_gets_the_results_fragment_only(as_user, world, pair):
    response = as_user(world.district_officer).get(
        reverse("people:list"), {"street": "330105001000"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "张桂兰" in body
    assert 'hx-swap-oob="true"' in body  # the community select of the chosen street
    assert "北文社区" in body and "HX-Request" in response["Vary"]


def test_the_list_paginates_with_one_count_query(as_user, world, settings,
                                                 django_assert_max_num_queries):
    settings.PAGE_SIZE = 2
    for i in range(5):
        make_elder(world.community_a1, name=f"老人{i}", seq=10 + i)
    c = as_user(world.worker_a1)
    c.get(reverse("people:list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(reverse("people:list"), {"page": 3})
    body = response.content.decode()
    assert "老人4" in body and "老人0" not in body
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1


def test_the_empty_state_reads_well(as_user, world):
    body = as_user(world.worker_a1).get(reverse("people:list"), {"q": "无此人"}).content.decode()
    assert "empty-state" in body


def test_buttons_follow_permissions(as_user, world, pair):
    body = as_user(world.worker_a1).get(reverse("people:list")).content.decode()
    assert reverse("people:create") in body and reverse("people:import") in body
    assert reverse("people:export") in body
    serve(pair[0], world.provider)
    body = as_user(world.caregiver).get(reverse("people:list")).content.decode()
    assert "张桂兰" in body
    for name in ("people:create", "people:import", "people:export"):
        assert reverse(name) not in body


def test_the_export_link_carries_the_filters(as_user, world, pair):
    body = as_user(world.district_officer).get(
        reverse("people:list"), {"street": "330105001000", "page": "1"}).content.decode()
    assert reverse("people:export") + "?street=330105001000" in body


# --- detail, reveal, status: 404 out of scope ---------------------------------------------

@pytest.mark.parametrize(("name", "method"), [
    ("people:detail", "get"), ("people:edit", "get"), ("people:edit", "post"),
    ("people:status", "get"), ("people:status", "post"), ("people:reveal", "post"),
    ("people:contact_add", "post"),
])
def test_pages_of_an_elder_out_of_scope_answer_404(as_user, world, pair, name, method):
    c = as_user(world.worker_a1)
    response = getattr(c, method)(reverse(name, args=[pair[1].pk]),
                                  {"field": "phone", "reason": "核实身份"})
    assert response.status_code == 404
    # nothing revealed; the refused attempt itself is recorded (issue 20)
    assert list(AccessLog.objects.values_list("field", "actor")) == [
        ("refused", world.worker_a1.pk)]
    assert not AuditLog.objects.filter(entity__startswith="people.").exists()


def test_the_detail_page_shows_masked_values_contacts_and_history(as_user, world, pair):
    from anlao.people import services

    elder = pair[0]
    services.contact_add(actor=world.worker_a1, elder_id=elder.pk, name="王小明",
                         relation="child", phone="13700001234")
    services.elder_update(actor=world.worker_a1, elder_id=elder.pk,
                          data={"phone": "13600009876"})
    body = as_user(world.worker_a1).get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert elder.masked_id_number in body and elder.id_number not in body
    assert "137****1234" in body and "13700001234" not in body
    assert "136****9876" in body and "13600009876" not in body  # history is masked too
    assert "138****5678" in body  # the old phone, in the history
    assert "worker_a1" in body
    assert reverse("people:edit", args=[elder.pk]) in body


def test_provider_staff_see_a_served_elder_but_no_edit_button(as_user, world, pair):
    serve(pair[1], world.provider)
    c = as_user(world.caregiver)
    response = c.get(reverse("people:detail", args=[pair[1].pk]))
    assert response.status_code == 200
    assert reverse("people:edit", args=[pair[1].pk]) not in response.content.decode()
    assert c.get(reverse("people:detail", args=[pair[0].pk])).status_code == 404


def test_reveal_swaps_in_the_full_value_and_writes_the_access_log(as_user, world, pair):
    elder = pair[0]
    response = as_user(world.worker_a1).post(
        reverse("people:reveal", args=[elder.pk]), {"field": "id_number", "reason": "verification",
                                                    "note": "上门核实"},
        HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and elder.id_number in body and "<html" not in body
    log = AccessLog.objects.get()
    assert (log.actor, log.field, log.reason) == (world.worker_a1, "id_number",
                                                  "verification: 上门核实")


def test_reveal_without_a_reason_shows_the_form_again_and_logs_nothing(as_user, world, pair):
    elder = pair[0]
    c = as_user(world.worker_a1)
    partial = c.post(reverse("people:reveal", args=[elder.pk]), {"field": "phone", "reason": ""},
                     HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "is-invalid" in partial.content.decode()
    assert elder.phone not in partial.content.decode()
    full = c.post(reverse("people:reveal", args=[elder.pk]), {"field": "phone", "reason": ""})
    assert full.status_code == 400
    assert not AccessLog.objects.exists()


def test_a_contacts_phone_is_masked_until_revealed_with_a_reason(as_user, world, pair):
    from anlao.people.models import Contact

    elder = pair[0]
    contact = Contact.objects.create(elder=elder, name="张伟", relation="child",
                                     phone="13912345678")
    c = as_user(world.worker_a1)
    page = c.get(reverse("people:detail", args=[elder.pk])).content.decode()
    assert "13912345678" not in page and f'value="contact-{contact.pk}"' in page
    response = c.post(reverse("people:reveal", args=[elder.pk]),
                      {"field": f"contact-{contact.pk}", "reason": "service", "note": "联系家属"},
                      HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.entity, log.entity_id, log.field) == ("people.contact", str(contact.pk), "phone")


def test_a_contact_of_another_elder_cannot_be_revealed_through_this_one(as_user, world, pair):
    from anlao.people.models import Contact

    elder = make_elder(world.community_a1, name="王芳", seq=3)
    other = Contact.objects.create(elder=elder, name="王强", relation="child",
                                   phone="13912345679")
    response = as_user(world.worker_a1).post(
        reverse("people:reveal", args=[pair[0].pk]),
        {"field": f"contact-{other.pk}", "reason": "service", "note": "联系家属"})
    assert response.status_code == 404
    assert list(AccessLog.objects.values_list("field", flat=True)) == ["refused"]


def test_reveal_is_post_only(as_user, world, pair):
    assert as_user(world.worker_a1).get(
        reverse("people:reveal", args=[pair[0].pk])).status_code == 405


# --- create and edit: 403 for roles without write -----------------------------------------

@pytest.mark.parametrize("persona", ["caregiver", "provider_manager", "auditor"])
def test_the_create_page_is_refused_to_roles_without_write(as_user, world, persona):
    c = as_user(getattr(world, persona))
    assert c.get(reverse("people:create")).status_code == 403
    assert c.post(reverse("people:create"), _form(world)).status_code == 403
    assert not Elder.objects.exists()


def test_edit_status_and_contacts_are_refused_to_a_caregiver_of_a_served_elder(as_user, world,
                                                                              pair):
    serve(pair[0], world.provider)
    c = as_user(world.caregiver)
    pk = pair[0].pk
    assert c.get(reverse("people:edit", args=[pk])).status_code == 403
    assert c.post(reverse("people:status", args=[pk]),
                  {"status": "deceased", "status_date": "2025-01-01"}).status_code == 403
    assert c.post(reverse("people:contact_add", args=[pk]),
                  {"name": "甲", "relation": "child", "phone": "13800001234"}).status_code == 403


def test_create_registers_the_elder_and_redirects_to_the_detail(as_user, world):
    response = as_user(world.worker_a1).post(reverse("people:create"), _form(world))
    elder = Elder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[elder.pk])
    assert elder.dibao and elder.living_situation == "lives_alone"
    assert AuditLog.objects.filter(action="elder.create", entity_id=str(elder.pk)).exists()


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"id_number": "110105194912310021"}, "id_number", "check digit"),
    ({"birth_date": "1950-01-01"}, "birth_date", "does not match"),
    ({"residence_area": "330105002001"}, "residence_area", ""),  # not offered to worker_a1
])
def test_create_shows_service_errors_on_their_fields(as_user, world, over, field, message):
    response = as_user(world.worker_a1).post(reverse("people:create"), _form(world, **over))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not Elder.objects.exists()


def test_a_duplicate_active_id_number_is_shown_on_the_id_field(as_user, world, pair):
    response = as_user(world.worker_a1).post(
        reverse("people:create"), _form(world, id_number=pair[0].id_number))
    assert response.status_code == 400
    assert "id_number" in response.context["form"].errors
    assert Elder.objects.count() == 2


def test_edit_prefills_what_is_not_personal_and_saves_through_the_service(as_user, world,
                                                                          pair):
    elder = pair[0]
    c = as_user(world.worker_a1)
    page = c.get(reverse("people:edit", args=[elder.pk]))
    assert page.context["form"].initial["residence_area"] == world.community_a1.code
    assert page.context["form"].initial["name"] == elder.name
    assert f'value="{elder.birth_date:%Y-%m-%d}"' not in page.content.decode()
    data = _form(world, name="张桂兰", id_number=elder.id_number, phone="13511112222")
    response = c.post(reverse("people:edit", args=[elder.pk]), data)
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.phone == "13511112222"
    row = AuditLog.objects.get(action="elder.update")
    assert row.after["phone"] == "13511112222"


# --- status and contacts -----------------------------------------------------------------

def test_marking_moved_out_through_the_status_page(as_user, world, pair):
    c = as_user(world.worker_a1)
    response = c.post(reverse("people:status", args=[pair[0].pk]),
                      {"status": "moved_out", "status_date": "2025-03-01", "note": "迁往外省"})
    assert response.status_code == 302
    pair[0].refresh_from_db()
    assert pair[0].status == "moved_out" and pair[0].status_date == dt.date(2025, 3, 1)


def test_a_future_status_date_is_shown_on_the_date_field(as_user, world, pair):
    response = as_user(world.worker_a1).post(
        reverse("people:status", args=[pair[0].pk]),
        {"status": "deceased", "status_date": "2999-01-01"})
    assert response.status_code == 400
    assert "status_date" in response.context["form"].errors


def test_contacts_are_added_and_removed_from_the_detail_page(as_user, world, pair):
    c = as_user(world.worker_a1)
    url = reverse("people:contact_add", args=[pair[0].pk])
    bad = c.post(url, {"name": "王小明", "relation": "child", "phone": "123"})
    assert bad.status_code == 400 and "phone" in bad.context["contact_form"].errors
    ok = c.post(url, {"name": "王小明", "relation": "child", "phone": "13700001234",
                      "is_emergency": "on"})
    assert ok.status_code == 302
    contact = Contact.objects.get()
    assert contact.is_emergency and not contact.is_guardian
    gone = c.post(reverse("people:contact_delete", args=[pair[0].pk, contact.pk]))
    assert gone.status_code == 302 and not Contact.objects.exists()


def test_a_contact_cannot_be_removed_through_another_elder(as_user, world, pair):
    other = make_elder(world.community_a1, name="孙", seq=9)
    contact = Contact.objects.create(elder=other, name="甲", relation="child",
                                     phone="13800001234")
    response = as_user(world.worker_a1).post(
        reverse("people:contact_delete", args=[pair[0].pk, contact.pk]))
    assert response.status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_history_shows_status_notes_and_changes_made_outside_the_registry(as_user, world,
                                                                               pair):
    from anlao.people import services

    elder = pair[0]
    elder.ability_level = 3  # as the assessment engine would set it
    elder.save()
    services.elder_set_status(actor=world.worker_a1, elder_id=elder.pk,
                              status=ElderStatus.MOVED_OUT, on=dt.date(2025, 3, 1),
                              note="随子女迁居")
    context = as_user(world.worker_a1).get(reverse("people:detail", args=[elder.pk]),
                                           HTTP_ACCEPT_LANGUAGE="en").context
    history = context["history"]
    moved = next(h for h in history if h.note == "随子女迁居")
    assert moved.action == "marked moved out"
    assert ("status", "active", "moved out") in moved.changes
    level = [h for h in history if any(c[0] == "ability level" for c in h.changes)]
    assert len(level) == 1 and ("ability level", "—", "3") in level[0].changes


def test_the_edit_form_does_not_prefill_personal_data(world, client):
    """Prefilled ID number, phone or address would be a reveal without the access log."""
    elder = make_elder(world.community_a1, phone="13912345678")
    client.force_login(world.worker_a1)
    body = client.get(reverse("people:edit", args=[elder.pk])).content.decode()
    assert elder.id_number not in body and "13912345678" not in body
    assert elder.address not in body
    assert elder.birth_date.strftime("%Y-%m-%d") not in body


def test_editing_with_personal_fields_left_blank_keeps_them(world, client):
    elder = make_elder(world.community_a1, phone="13912345678")
    client.force_login(world.worker_a1)
    response = client.post(reverse("people:edit", args=[elder.pk]), {
        "name": "王秀兰", "residence_area": world.community_a1.code,
        "living_situation": "lives_alone", "id_number": "", "phone": "", "address": "",
    })
    assert response.status_code == 302
    elder.refresh_from_db()
    assert (elder.name, elder.phone, elder.living_situation) == ("王秀兰", "13912345678",
                                                                 "lives_alone")
    assert elder.address.startswith(world.community_a1.name)
