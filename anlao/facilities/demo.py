"""Demo facility inventory for the demo city, sized from seed 003's targets.

About 50 beds per 1,000 elders ("每千名老人拥有养老床位数达50张"), about 70% of them nursing-type
("护理型床位占比达70%以上"), ~80% occupied; a few facilities are deliberately out of
compliance (see ``BREACHES``) so the compliance pages have something to show.
Deterministic with the seed; replaces any existing facilities.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anlao.accounts.models import Organisation, OrganisationType
from anlao.areas.models import Area, AreaLevel
from anlao.facilities.models import (
    BedCategory,
    Facility,
    FacilityType,
    MedicalSetup,
    OccupancyRecord,
    OperationMode,
    Room,
    Stay,
)
from anlao.facilities.policy import policy
from anlao.facilities.services import facilities_check_all

# Share of all beds, nursing share, per kind of bed-holding facility.
BIG_HOMES = [("拱墅区社会福利中心", 0.30, 0.85, OperationMode.PUBLIC),
             ("半山颐养院", 0.18, 0.80, OperationMode.PUBLIC_PRIVATE_RUN),
             ("康桥护理院", 0.12, 0.80, OperationMode.PRIVATE)]
MINI_SHARE, MINI_NURSING = 0.25, 0.70
CENTRE_SHARE, CENTRE_NURSING = 0.15, 0.40
OCCUPANCY = 0.8
ROOM_SIZE = 20
# Services are data entered by the bureau, so they are in Chinese like the names.
SERVICES = {
    FacilityType.CARE_HOME: ["住养照护", "护理", "康复"],
    FacilityType.EMBEDDED_MINI: ["住养照护", "日间照料", "喘息服务"],
    FacilityType.STREET_CENTRE: ["日间照料", "喘息服务", "助餐", "康复"],
    FacilityType.COMMUNITY_STATION: ["日间照料", "助餐", "文体活动"],
    FacilityType.CANTEEN: ["助餐", "送餐上门"],
}


def seed(seed: int, stdout: Any) -> None:
    rng = random.Random(seed * 7919 + 6)
    today = timezone.localdate()
    from anlao.people.models import Elder, ElderStatus

    elders = Elder.objects.filter(status=ElderStatus.ACTIVE).count()
    total_beds = max(60, round(elders * policy()["beds_per_thousand_elders"] / 1000))
    with transaction.atomic():
        _clear()
        specs = _plan(rng, total_beds, today)
        facilities = _write(specs)
        _occupy(rng, facilities, specs, today)
    counts = facilities_check_all(today=today)
    stdout.write(f"  facilities: {len(facilities)} facilities, {total_beds} beds target, "
                 f"{counts['findings']} compliance findings")


def _clear() -> None:
    OccupancyRecord.objects.all().delete()
    Stay.objects.all().delete()
    Room.objects.all().delete()
    Facility.objects.all().delete()


def _orgs() -> dict[str, Organisation]:
    return {o.name: o for o in Organisation.objects.all()}


def _point(rng: random.Random, area: Area) -> tuple[float | None, float | None]:
    if area.lat is None or area.lng is None:
        return None, None
    return (round(area.lat + rng.uniform(-0.004, 0.004), 6),
            round(area.lng + rng.uniform(-0.004, 0.004), 6))


def _base(rng: random.Random, name: str, type_: str, operator: Organisation, area: Area,
          today: dt.date, mode: str = OperationMode.PUBLIC) -> dict[str, Any]:
    lat, lng = _point(rng, area)
    opened = today - dt.timedelta(days=rng.randint(400, 4000))
    star = rng.choice([None, 3, 4, 5]) if type_ != FacilityType.CANTEEN else None
    return dict(
        name=name, type=type_, operator=operator, operation_mode=mode, area=area, lat=lat,
        lng=lng, address=f"{area.name}{rng.randint(1, 300)}号", opened_on=opened,
        floor_space_m2=Decimal(rng.randint(150, 3000)), is_registered=True,
        licence_number=f"浙杭民养{opened.year}{rng.randint(1000, 9999)}",
        star_rating=star, star_rated_on=(opened + dt.timedelta(days=200)) if star else None,
        insurance_policy=f"PICC-{rng.randint(100000, 999999)}",
        insurance_expires_on=today + dt.timedelta(days=rng.randint(60, 330)),
        services=SERVICES[type_], medical_setup=MedicalSetup.NONE, medical_partner="",
        full_time_staff=rng.randint(2, 6), purchased_service_elders=0,
        older_share_percent=None, _beds=0, _nursing=0.0)


def _medical_for(beds: int) -> str:
    pol = policy()
    if beds <= 0:
        return MedicalSetup.NONE
    if beds <= pol["medical_agreement_max_beds"]:
        return MedicalSetup.AGREEMENT
    return MedicalSetup.CLINIC if beds <= pol["medical_clinic_max_beds"] \
        else MedicalSetup.INDEPENDENT


def _plan(rng: random.Random, total: int, today: dt.date) -> list[dict[str, Any]]:
    orgs = _orgs()
    areas = list(Area.objects.current().filter(code__startswith="330105"))
    streets = sorted((a for a in areas if a.level == AreaLevel.STREET), key=lambda a: a.code)
    communities = sorted((a for a in areas if a.level == AreaLevel.COMMUNITY),
                         key=lambda a: a.code)
    providers = sorted((o for o in orgs.values() if o.type == OrganisationType.PROVIDER),
                       key=lambda o: o.name)
    specs = []
    for name, share, nursing, mode in BIG_HOMES:
        org = orgs.get(name) or providers[0]
        s = _base(rng, name, FacilityType.CARE_HOME, org, org.area, today, mode)
        s.update(_beds=round(total * share), _nursing=nursing)
        specs.append(s)
    for i, street in enumerate(streets):
        org = providers[i // 2 % len(providers)] if providers else orgs["拱墅区民政局"]
        mini = _base(rng, f"{street.name}嵌入式小微养老院", FacilityType.EMBEDDED_MINI, org,
                     street, today, OperationMode.PUBLIC_PRIVATE_RUN)
        mini.update(_beds=round(total * MINI_SHARE / len(streets)), _nursing=MINI_NURSING)
        centre = _base(rng, f"{street.name}居家养老服务中心", FacilityType.STREET_CENTRE, org,
                       street, today, OperationMode.PUBLIC_PRIVATE_RUN)
        centre.update(_beds=round(total * CENTRE_SHARE / len(streets)), _nursing=CENTRE_NURSING,
                      older_share_percent=Decimal(rng.randint(150, 300)) / 10,
                      full_time_staff=2)
        specs += [mini, centre]
    specs += _stations(rng, communities, orgs, today)
    for s in specs:
        s["medical_setup"] = _medical_for(s["_beds"])
        if s["medical_setup"] == MedicalSetup.AGREEMENT:
            s["medical_partner"] = f"{s['area'].name}社区卫生服务中心"
    _breach(rng, specs, today)
    return specs


def _stations(rng: random.Random, communities: list[Area], orgs: dict[str, Organisation],
              today: dt.date) -> list[dict[str, Any]]:
    specs = []
    canteens = [o for o in orgs.values() if o.type == OrganisationType.CANTEEN]
    for community in communities:
        committee = orgs.get(f"{community.name}居民委员会")
        if committee is None:
            continue
        s = _base(rng, f"{community.name}居家养老服务站", FacilityType.COMMUNITY_STATION,
                  committee, community, today)
        s.update(purchased_service_elders=rng.randint(40, 260))
        s["full_time_staff"] = s["purchased_service_elders"] // 100 + rng.choice([0, 0, 0, 1])
        specs.append(s)
        if canteens and rng.random() < 0.25:
            org = canteens[len(specs) % len(canteens)]
            specs.append(_base(rng, f"{community.name}助餐点", FacilityType.CANTEEN, org,
                               community, today, OperationMode.PRIVATE))
    return specs


def _breach(rng: random.Random, specs: list[dict[str, Any]], today: dt.date) -> None:
    """A handful of deliberate compliance problems, one of each kind."""
    homes = [s for s in specs if s["type"] == FacilityType.CARE_HOME]
    minis = [s for s in specs if s["type"] == FacilityType.EMBEDDED_MINI]
    centres = [s for s in specs if s["type"] == FacilityType.STREET_CENTRE]
    stations = [s for s in specs if s["type"] == FacilityType.COMMUNITY_STATION]
    homes[-1]["medical_setup"] = MedicalSetup.AGREEMENT  # beds want more than an agreement
    homes[-1]["medical_partner"] = "拱墅区中医院"
    homes[1]["insurance_expires_on"] = today - dt.timedelta(days=20)
    minis[0]["insurance_expires_on"] = today + dt.timedelta(days=12)
    minis[1]["licence_number"] = ""
    minis[2]["_nursing"] = 0.4
    centres[0].update(older_share_percent=Decimal("23.5"), full_time_staff=1)
    stations[0].update(purchased_service_elders=230, full_time_staff=1)


def _write(specs: list[dict[str, Any]]) -> list[Facility]:
    fields = {f.name for f in Facility._meta.concrete_fields}
    objs = Facility.objects.bulk_create(
        [Facility(**{k: v for k, v in s.items() if k in fields}) for s in specs])
    rooms = []
    for facility, s in zip(objs, specs, strict=True):
        nursing = round(s["_beds"] * s["_nursing"])
        rooms += _rooms(facility, BedCategory.NURSING, nursing, "N")
        rooms += _rooms(facility, BedCategory.GENERAL, s["_beds"] - nursing, "G")
    Room.objects.bulk_create(rooms)
    return objs


def _rooms(facility: Facility, category: str, beds: int, prefix: str) -> list[Room]:
    out, n = [], 0
    while beds > 0:
        n += 1
        size = min(ROOM_SIZE, beds)
        out.append(Room(facility=facility, label=f"{prefix}{n:02d}", bed_category=category,
                        beds=size))
        beds -= size
    return out


def _occupy(rng: random.Random, facilities: list[Facility], specs: list[dict[str, Any]],
            today: dt.date) -> None:
    """~80% of beds taken, one Stay per taken bed (frailer elders first), a year of history."""
    from anlao.people.models import Elder, ElderStatus

    active = Elder.objects.filter(status=ElderStatus.ACTIVE)
    pool = list(active.filter(ability_level__gte=2).values_list("id", flat=True).order_by("id"))
    pool += list(active.exclude(ability_level__gte=2).values_list("id", flat=True)
                 .order_by("id")[:20000])
    rng.shuffle(pool)
    rooms = list(Room.objects.filter(facility__in=facilities).order_by("id"))
    stays = []
    for room in rooms:
        room.occupied = min(room.beds, round(room.beds * rng.uniform(OCCUPANCY - 0.15,
                                                                     OCCUPANCY + 0.15)))
        for _i in range(room.occupied):
            if not pool:
                break
            stays.append(Stay(facility_id=room.facility_id, room=room, elder_id=pool.pop(),
                              bed_category=room.bed_category,
                              admitted_on=today - dt.timedelta(days=rng.randint(1, 900))))
    Room.objects.bulk_update(rooms, ["occupied"], batch_size=1000)
    Stay.objects.bulk_create(stays, batch_size=2000)
    _history(rng, rooms, today)


def _history(rng: random.Random, rooms: list[Room], today: dt.date) -> None:
    totals: dict[int, list[int]] = {}
    for r in rooms:
        t = totals.setdefault(r.facility_id, [0, 0, 0, 0])
        nursing = r.bed_category == BedCategory.NURSING
        t[0] += r.beds
        t[1] += r.beds if nursing else 0
        t[2] += r.occupied
        t[3] += r.occupied if nursing else 0
    records = []
    for fid, (beds, nbeds, occ, nocc) in totals.items():
        for months_ago in range(12, -1, -1):
            factor = 1 - months_ago * rng.uniform(0.01, 0.025)
            records.append(OccupancyRecord(
                facility_id=fid, on=today - dt.timedelta(days=30 * months_ago), beds=beds,
                nursing_beds=nbeds, occupied=min(beds, round(occ * factor)),
                occupied_nursing=min(nbeds, round(nocc * factor))))
    OccupancyRecord.objects.bulk_create(records, batch_size=2000)
