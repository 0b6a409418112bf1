"""Checks against fraud and error, run at the end of every computation (issue 7).

Each rule is a named function over one run's entitlements and the registry / payment accounts.
Every rule is set-based: one SQL query (or one query + one Polars expression), never one query
per elder. A rule returns ``{elder_id: detail}``; ``services.run_checks`` replaces the run's
findings with the union, carrying over a reviewer's decision on the same rule and elder.

Thresholds are Django settings (declared in config/settings.py, documented in docs/benefits.md).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import F, IntegerField, Q
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, Length, Substr
from django.utils.translation import gettext_lazy as _

from anlao.areas.models import Area
from anlao.benefits.models import (
    FINAL_STATES,
    BenefitRun,
    Entitlement,
    PaymentAccount,
    RunState,
)
from anlao.benefits.payments.bankfiles import BANKS
from anlao.benefits.policy.programs import load_programs
from anlao.core.periods import add_months, month_start, parse_month
from anlao.core.rules import FindingStore, Rule, RuleSet, Severity
from anlao.core.scoping import within_area
from anlao.people.idnumbers import upgrade_15
from anlao.people.models import Elder, ElderStatus

Findings = dict[int, dict[str, Any]]

def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def deceased_or_moved(run: BenefitRun, paid: pl.DataFrame | None = None) -> Findings:
    """An entitlement to an elder the registry records as deceased or moved out before the
    period, under the policy's stop rule (``month_after``: a death in March still pays March).

    ``paid`` (during a compute): the run's paid elders with the registry columns the run was
    evaluated on — read seconds earlier — so no query joins millions of entitlements.
    """
    start, program = parse_month(run.period), load_programs().get(run.program)
    version = program.version_on(start) if program else None
    stop = version.stop if version else {}
    gone = [ElderStatus.DECEASED, ElderStatus.MOVED_OUT]
    if paid is not None:
        rows = paid.filter(pl.col("stored_status").is_in(gone)).select(
            "id", "stored_status", "status_date", "amount_fen").rows()
    else:
        rows = Entitlement.objects.filter(run=run, elder__status__in=gone).values_list(
            "elder_id", "elder__status", "elder__status_date", "amount_fen")
    found: Findings = {}
    for eid, status, day, fen in rows:
        if day is not None:  # no date: stopped in every month
            stops = add_months(month_start(day), int(stop.get(status) == "month_after"))
            if stops > start:
                continue
        found[eid] = {"status": status, "status_date": day.isoformat() if day else None,
                      "amount_fen": fen}
    return found


def _legacy_pairs() -> list[tuple[int, int]]:
    """(elder, other) pairs of active records that are one person: a legacy 15-digit number
    and the 18-digit number it upgrades to (people.idnumbers.upgrade_15), both ways.

    Two active records never share the same number (a partial unique constraint on the
    elder table), so a duplicate is always a 15/18-digit pair. Only the legacy records are
    read (a scan with a cheap length test, no key computed per elder), then their 18-digit
    forms are looked up by the indexed ID number — not a key computed and grouped over every
    elder of the registry per run (bench/RESULTS.md: that was most of the checks' time).
    """
    legacy = dict(Elder.objects.filter(status=ElderStatus.ACTIVE).annotate(
        n=Length("id_number")).filter(n=15).values_list("id_number", "id"))
    if not legacy:
        return []
    upgraded = {upgrade_15(number): pk for number, pk in legacy.items()}
    pairs = []
    for chunk in _chunks(list(upgraded), 5000):
        for number, pk in Elder.objects.filter(status=ElderStatus.ACTIVE,
                                               id_number__in=chunk).values_list("id_number",
                                                                                "id"):
            pairs += [(pk, upgraded[number]), (upgraded[number], pk)]
    return pairs


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def id_in_two_districts(run: BenefitRun, paid_frame: pl.DataFrame | None = None) -> Findings:
    """A paid elder whose ID number (or its 15-digit form) is also on another active record."""
    pairs = _legacy_pairs()
    if not pairs:
        return {}
    paid = set(Entitlement.objects.filter(run=run, elder_id__in={e for e, _o in pairs})
               .values_list("elder_id", flat=True))
    others = {o for e, o in pairs if e in paid}
    where = dict(Elder.objects.filter(pk__in=others).values_list(
        "pk", "residence_area__code")) if others else {}
    paths = dict(Area.objects.filter(code__in=set(where.values())).values_list("code", "path"))
    found: Findings = {}
    for eid, other in sorted(pairs):
        if eid in paid:
            code = where.get(other, "")
            found.setdefault(eid, {"others": []})["others"].append({
                "elder_id": other, "community_code": code,
                "other_district": not paths.get(code, "").startswith(run.area.path)})
    return found


def shared_account(run: BenefitRun, paid_frame: pl.DataFrame | None = None) -> Findings:
    """A paid elder whose active account also pays unrelated elders (N or more in all).

    Elders of one household count once: a couple sharing a card is not suspicious.
    """
    acc, elder = _table(PaymentAccount), _table(Elder)
    # The shared accounts first (few), then which of their elders this run pays: joining
    # every entitlement of the run to the accounts cost seconds at 3M even with no accounts.
    sql = f"""
        WITH shared AS (
            SELECT pa.bank, pa.account_number,
                   COUNT(DISTINCT CASE WHEN e.household_id IS NULL THEN -e.id
                                       ELSE e.household_id END) AS units,
                   COUNT(*) AS elders
            FROM {acc} pa JOIN {elder} e ON e.id = pa.elder_id
            WHERE pa.active = %s
            GROUP BY pa.bank, pa.account_number)
        SELECT pa.elder_id, pa.bank, pa.account_number, s.units, s.elders
        FROM {acc} pa
        JOIN shared s ON s.bank = pa.bank AND s.account_number = pa.account_number
        WHERE pa.active = %s AND s.units >= %s"""
    with connection.cursor() as cur:
        cur.execute(sql, [True, True, settings.BENEFITS_CHECK_SHARED_ACCOUNT_MIN])
        rows = {r[0]: r for r in cur.fetchall()}
    paid: set[int] = set()
    for chunk in _chunks(list(rows), 5000):
        paid.update(Entitlement.objects.filter(run=run, elder_id__in=chunk).values_list(
            "elder_id", flat=True))
    return {eid: {"bank": BANKS.get(bank, {}).get("name", bank),
                  "account": "*" * max(len(number) - 4, 0) + number[-4:],
                  "households": units, "elders": n}
            for eid, bank, number, units, n in rows.values() if eid in paid}


def _mismatch_query(run: BenefitRun, paid: pl.DataFrame | None) -> Any:
    """Elders whose 18-digit number encodes another birth date than the recorded one."""
    digits = {"y": (7, 4, ExtractYear), "m": (11, 2, ExtractMonth), "d": (13, 2, ExtractDay)}
    mismatch = Q()
    for name in digits:
        mismatch |= ~Q(**{f"id_{name}": F(f"b_{name}")})
    qs = within_area(Elder.objects.all(), "residence_area", run.area) \
        if paid is not None else Elder.objects.filter(
        pk__in=Entitlement.objects.filter(run=run).values("elder_id"))
    return qs.annotate(
        n=Length("id_number"),
        **{f"id_{k}": Cast(Substr("id_number", s_, n_), IntegerField())
           for k, (s_, n_, _p) in digits.items()},
        **{f"b_{k}": p("birth_date") for k, (_s, _n, p) in digits.items()},
    ).filter(n=18).filter(mismatch)


def implausible_age(run: BenefitRun, paid: pl.DataFrame | None = None) -> Findings:
    """A paid elder older than the maximum or younger than the minimum age on the 1st of the
    period, or whose birth date differs from the one encoded in the ID number.

    The database returns only suspects (birth dates outside the plausible range, or an
    18-digit number whose date digits differ from the birth date), never every paid elder;
    during a compute the ages come from ``paid`` (the run's own frame) and only the
    ID-number comparison is a query (over the district's registry, not joined to the run).
    """
    day = parse_month(run.period)
    lo, hi = settings.BENEFITS_CHECK_AGE_MIN, settings.BENEFITS_CHECK_AGE_MAX
    # Age on `day` > hi  <=>  born on or before the day, hi + 1 years earlier (day is a 1st).
    oldest, youngest = day.replace(year=day.year - hi - 1), day.replace(year=day.year - lo)
    if paid is not None:
        odd = set(_mismatch_query(run, paid).values_list("id", flat=True))
        frame = paid.filter((pl.col("birth_date") <= oldest) | (pl.col("birth_date") > youngest)
                            | pl.col("id").is_in(list(odd))).select(
            "id", pl.col("birth_date").alias("birth"),
            pl.col("id").is_in(list(odd)).alias("odd"))
    else:
        suspects = Elder.objects.filter(pk__in=Entitlement.objects.filter(run=run).values(
            "elder_id")).filter(Q(birth_date__lte=oldest) | Q(birth_date__gt=youngest) |
                                Q(pk__in=_mismatch_query(run, None).values("id")))
        rows = list(suspects.values_list("id", "birth_date"))
        odd = set(_mismatch_query(run, None).values_list("id", flat=True)) if rows else set()
        frame = pl.DataFrame([(i, b, i in odd) for i, b in rows], orient="row",
                             schema={"id": pl.Int64, "birth": pl.Date, "odd": pl.Boolean})
    if not frame.height:
        return {}
    birth = pl.col("birth")
    late = (pl.lit(day.month) < birth.dt.month()) | (
        (pl.lit(day.month) == birth.dt.month()) & (pl.lit(day.day) < birth.dt.day()))
    frame = frame.with_columns(age=pl.lit(day.year) - birth.dt.year() - late.cast(pl.Int32))
    frame = frame.with_columns(problem=pl.when(pl.col("age") > hi).then(pl.lit("too_old"))
                               .when(pl.col("age") < lo).then(pl.lit("too_young"))
                               .when(pl.col("odd")).then(pl.lit("id_mismatch")))
    frame = frame.filter(pl.col("problem").is_not_null())
    return {r["id"]: {"age": r["age"], "problem": r["problem"], "min": lo, "max": hi,
                      "birth_date": r["birth"].isoformat()}
            for r in frame.iter_rows(named=True)}


def exclusive_codes(run: BenefitRun) -> list[str]:
    """Programs that may not pay the same elder as this one (either side may declare it)."""
    programs, day = load_programs(), parse_month(run.period)
    codes = set()
    for code, program in programs.items():
        version = program.version_on(day)
        excl = version.exclusive_with if version else []
        if code == run.program:
            codes.update(excl)
        elif run.program in excl:
            codes.add(code)
    return sorted(codes)


def exclusive_programs(run: BenefitRun, paid_frame: pl.DataFrame | None = None) -> Findings:
    """A paid elder also paid, in the same month, by a program exclusive with this one."""
    codes = exclusive_codes(run)
    if not codes:
        return {}
    rows = Entitlement.objects.filter(
        run__period=run.period, run__program__in=codes,
        run__state__in=[RunState.COMPUTED, RunState.REVIEWED, *FINAL_STATES],
        elder_id__in=Entitlement.objects.filter(run=run).values("elder_id"),
    ).order_by("elder_id", "run_id").values_list("elder_id", "run_id", "run__program",
                                                 "amount_fen")
    found: Findings = {}
    for eid, other_run, program, fen in rows:
        found.setdefault(eid, {"others": []})["others"].append(
            {"run_id": other_run, "program": program, "amount_fen": fen})
    return found


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("deceased_or_moved", _("Paid although deceased or moved out"), deceased_or_moved,
         _("The registry records the elder as deceased or moved out."), Severity.ERROR),
    Rule("id_in_two_districts", _("Same ID number on another active record"),
         id_in_two_districts,
         _("Another active elder record has the same ID number (or its old 15-digit form), "
           "often in another district.")),
    Rule("shared_account", _("One account pays many unrelated elders"), shared_account,
         _("The elder's bank account is also the account of elders of other households.")),
    Rule("implausible_age", _("Implausible age"), implausible_age,
         _("The age is outside the plausible range, or the birth date differs from the ID "
           "number.")),
    Rule("exclusive_programs", _("Also paid by an exclusive program"), exclusive_programs,
         _("The same month, a program exclusive with this one pays the elder too."),
         Severity.ERROR),
)}
# One finding per run, rule and elder, replaced at every computation (services.run_checks).
STORE = FindingStore(model="benefits.CheckFinding", key=("rule", "elder_id"),
                     note_hint=_("note"))
CHECKS = RuleSet(
    name="benefits.checks", title=_("Checks against fraud and error"), subject="people.Elder",
    rules=tuple(RULES.values()), store=STORE,
    run_note=_("They run with every computation of a monthly run."))
