"""Monthly runs: compute, re-run, crash recovery, diff, four-eyes, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.benefits.engine import writer
from anlao.benefits.models import BenefitRun, Entitlement, RunChange
from anlao.benefits.runs import services
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from tests.benefits_fixtures import write_policies
from tests.personas import make_elder

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def town(world, settings, tmp_path):
    """Four elders of Gongshu: two in street A, one in street B, one too young."""
    settings.BENEFITS_POLICY_DIR = write_policies(tmp_path)
    world.elders = {
        "zhang": make_elder(world.community_a1, name="张桂兰", birth=dt.date(1936, 3, 15), seq=1),
        "wang": make_elder(world.community_a2, name="王德福", birth=dt.date(1940, 1, 1), seq=2),
        "li": make_elder(world.community_b1, name="李明", birth=dt.date(1944, 8, 8), seq=3),
        "zhao": make_elder(world.community_b1, name="赵小红", birth=dt.date(1960, 5, 5), seq=4),
    }
    return world


def create(world, period="2026-03", actor=None, program="test-age-allowance"):
    return services.run_create(actor=actor or world.district_officer, program=program,
                               period=period, district_code="330105", today=TODAY)


def compute(world, run, actor=None):
    return services.run_compute(actor=actor or world.district_officer, run_id=run.pk)


def approve(world, run):
    services.run_review(actor=world.district_officer, run_id=run.pk)
    return services.run_approve(actor=world.city_admin, run_id=run.pk)


def amounts(run):
    return dict(Entitlement.objects.filter(run=run).values_list("elder__name", "amount_fen"))


def test_compute_writes_one_entitlement_per_paid_elder_with_totals_per_street(town):
    run = compute(town, create(town))
    assert amounts(run) == {"张桂兰": 10000, "王德福": 10000, "李明": 10000}
    assert (run.state, run.paid_count, run.total_fen, run.elder_count) == ("computed", 3, 30000, 4)
    streets = {s["name"]: (s["count"], s["total_fen"]) for s in run.summary["streets"]}
    assert streets == {"上塘街道": (2, 20000), "祥符街道": (1, 10000)}
    assert AuditLog.objects.filter(action="benefit_run.compute", entity_id=str(run.pk)).exists()


def test_recomputing_replaces_the_entitlements_exactly(town):
    run = compute(town, create(town))
    first = sorted(Entitlement.objects.filter(run=run).values_list("elder_id", "amount_fen"))
    town.elders["li"].dibao = True  # an irrelevant change
    town.elders["li"].save()
    run = compute(town, run)
    again = sorted(Entitlement.objects.filter(run=run).values_list("elder_id", "amount_fen"))
    assert again == first and Entitlement.objects.count() == 3


def test_a_crash_halfway_through_the_write_leaves_the_previous_result(town, monkeypatch):
    run = compute(town, create(town))
    town.elders["zhao"].birth_date = dt.date(1930, 1, 1)  # would now be paid
    town.elders["zhao"].save()
    calls = []
    real = writer.write_chunk

    def crash_on_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(writer, "BATCH_ROWS", 1)
    monkeypatch.setattr(writer, "write_chunk", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        compute(town, run)
    run.refresh_from_db()
    assert amounts(run) == {"张桂兰": 10000, "王德福": 10000, "李明": 10000}
    assert (run.state, run.busy_since, run.total_fen) == ("computed", None, 30000)
    assert "disk full" in run.error
    monkeypatch.setattr(writer, "write_chunk", real)
    assert compute(town, run).paid_count == 4  # and it can simply be run again


def test_a_crash_on_the_first_compute_leaves_no_rows(town, monkeypatch):
    run = create(town)
    monkeypatch.setattr(writer, "BATCH_ROWS", 2)
    monkeypatch.setattr(writer, "write_chunk", lambda *a: (_ for _ in ()).throw(OSError("x")))
    with pytest.raises(OSError):
        compute(town, run)
    assert Entitlement.objects.count() == 0
    run.refresh_from_db()
    assert run.state == "draft"


def test_the_diff_names_new_stopped_and_changed_elders_with_reasons(town):
    approve(town, compute(town, create(town, "2026-03")))
    wang, zhao = town.elders["wang"], town.elders["zhao"]
    wang.status, wang.status_date = "deceased", dt.date(2026, 3, 31)
    wang.save()
    zhao.birth_date = dt.date(1946, 2, 2)  # registry corrected: 80 since February
    zhao.save()
    run = compute(town, create(town, "2026-04"))
    changes = {c.elder.name: (c.kind, c.reason, c.old_fen, c.new_fen)
               for c in RunChange.objects.filter(run=run).select_related("elder")}
    assert changes == {
        "王德福": ("stopped", "deceased", 10000, 0),
        "赵小红": ("new", "first_payment", 0, 10000),
        "张桂兰": ("changed", "tier_change", 10000, 20000),  # 90 on 15 March → from April
    }
    assert run.summary["diff"] == {"stopped": 1, "new": 1, "changed": 1, "unchanged": 1}


def test_approval_needs_a_second_person(town):
    run = compute(town, create(town))
    services.run_review(actor=town.district_officer, run_id=run.pk)
    with pytest.raises(ServiceError) as info:
        services.run_approve(actor=town.district_officer, run_id=run.pk)
    assert info.value.code == "four_eyes"
    assert services.run_approve(actor=town.city_admin, run_id=run.pk).state == "approved"


def test_an_approved_run_is_frozen(town):
    run = approve(town, compute(town, create(town)))
    with pytest.raises(ServiceError) as info:
        compute(town, run)
    assert info.value.code == "frozen"
    services.run_export(actor=town.city_admin, run_id=run.pk)
    with pytest.raises(ServiceError):
        compute(town, run)


def test_only_one_run_per_program_month_and_district_can_be_approved(town):
    approve(town, compute(town, create(town)))
    second = compute(town, create(town))  # allowed to compute a correction …
    services.run_review(actor=town.district_officer, run_id=second.pk)
    with pytest.raises(ServiceError) as info:  # … but not to approve two
        services.run_approve(actor=town.city_admin, run_id=second.pk)
    assert info.value.code == "duplicate"


def test_a_second_open_run_for_the_same_month_is_refused(town):
    create(town)
    with pytest.raises(ServiceError):
        create(town)


def test_a_run_for_a_future_month_is_refused(town):
    with pytest.raises(ServiceError) as info:
        create(town, "2026-12")
    assert info.value.field == "period"
    assert create(town, "2026-11").state == "draft"


def test_a_quarterly_program_runs_only_in_the_first_month_of_a_quarter(town):
    with pytest.raises(ServiceError):
        create(town, "2026-05", program="test-quarterly")
    run = compute(town, create(town, "2026-04", program="test-quarterly"))
    assert amounts(run)["张桂兰"] == 3 * 20000


def test_a_street_officer_may_not_compute(town):
    with pytest.raises(PermissionDenied):
        create(town, actor=town.street_officer_a)


def test_a_district_officer_cannot_reach_another_district(town):
    xihu = town.xihu
    officer = town.district_officer
    with pytest.raises(NotFound):
        services.run_create(actor=officer, program="test-age-allowance", period="2026-03",
                            district_code=xihu.code, today=TODAY)
    foreign = BenefitRun.objects.create(program="test-age-allowance", period="2026-03",
                                        area=xihu)
    with pytest.raises(NotFound):
        services.run_compute(actor=officer, run_id=foreign.pk)


def test_approval_is_refused_when_the_policy_file_changed_since_compute(town, settings):
    run = compute(town, create(town))
    services.run_review(actor=town.district_officer, run_id=run.pk)
    path = settings.BENEFITS_POLICY_DIR / "test-age-allowance.yaml"
    path.write_text(path.read_text().replace("10000", "12000"))
    with pytest.raises(ServiceError) as info:
        services.run_approve(actor=town.city_admin, run_id=run.pk)
    assert info.value.code == "stale_policy"


def test_the_command_computes_synchronously_with_progress(town):
    from io import StringIO

    from django.core.management import call_command
    out = StringIO()
    call_command("benefits_run", "--program", "test-age-allowance", period="2026-03",
                 district="330105", user="district_officer", stdout=out)
    assert "write: 3/3" in out.getvalue() and "3 paid" in out.getvalue()
    assert BenefitRun.objects.get().state == "computed"


def test_each_entitlement_carries_its_change_as_a_reason_code(town):
    approve(town, compute(town, create(town, "2026-03")))
    run = compute(town, create(town, "2026-04"))
    reasons = dict(Entitlement.objects.filter(run=run).values_list("elder__name", "reasons"))
    assert reasons == {"张桂兰": "changed:tier_change", "王德福": "", "李明": ""}


def test_a_batch_of_runs_reads_the_registry_once_and_matches_separate_computes(town,
                                                                               monkeypatch):
    from anlao.benefits.engine import frame as frame_module

    separate = {p: amounts(compute(town, create(town, program=p)))
                for p in ("test-age-allowance", "test-care-a")}
    BenefitRun.objects.all().delete()
    loads = []
    real = frame_module.load_frame
    monkeypatch.setattr(frame_module, "load_frame", lambda qs: loads.append(1) or real(qs))
    runs = [create(town, program=p) for p in ("test-age-allowance", "test-care-a")]
    batch = services.runs_compute(actor=town.district_officer, run_ids=[r.pk for r in runs])
    assert len(loads) == 1
    assert {r.program: amounts(r) for r in batch} == separate


def test_the_command_computes_several_programs_as_one_batch(town):
    from io import StringIO

    from django.core.management import call_command
    out = StringIO()
    call_command("benefits_run", "--program", "test-age-allowance", "--program", "test-care-a",
                 period="2026-03", district="330105", user="district_officer", stdout=out)
    assert set(BenefitRun.objects.values_list("program", flat=True)) == {
        "test-age-allowance", "test-care-a"}
    assert out.getvalue().count(" paid, ") == 2
