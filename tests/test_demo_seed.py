"""``demo_seed`` writes the demo city in bulk, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from anlao.accounts.models import Organisation, OrganisationType
from anlao.core import demo_steps
from anlao.core.errors import ServiceError
from anlao.core.models import AuditLog
from anlao.demo import ddl
from anlao.demo.services import demo_seed
from anlao.demo.steps import run_extra_steps
from anlao.people.models import Contact, Elder, ServiceLink

TODAY = dt.date(2026, 11, 24)
FIELDS = ["name", "id_number", "id_tail", "birth_date", "sex", "phone", "phone_tail",
          "residence_area__code", "hukou_area__code", "address", "lat", "lng",
          "living_situation", "dibao", "extreme_poverty", "disability_grade", "ability_level",
          "status", "status_date"]


def _digest() -> str:
    rows = Elder.objects.order_by("id_number").values_list(*FIELDS)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def _seed(**kw):
    return demo_seed(**{"elders": 2000, "seed": 5, "today": TODAY, **kw})


def test_it_builds_elders_contacts_links_and_organisations(db):
    result = _seed()
    assert Elder.objects.count() == 2000 == result.elders
    assert Contact.objects.count() == result.contacts > 500
    assert ServiceLink.objects.count() == result.service_links > 0
    counts = {t: Organisation.objects.filter(type=t).count() for t in OrganisationType.values}
    assert counts == {"bureau": 1, "street_office": 10, "community_committee": 107,
                      "provider": 5, "canteen": 2, "care_facility": 3, "assessment_agency": 1,
                      "partner": 1}


def test_the_bulk_rows_have_the_columns_save_would_derive(db):
    _seed()
    elder = Elder.objects.exclude(phone="").first()
    assert elder.id_tail == elder.id_number[-4:] and elder.phone_tail == elder.phone[-4:]
    assert elder.created_at is not None and elder.residence_area.level == "community"


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(db):
    _seed()
    first = _digest()
    _seed(reset=True)
    assert _digest() == first
    _seed(seed=6, reset=True)
    assert _digest() != first


def test_it_refuses_to_add_to_a_registry_that_has_elders(db):
    _seed()
    with pytest.raises(ServiceError, match="2,000") as refused:
        _seed(seed=9)
    assert refused.value.code == "registry_not_empty"
    assert Elder.objects.count() == 2000


def test_if_empty_keeps_the_existing_elders(db):
    _seed()
    before = _digest()
    assert _seed(seed=9, if_empty=True).skipped
    assert _digest() == before


def test_it_records_one_audit_row_with_the_parameters(db):
    _seed()
    row = AuditLog.objects.get(action="demo.seed")
    assert row.after["elders"] == 2000 and row.after["seed"] == 5


def test_new_elders_get_fresh_ids_after_a_bulk_load(db):
    _seed()
    elder = Elder.objects.order_by("-id").first()
    twin = Elder.objects.create(name="新增", id_number="110105194912310021", birth_date=TODAY,
                                sex="F", residence_area=elder.residence_area)
    assert twin.id > elder.id
    contact = Contact.objects.create(elder=twin, name="甲", relation="child", phone="1")
    assert contact.id > Contact.objects.exclude(pk=contact.pk).order_by("-id").first().id


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cur:
        return {c for c, info in connection.introspection.get_constraints(cur, table).items()
                if info["index"] or info["foreign_key"]}


def test_the_large_load_path_puts_every_index_and_key_back(db, monkeypatch):
    before = {t: _indexes(t) for t in ("people_elder", "people_contact")}
    monkeypatch.setattr(ddl, "BULK_FROM", 100)  # take the drop-and-rebuild path at 2,000
    _seed()
    _seed(reset=True, seed=8)
    assert {t: _indexes(t) for t in before} == before
    assert Elder.objects.count() == 2000


def test_a_reset_removes_records_pointing_at_elders(db):
    _seed()
    elder = Elder.objects.first()
    elder.note = "edited"
    elder.save()  # leaves a history row
    _seed(reset=True)
    assert not Elder.history.filter(note="edited").exists()
    assert Elder.objects.count() == 2000


def test_extra_steps_run_when_importable_and_are_skipped_when_not(db):
    out = io.StringIO()
    ran = run_extra_steps(3, out, ["anlao.nowhere.demo:seed", "tests.test_demo_seed:_step"])
    assert ran == ["tests.test_demo_seed:_step"]
    assert "skipped anlao.nowhere.demo:seed" in out.getvalue()
    assert _calls == [3]


_calls: list[int] = []


def _step(seed, stdout):
    _calls.append(seed)


def test_the_seed_command_prints_progress_and_refuses_a_full_registry(db, monkeypatch):
    monkeypatch.setattr(demo_steps, "STEPS", {})  # other apps' steps are theirs to test
    out = io.StringIO()
    call_command("seed", elders=500, seed=2, stdout=out)
    assert "500 elders" in out.getvalue()
    call_command("seed", elders=500, seed=3, if_empty=True, stdout=out)
    assert Elder.objects.count() == 500
    with pytest.raises(CommandError, match="500"):
        call_command("seed", elders=500, seed=3, stdout=io.StringIO())
    assert Elder.objects.count() == 500
