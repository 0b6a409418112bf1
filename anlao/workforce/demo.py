"""Demo caregivers for the demo facilities, written in bulk (``anlao seed`` calls ``seed``).

About one caregiver per six beds, with a spread of skill levels (some uncertified, so the 95%
KPI of seed 003 is missed in places), a few nurse and health-manager certificates, a year or
more of employment history (job changes, leavers, long-serving staff for the 3-year bonus),
training and seed 002's June 2023 contest. Then the district's last two quarters of post
subsidy claims: the older one approved and exported, the last one computed awaiting approval.
Deterministic with the seed; replaces any existing workforce data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from stdnum.cn import ric

from anlao.accounts.models import User
from anlao.areas.models import Area
from anlao.core.periods import previous_quarter, quarter_bounds
from anlao.core.roles import Role
from anlao.demo.names import FEMALE_FIRST, FEMALE_SECOND, MALE_FIRST, MALE_SECOND, SURNAMES
from anlao.facilities.models import Facility, FacilityType
from anlao.workforce import services
from anlao.workforce.models import (
    Caregiver,
    Certificate,
    CertificateKind,
    ClaimBatch,
    ContestResult,
    Employment,
    TrainingRecord,
    WorkRole,
)

BEDS_PER_CAREGIVER = 6  # ASSUMPTION
LEVELS = [("", 0.07), ("level5", 0.34), ("level4", 0.30), ("level3", 0.18), ("level2", 0.08),
          ("level1", 0.03)]  # ASSUMPTION: spread of skill levels
ISSUERS = ["杭州市人力资源和社会保障局", "浙江省职业技能鉴定中心", "杭州市民政职业技能鉴定站"]
CONTEST = "市第三届养老管护人员职业技能培训及竞赛"  # seed 002, June 2023
COURSES = ["失能老人照护实务", "老年人能力评估", "认知症照护", "安全用药与急救", "康复护理基础"]
STAFFED = (FacilityType.CARE_HOME, FacilityType.EMBEDDED_MINI, FacilityType.STREET_CENTRE,
           FacilityType.COMMUNITY_STATION)


def seed(seed: int, stdout: Any) -> None:
    t0 = time.perf_counter()
    rng = random.Random(seed * 104729 + 11)
    today = timezone.localdate()
    facilities = list(Facility.objects.filter(type__in=STAFFED).annotate(
        n_beds=Sum("rooms__beds")).select_related("operator").order_by("pk"))
    if not facilities:
        stdout.write("  workforce: no facilities in the demo world; skipped")
        return
    with transaction.atomic():
        _clear()
        n = _write(rng, facilities, today)
    claims = _claims(today)
    stdout.write(f"  workforce: {n} caregivers, {claims} in {time.perf_counter() - t0:.1f} s")


def _clear() -> None:
    from anlao.homecare.models import CaregiverProfile, Leave

    ClaimBatch.objects.all().delete()
    # Home-care profiles hang off caregivers (PROTECT); the home-care demo step makes new ones.
    Leave.objects.all().delete()
    CaregiverProfile.objects.all().delete()
    Caregiver.objects.all().delete()


def _name(rng: random.Random, female: bool) -> str:
    surname = rng.choice(SURNAMES[0::2])
    first, second = (FEMALE_FIRST, FEMALE_SECOND) if female else (MALE_FIRST, MALE_SECOND)
    return surname + str(rng.choice(first)) + str(rng.choice(second))


def _id_number(rng: random.Random, birth: dt.date, seq: int, female: bool) -> str:
    s = (seq % 499) * 2 + (0 if female else 1)
    n17 = f"330105{birth:%Y%m%d}{s:03d}"
    return n17 + ric.calc_check_digit(n17 + "0")


def _caregivers(rng: random.Random, facilities: list, areas: dict[int, Area]) -> list[tuple]:
    out, seq = [], 0
    for f in facilities:
        for _i in range(max(2, min(40, (f.n_beds or 0) // BEDS_PER_CAREGIVER))):
            seq += 1
            female = rng.random() < 0.85
            birth = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
            c = Caregiver(name=_name(rng, female), birth_date=birth, sex="F" if female else "M",
                          id_number=_id_number(rng, birth, seq, female), area=areas[f.area_id],
                          phone=f"139{rng.randint(0, 99999999):08d}")
            out.append((c, f))
    # ID numbers must be unique: the sequence is folded into three digits, so drop clashes.
    seen: set[str] = set()
    return [(c, f) for c, f in out if not (c.id_number in seen or seen.add(c.id_number))]


def _jobs(rng: random.Random, c: Caregiver, f: Facility, others: list, today: dt.date) -> list:
    role = rng.choices([WorkRole.FRONTLINE, WorkRole.MANAGEMENT, WorkRole.OTHER],
                       [0.85, 0.10, 0.05])[0]
    r = rng.random()
    if r < 0.35:  # long-serving: since before the subsidy started (3-year bonus due)
        start = dt.date(rng.randint(2015, 2022), rng.randint(1, 12), 1)
    elif r < 0.5:  # joined in 2023: their three years complete during 2026
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    else:
        start = today - dt.timedelta(days=rng.randint(60, 1000))
    jobs = []
    if r > 0.88 and others:  # a job change: an earlier job elsewhere, ended the day before
        prev = rng.choice(others)
        prev_start = start - dt.timedelta(days=rng.randint(200, 900))
        jobs.append(Employment(caregiver=c, employer=prev.operator, facility=prev,
                               role=WorkRole.FRONTLINE, start=prev_start,
                               end=start - dt.timedelta(days=rng.choice([1, 1, 20]))))
    end = today - dt.timedelta(days=rng.randint(5, 200)) if rng.random() < 0.05 else None
    jobs.append(Employment(caregiver=c, employer=f.operator, facility=f, role=role,
                           start=start, end=end))
    return jobs


def _certs(rng: random.Random, c: Caregiver, start: dt.date, today: dt.date) -> list:
    level = rng.choices([x for x, _w in LEVELS], [w for _x, w in LEVELS])[0]
    out = []
    if level:
        issued = min(today - dt.timedelta(days=1),
                     start + dt.timedelta(days=rng.randint(-400, 500)))
        if level != "level5" and rng.random() < 0.15:  # upgraded within the last year
            lower = f"level{int(level[-1]) + 1}"
            out.append(_cert(rng, c, CertificateKind.SKILL, issued - dt.timedelta(days=700),
                             lower))
            issued = today - dt.timedelta(days=rng.randint(10, 360))
        out.append(_cert(rng, c, CertificateKind.SKILL, issued, level))
    if rng.random() < 0.05:
        out.append(_cert(rng, c, CertificateKind.NURSE, start - dt.timedelta(days=900)))
    if rng.random() < 0.08:
        out.append(_cert(rng, c, CertificateKind.HEALTH_MANAGER,
                         today - dt.timedelta(days=rng.randint(30, 900))))
    return out


def _cert(rng: random.Random, c: Caregiver, kind: str, on: dt.date, level: str = ""):
    return Certificate(caregiver=c, kind=kind, level=level, issued_on=on,
                       number=f"{on:%Y}{rng.randint(0, 10**10):010d}",
                       issuer=rng.choice(ISSUERS) if kind == "skill" else "杭州市卫生健康委员会")


def _extras(rng: random.Random, c: Caregiver, today: dt.date) -> tuple[list, list]:
    trainings = [TrainingRecord(caregiver=c, title=rng.choice(COURSES), provider="拱墅区民政局",
                                start=today - dt.timedelta(days=rng.randint(20, 700)),
                                hours=rng.choice([8, 16, 24, 40]), passed=rng.random() > 0.05)
                 for _i in range(rng.choice([0, 1, 1, 2]))]
    contests = []
    if rng.random() < 0.05:
        contests.append(ContestResult(caregiver=c, contest=CONTEST, held_on=dt.date(2023, 6, 20),
                                      result=rng.choice(["一等奖", "二等奖", "三等奖", "优秀奖"])))
    return trainings, contests


def _write(rng: random.Random, facilities: list, today: dt.date) -> int:
    areas = {a.pk: a for a in Area.objects.filter(pk__in={f.area_id for f in facilities})}
    pairs = _caregivers(rng, facilities, areas)
    Caregiver.objects.bulk_create([c for c, _f in pairs])
    jobs, certs, trainings, contests = [], [], [], []
    for c, f in pairs:
        mine = _jobs(rng, c, f, [x for x in facilities if x.pk != f.pk], today)
        jobs += mine
        certs += _certs(rng, c, mine[0].start, today)
        t, k = _extras(rng, c, today)
        trainings += t
        contests += k
    Employment.objects.bulk_create(jobs)
    Certificate.objects.bulk_create(certs)
    TrainingRecord.objects.bulk_create(trainings)
    ContestResult.objects.bulk_create(contests)
    return len(pairs)


def _claims(today: dt.date) -> str:
    """The district's last two ended quarters: older approved and exported, last computed."""
    officer = User.objects.filter(role=Role.DISTRICT_OFFICER, is_active=True).order_by("pk").first()
    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    district = officer.areas.first() if officer else None
    if not (officer and admin and district):
        return "no district officer and city admin: no claims"
    last = previous_quarter(today)
    before = previous_quarter(quarter_bounds(*last)[0])
    for (year, quarter), approve in ((before, True), (last, False)):
        b = services.batch_create(actor=officer, year=year, quarter=quarter, area_id=district.pk)
        services.batch_compute(actor=officer, batch_id=b.pk)
        if approve:
            services.batch_approve(actor=admin, batch_id=b.pk)
            services.batch_export(actor=admin, batch_id=b.pk)
    return f"claims for {before[0]}Q{before[1]} (exported) and {last[0]}Q{last[1]} (computed)"
