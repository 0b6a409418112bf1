"""The rules-and-findings kernel with a toy rule set: registration, run, idempotent re-run,
the lifecycle (and a refused transition), scoping, and the registered apps' sets.

The toy rule flags a facility without an address; its findings are stored in the
facilities' finding table (the kernel names models by label, so any app's table serves).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.http import QueryDict

from anlao.accounts.models import Organisation, OrganisationType
from anlao.core import rules
from anlao.core.errors import NotFound
from anlao.core.rules import FindingStore, IllegalTransition, Rule, RuleSet, Status
from anlao.facilities import selectors
from anlao.facilities.models import ComplianceFinding, Facility
from anlao.homecare.models import AnomalyState
from anlao.homecare.visits.anomalies import STORE as ANOMALY_STORE

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
STORE = FindingStore(model="facilities.ComplianceFinding", key=("facility_id", "rule"))


def no_address(facility: Facility) -> dict | None:
    return None if facility.address else {"name": facility.name}


def run_toy(*, now: dt.datetime) -> dict[str, int]:
    found = [ComplianceFinding(facility=f, rule="no_address", severity="warning",
                               message="no address", params=detail, checked_at=now)
             for f in Facility.objects.all() if (detail := no_address(f)) is not None]
    existing = ComplianceFinding.objects.filter(rule="no_address")
    return {"no_address": len(rules.findings_replace(STORE, existing, found))}


TOY = RuleSet(name="toy.addresses", title="Addresses", subject="facilities.Facility",
              rules=(Rule("no_address", "Facility has an address", no_address),), store=STORE,
              run=run_toy)


@pytest.fixture
def toy():
    rules.register(TOY)
    yield TOY
    rules.unregister(TOY.name)


def facility(world, name: str, area, address: str = "") -> Facility:
    operator = Organisation.objects.get_or_create(
        name="康养院", type=OrganisationType.CARE_FACILITY, area=world.district)[0]
    return Facility.objects.create(name=name, type="canteen", operator=operator, area=area,
                                   address=address)


def toy_findings():
    return ComplianceFinding.objects.filter(rule="no_address").order_by("facility__name")


def test_apps_register_their_rule_sets_from_ready():
    names = [s.name for s in rules.rulesets()]
    assert {"facilities.compliance", "homecare.anomalies", "benefits.checks"} <= set(names)
    assert rules.ruleset("homecare.anomalies").rule("too_short").title == "visit too short"
    assert [s.name for s in rules.rulesets("facilities")] == ["facilities.compliance"]
    with pytest.raises(LookupError):
        rules.ruleset("nothing.here")


def test_a_rule_code_may_be_registered_once_per_set():
    twice = (Rule("a", "A", no_address), Rule("a", "A again", no_address))
    with pytest.raises(ValueError, match="twice"):
        rules.register(RuleSet(name="toy.twice", title="x", subject="facilities.Facility",
                               rules=twice, store=STORE))


def test_running_finds_and_a_rerun_changes_nothing(world, toy):
    facility(world, "甲", world.community_a1)
    facility(world, "乙", world.community_a1, address="莫干山路1号")
    assert rules.run_all(app="toy", now=NOW) == {"toy.addresses": {"no_address": 1}}
    first = list(toy_findings().values_list("facility__name", "status"))
    rules.run_all(app="toy", now=NOW)
    assert list(toy_findings().values_list("facility__name", "status")) == first == [
        ("甲", "open")]


def test_a_decision_survives_a_rerun_and_a_finding_that_no_longer_holds_goes(world, toy):
    a = facility(world, "甲", world.community_a1)
    facility(world, "丙", world.community_a1)
    rules.run_all(app="toy", now=NOW)
    f = toy_findings().get(facility=a)
    rules.finding_decide(STORE, toy_findings(), finding_id=f.pk, to=Status.DISMISSED,
                         actor=world.street_officer_a, note="地址在营业执照上")
    rules.run_all(app="toy", now=NOW)
    assert list(toy_findings().values_list("facility__name", "status", "note",
                                           "reviewed_by")) == [
        ("丙", "open", "", None), ("甲", "dismissed", "地址在营业执照上",
                                   world.street_officer_a.pk)]
    Facility.objects.filter(pk=a.pk).update(address="莫干山路2号")
    rules.run_all(app="toy", now=NOW)
    assert list(toy_findings().values_list("facility__name", flat=True)) == ["丙"]


def test_open_goes_to_confirmed_once_and_a_decided_finding_is_final(world, toy):
    facility(world, "甲", world.community_a1)
    rules.run_all(app="toy", now=NOW)
    f = toy_findings().get()
    done = rules.finding_decide(STORE, toy_findings(), finding_id=f.pk, to=Status.CONFIRMED,
                                actor=world.street_officer_a, note="  确认  ", now=NOW)
    assert (done.status, done.note, done.reviewed_by, done.reviewed_at) == (
        "confirmed", "确认", world.street_officer_a, NOW)
    for to in (Status.DISMISSED, Status.OPEN, Status.CONFIRMED):
        with pytest.raises(IllegalTransition, match="already reviewed"):
            rules.finding_decide(STORE, toy_findings(), finding_id=f.pk, to=to,
                                 actor=world.street_officer_a)
    assert toy_findings().get().status == "confirmed"


def test_reopening_an_open_finding_is_not_a_decision(world, toy):
    facility(world, "甲", world.community_a1)
    rules.run_all(app="toy", now=NOW)
    f = toy_findings().get()
    with pytest.raises(IllegalTransition):
        rules.finding_decide(STORE, toy_findings(), finding_id=f.pk, to=Status.OPEN,
                             actor=world.street_officer_a)
    with pytest.raises(Exception, match="too long"):
        rules.finding_decide(STORE, toy_findings(), finding_id=f.pk, to=Status.DISMISSED,
                             actor=world.street_officer_a, note="长" * 256)
    assert toy_findings().get().status == "open"


def test_a_finding_outside_the_reviewers_scope_is_not_found(world, toy):
    facility(world, "乙街", world.community_b1)
    rules.run_all(app="toy", now=NOW)
    f = toy_findings().get()
    in_scope_of_a = selectors.findings_for(actor=world.street_officer_a, status="")
    with pytest.raises(NotFound):
        rules.finding_decide(STORE, in_scope_of_a, finding_id=f.pk, to=Status.DISMISSED,
                             actor=world.street_officer_a, note="x")
    rules.finding_decide(STORE, selectors.findings_for(actor=world.street_officer_b, status=""),
                         finding_id=f.pk, to=Status.DISMISSED, actor=world.street_officer_b,
                         note="x")
    assert toy_findings().get().status == "dismissed"


def test_a_store_maps_the_kernels_words_onto_the_apps_own():
    assert ANOMALY_STORE.stored(Status.CONFIRMED) == AnomalyState.REJECTED
    assert ANOMALY_STORE.stored(Status.DISMISSED) == AnomalyState.ACCEPTED
    assert ANOMALY_STORE.decision_from("accept") == Status.DISMISSED
    assert ANOMALY_STORE.decision_from("accepted") is None
    assert STORE.decision_from("confirmed") == Status.CONFIRMED


def test_review_filters_keep_only_known_rules_and_statuses(toy):
    f = rules.review_filters(toy, QueryDict("rule=no_address&status=dismissed&page=2"))
    assert (f.rule, f.status) == ("no_address", "dismissed")
    f = rules.review_filters(toy, QueryDict("rule=nope&status=gone"), default_status="open")
    assert (f.rule, f.status) == ("", "")
    assert rules.query_without_page(QueryDict("rule=a&page=3")) == "rule=a"


def test_the_rules_run_command_runs_the_registered_sets(world, toy):
    facility(world, "甲", world.community_a1)
    out = io.StringIO()
    call_command("rules_run", "--app", "toy", stdout=out)
    assert "toy.addresses" in out.getvalue() and toy_findings().count() == 1
    out = io.StringIO()
    call_command("rules_run", stdout=out)
    assert "facilities.compliance" in out.getvalue()
    assert "homecare.anomalies" in out.getvalue()
    assert "benefits.checks: not run here" in out.getvalue()
